"""The two crypto suites side by side: per-operation times of core.crypto and credential signing.

Run: .venv/bin/python bench/bench_crypto.py [--rounds N]
No database: credential signing uses a built document (RDFC-1.0 canonicalisation dominates).
The pure-Python SM2 of tests/core/sm2_reference.py (what onex signed with before Tongsuo) is
timed as well, for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
os.environ.setdefault("ONEX_DEV_SECRETS", "1")


def per_call(function: Callable[[], object], rounds: int) -> float:
    """Mean microseconds per call (one warm-up call first)."""
    function()
    start = time.perf_counter()
    for _ in range(rounds):
        function()
    return (time.perf_counter() - start) / rounds * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import override_settings
    from tests.core import sm2_reference

    from onex.certificates.services import credentials
    from onex.core import crypto

    rounds = args.rounds
    data = b"onex/certificate-verify/v1:2024000011A11000001X"
    mib = os.urandom(1 << 20)
    subject = credentials.CredentialSubjectData(
        number="2020C2014400001X",
        holder_name="王小明",
        certificate_code="C2-01",
        certificate_name="物流管理",
        level="intermediate",
        level_label="中级",
        org_id=1,
        org_name="北京中物联物流采购培训中心",
        issued_on=dt.date(2020, 6, 1),
        identity_hash=credentials.identity_hash("110101199003070011", "0f" * 16),
        status_sequence=1,
        status_index=7,
    )
    rows: list[tuple[str, str, float]] = []
    for suite in ("intl", "gm"):
        with override_settings(ONEX_CRYPTO_SUITE=suite, ONEX_SIGNING_KEY=""):
            blob = crypto.encrypt("110101199003070011", context="bench")
            key_id, signature = crypto.sign(data)
            rows += [
                (
                    suite,
                    "encrypt an ID number",
                    per_call(
                        lambda: crypto.encrypt("110101199003070011", context="bench"), rounds * 10
                    ),
                ),
                (
                    suite,
                    "decrypt an ID number",
                    per_call(lambda blob=blob: crypto.decrypt(blob, context="bench"), rounds * 10),
                ),
                (
                    suite,
                    "encrypt 1 MiB",
                    per_call(lambda: crypto.encrypt(mib, context="bench"), max(rounds // 30, 3)),
                ),
                (
                    suite,
                    "keyed hash",
                    per_call(
                        lambda: crypto.keyed_hash("110101199003070011", purpose="bench"),
                        rounds * 10,
                    ),
                ),
                (
                    suite,
                    f"sign ({crypto.public_keys()[0].algorithm})",
                    per_call(lambda: crypto.sign(data), rounds),
                ),
                (
                    suite,
                    "verify",
                    per_call(
                        lambda key_id=key_id, signature=signature: crypto.verify(
                            data, signature, key_id=key_id
                        ),
                        rounds,
                    ),
                ),
                (
                    suite,
                    "sign a credential (all proofs)",
                    per_call(
                        lambda: credentials.sign_document(credentials.build_credential(subject)),
                        max(rounds // 10, 5),
                    ),
                ),
            ]
            if suite == "gm":
                signed = credentials.sign_document(credentials.build_credential(subject))
                rows.append(
                    (
                        suite,
                        "verify a credential (all proofs)",
                        per_call(
                            lambda signed=signed: credentials.verify_credential(
                                signed, check_status=False
                            ),
                            max(rounds // 10, 5),
                        ),
                    )
                )
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_SIGNING_KEY=""):
        public = crypto.public_keys()[0].public_bytes
        gm_signature = crypto.sign(data)[1]
    reference_key = sm2_reference.sm2_private_key(12345)
    rows += [
        (
            "reference",
            "sign (pure-Python SM2, former)",
            per_call(lambda: sm2_reference.sm2_sign(reference_key, data), max(rounds // 10, 5)),
        ),
        (
            "reference",
            "verify (pure-Python SM2, former)",
            per_call(
                lambda: sm2_reference.sm2_verify(public, data, gm_signature), max(rounds // 10, 5)
            ),
        ),
    ]
    print("| suite | operation | µs per call |")
    print("|---|---|---|")
    for suite, operation, micros in rows:
        print(f"| {suite} | {operation} | {micros:,.0f} |")


if __name__ == "__main__":
    main()
