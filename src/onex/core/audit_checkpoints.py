"""Signed checkpoints of the audit chain head: published outside the database, daily.

A checkpoint is a small JSON document naming the chain head (seq and hash) and the purge anchor,
signed with the platform's signing key (``core.crypto.sign``: Ed25519, or SM2 under
``ONEX_CRYPTO_SUITE=gm``; the checkpoint names the algorithm and key id). It is written to a
file under ``ONEX_AUDIT_CHECKPOINT_DIR`` and logged as one line, so copies end up wherever files
and logs are shipped. Anyone holding a checkpoint, the public key and an export of the events
can check with ``core/audit_offline.py`` (no database, no secret) that the events up to that
seq were not changed after the checkpoint was published.

A checkpoint is signed only over a chain that verifies: signing a tampered head would launder it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from onex.core import crypto
from onex.core.audit import audit_verify_chain
from onex.core.audit_offline import (
    CHECKPOINT_FORMAT,
    CHECKPOINT_TYPE,
    checkpoint_signed_bytes,
)
from onex.core.models import AuditAnchor, AuditEvent

logger = logging.getLogger("onex.audit.checkpoint")


class CheckpointRefused(Exception):
    """The chain does not verify: no checkpoint is signed over it."""


def checkpoint_dir() -> Path:
    return Path(settings.ONEX_AUDIT_CHECKPOINT_DIR)


def checkpoint_build(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Verify the chain and return a signed checkpoint of its head."""
    result = audit_verify_chain()
    if not result.ok:
        raise CheckpointRefused(str(result))
    anchor = AuditAnchor.objects.filter(pk=AuditAnchor.SINGLETON_PK).first() or AuditAnchor()
    issued = (now or timezone.now()).astimezone(dt.timezone.utc).replace(microsecond=0)
    body: dict[str, Any] = {
        "type": CHECKPOINT_TYPE,
        "format": CHECKPOINT_FORMAT,
        "issued_at": issued.isoformat(),
        "seq": result.head_seq,
        "hash": result.head_hash,
        "anchor_seq": anchor.anchor_seq,
        "anchor_hash": anchor.anchor_hash,
        "events": result.count,
        "algorithm": crypto.public_keys()[0].algorithm,
        "key_id": crypto.signing_key_id(),
    }
    key_id, signature = crypto.sign(checkpoint_signed_bytes(body))
    if key_id != body["key_id"]:  # the key rotated between the two calls
        raise CheckpointRefused("the signing key changed while signing; run again")
    body["signature"] = base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")
    return body


def public_key_pem() -> str:
    """The current signing key's public half (PEM), for the offline verifier."""
    return crypto.public_keys()[0].pem()


def checkpoint_publish(*, directory: Path | None = None, now: dt.datetime | None = None) -> Path:
    """Sign a checkpoint, write it (and the public key beside it) and log it as one line."""
    checkpoint = checkpoint_build(now=now)
    target = directory or checkpoint_dir()
    target.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.fromisoformat(checkpoint["issued_at"]).strftime("%Y%m%dT%H%M%SZ")
    path = target / f"checkpoint-{stamp}-seq{checkpoint['seq']}.json"
    text = json.dumps(checkpoint, ensure_ascii=False, sort_keys=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)
    key_path = target / f"public-key-{checkpoint['key_id']}.pem"
    if not key_path.exists():
        key_path.write_text(public_key_pem(), encoding="utf-8")
    logger.info("audit checkpoint %s", text)
    return path


def checkpoint_files(directory: Path | None = None) -> list[Path]:
    target = directory or checkpoint_dir()
    if not target.is_dir():
        return []
    return sorted(target.glob("checkpoint-*.json"))


@dataclass(frozen=True)
class CheckpointCheck:
    ok: bool
    path: Path
    message: str


def checkpoint_check(path: Path) -> CheckpointCheck:
    """Does the database still hold the chain this checkpoint signed?

    The signature is checked with the configured (current or retired) keys; then the event at
    the checkpoint's seq must carry the signed hash (or the anchor, if purged exactly there).
    A checkpoint older than the purge anchor can no longer be compared and passes.
    """
    try:
        checkpoint = json.loads(path.read_text(encoding="utf-8"))
        signature = base64.urlsafe_b64decode(
            str(checkpoint["signature"]) + "=" * (-len(str(checkpoint["signature"])) % 4)
        )
        seq, signed_hash = int(checkpoint["seq"]), str(checkpoint["hash"])
        key_id = str(checkpoint["key_id"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return CheckpointCheck(False, path, f"unreadable checkpoint: {exc}")
    if not crypto.verify(checkpoint_signed_bytes(checkpoint), signature, key_id=key_id):
        return CheckpointCheck(False, path, "bad signature")
    anchor = AuditAnchor.objects.filter(pk=AuditAnchor.SINGLETON_PK).first() or AuditAnchor()
    if seq < anchor.anchor_seq:
        return CheckpointCheck(True, path, f"seq {seq} purged (anchor {anchor.anchor_seq})")
    if seq == anchor.anchor_seq:
        stored = anchor.anchor_hash
    else:
        found = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if found is None:
            return CheckpointCheck(False, path, f"seq {seq} is missing from the database")
        stored = found
    if stored != signed_hash:
        return CheckpointCheck(
            False, path, f"seq {seq}: the stored chain differs from the signed head"
        )
    return CheckpointCheck(True, path, f"seq {seq} matches")
