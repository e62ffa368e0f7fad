#!/usr/bin/env python3
"""Verify an onex audit export against signed checkpoints, with the public key alone.

Standalone: this file imports only the standard library and ``cryptography`` (and ``tongsuopy``
for the SM2 checkpoints of the gm crypto suite, only when it meets one), so an auditor can copy
it out of the repository and run it without Django, the database or any secret::

    python audit_offline.py --public-key audit-public.pem \\
        --checkpoint checkpoint-2026-12-03.json --events audit-events.jsonl

It (1) checks each checkpoint's signature (Ed25519, or SM2 under ``ONEX_CRYPTO_SUITE=gm``: SM3
over ``Z_A`` with the default user ID, ``r || s``) with the public key, (2) recomputes the
SHA-256 hash of every exported event and the ``prev_hash`` links between them, and (3) requires
that the event at each checkpoint's ``seq`` carries exactly the signed ``hash``. An event edited
after a checkpoint was published, even with the whole chain recomputed, no longer ends at the
signed head. (The per-event MAC of the keyed chain needs the secret key; ``manage.py
audit_verify`` checks it online.)

onex itself imports :func:`event_hash` from here, so the server and the offline verifier can
never disagree on the canonical form. Exit status: 0 verified, 1 a failure, 2 bad input.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

# tongsuopy is optional: only an SM2 checkpoint (the gm suite) needs it, and an auditor checking
# Ed25519 checkpoints should not have to install it.
try:
    from tongsuopy.crypto import hashes as ts_hashes
    from tongsuopy.crypto import serialization as ts_serialization
    from tongsuopy.crypto.asymciphers import ec as ts_ec
except ImportError:  # pragma: no cover - exercised only where tongsuopy is absent
    ts_hashes = ts_serialization = ts_ec = None

# prev_hash of the very first event.
GENESIS_HASH = "0" * 64
# Fields covered by the hash, in the canonical payload. Changing this list (or the encoding)
# makes every existing event fail verification: add a version instead.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "unit_id",
    "unit_name",
    "unit_province_id",
    "action",
    "target_type",
    "target_id",
    "old",
    "new",
    "ip",
    "prev_hash",
)
# 1: SHA-256 chain only (events written before the chain was keyed).
# 2: SHA-256 chain whose payload names the version, and a MAC of each hash (key outside the DB).
VERSION_UNKEYED = 1
VERSION_KEYED = 2
CURRENT_VERSION = VERSION_KEYED

CHECKPOINT_TYPE = "onex-audit-checkpoint"
CHECKPOINT_FORMAT = 1
EXPORT_TYPE = "onex-audit-export"
_SIGNED_PREFIX = b"onex-audit-checkpoint/v1\n"


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def event_hash(fields: Mapping[str, Any], version: int) -> str:
    """SHA-256 over the canonical JSON of the hashed fields (``at`` already canonical text)."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    if version >= VERSION_KEYED:
        payload["version"] = version
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def checkpoint_signed_bytes(checkpoint: Mapping[str, Any]) -> bytes:
    """What the signature covers: every field but ``signature``, canonical JSON."""
    body = {k: v for k, v in checkpoint.items() if k != "signature"}
    return _SIGNED_PREFIX + canonical_json(body)


def key_fingerprint(public_raw: bytes) -> str:
    """The key id onex publishes for an Ed25519 key (``core.crypto``): SHA-256, 16 hex digits."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def sm2_key_fingerprint(public_raw: bytes) -> str:
    """The key id of an SM2 key (``04 || x || y``): SM3, 16 hex digits."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(public_raw)
    return digest.finalize().hex()[:16]


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Finding:
    ok: bool
    message: str


def _verify_sm2(checkpoint: Mapping[str, Any], public_pem: bytes) -> Finding | None:
    """Check an SM2 checkpoint signature with Tongsuo; None when the key is not an SM2 key."""
    if ts_ec is None:
        return Finding(
            False, "an SM2 checkpoint needs the tongsuopy package (pip install tongsuopy)"
        )
    try:
        public = ts_serialization.load_pem_public_key(public_pem)
    except Exception:  # tongsuopy raises its own classes for other algorithms
        return None
    if not isinstance(getattr(public, "curve", None), ts_ec.SM2):
        return None
    raw = public.public_bytes(
        ts_serialization.Encoding.X962, ts_serialization.PublicFormat.UncompressedPoint
    )
    if checkpoint.get("key_id") != sm2_key_fingerprint(bytes(raw)):
        return Finding(False, "the checkpoint names another signing key (key_id)")
    try:
        signature = b64url_decode(str(checkpoint.get("signature", "")))
        if len(signature) != 64:
            raise ValueError("not an SM2 r || s")
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        public.verify(der, checkpoint_signed_bytes(checkpoint), ts_ec.ECDSA(ts_hashes.SM3()))
    except Exception:  # InvalidSignature (tongsuopy's class) or a malformed value
        return Finding(False, "bad signature: the checkpoint was altered or signed by another key")
    return Finding(
        True, f"SM2 signature valid (seq {checkpoint['seq']}, key {checkpoint['key_id']})"
    )


def verify_checkpoint_signature(checkpoint: Mapping[str, Any], public_pem: bytes) -> Finding:
    if checkpoint.get("type") != CHECKPOINT_TYPE or checkpoint.get("format") != CHECKPOINT_FORMAT:
        return Finding(False, "not an onex audit checkpoint (type/format)")
    sm2 = _verify_sm2(checkpoint, public_pem) if checkpoint.get("algorithm") == "SM2" else None
    if sm2 is not None:
        return sm2
    try:
        public = serialization.load_pem_public_key(public_pem)
    except (ValueError, UnsupportedAlgorithm):
        return Finding(False, "the public key is not an Ed25519 or SM2 PEM public key")
    if not isinstance(public, Ed25519PublicKey):
        return Finding(False, "the public key is not an Ed25519 key")
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if checkpoint.get("key_id") != key_fingerprint(raw):
        return Finding(False, "the checkpoint names another signing key (key_id)")
    try:
        signature = b64url_decode(str(checkpoint.get("signature", "")))
        public.verify(signature, checkpoint_signed_bytes(checkpoint))
    except (InvalidSignature, ValueError):
        return Finding(False, "bad signature: the checkpoint was altered or signed by another key")
    return Finding(True, f"signature valid (seq {checkpoint['seq']}, key {checkpoint['key_id']})")


def verify_export(
    header: Mapping[str, Any], events: Iterable[Mapping[str, Any]]
) -> tuple[Finding, dict[int, str]]:
    """Recompute hashes and links; returns the finding and ``seq -> hash`` of verified events."""
    expected_seq = int(header.get("anchor_seq", 0)) + 1
    expected_prev = str(header.get("anchor_hash", GENESIS_HASH))
    hashes: dict[int, str] = {int(header.get("anchor_seq", 0)): expected_prev}
    for event in events:
        seq = int(event["seq"])
        if seq != expected_seq:
            return Finding(False, f"seq {expected_seq} missing (next is {seq})"), hashes
        if event["prev_hash"] != expected_prev:
            return Finding(False, f"seq {seq}: prev_hash does not link to the event before"), hashes
        version = int(event.get("version", VERSION_UNKEYED))
        if event_hash(event, version) != event["hash"]:
            return Finding(False, f"seq {seq}: content does not match its hash (edited)"), hashes
        hashes[seq] = str(event["hash"])
        expected_prev = str(event["hash"])
        expected_seq += 1
    return Finding(True, f"{len(hashes) - 1} events link and hash correctly"), hashes


def verify_against_checkpoint(
    checkpoint: Mapping[str, Any], header: Mapping[str, Any], hashes: Mapping[int, str]
) -> Finding:
    seq = int(checkpoint["seq"])
    if seq < int(header.get("anchor_seq", 0)):
        return Finding(False, f"checkpoint seq {seq} was purged before this export started")
    if seq not in hashes:
        return Finding(False, f"checkpoint seq {seq} is not in the export")
    if hashes[seq] != checkpoint["hash"]:
        return Finding(False, f"seq {seq}: the exported chain does not end at the signed hash")
    return Finding(True, f"the export matches the checkpoint at seq {seq}")


def read_export(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise ValueError("the export is empty")
    header = json.loads(lines[0])
    if header.get("type") != EXPORT_TYPE:
        raise ValueError("the first line is not an onex audit export header")
    return header, [json.loads(line) for line in lines[1:]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--public-key", type=Path, required=True, help="Ed25519 or SM2 public key (PEM)"
    )
    parser.add_argument("--checkpoint", type=Path, action="append", required=True)
    parser.add_argument("--events", type=Path, required=True, help="manage.py audit_export output")
    args = parser.parse_args(argv)
    try:
        public_pem = args.public_key.read_bytes()
        header, events = read_export(args.events)
        checkpoints = [json.loads(p.read_text(encoding="utf-8")) for p in args.checkpoint]
    except (OSError, ValueError) as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 2
    findings = [verify_checkpoint_signature(c, public_pem) for c in checkpoints]
    chain, hashes = verify_export(header, events)
    findings.append(chain)
    findings.extend(verify_against_checkpoint(c, header, hashes) for c in checkpoints)
    for finding in findings:
        print(("OK     " if finding.ok else "FAILED ") + finding.message)
    return 0 if all(f.ok for f in findings) else 1


if __name__ == "__main__":
    sys.exit(main())
