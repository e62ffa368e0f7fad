"""The learner's CLR checked offline by the outside verifier that checks the certificate
credentials: Digital Bazaar's JavaScript VC libraries (tests/certificates/vc_verify/verify.mjs),
with the CLR 2.0 context read from the pinned package file and nothing fetched.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from onex.certificates.services.status import certificate_revoke
from onex.creditbank.services import clr
from tests.certificates.test_vc_js import node, verify
from tests.creditbank.test_clr import _learner_with_record, members
from tests.factories_creditbank import Bank

__all__ = ["node"]  # the fixture, shared with the certificate credential tests


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["key", "web"])
def test_clr_and_every_member_verify_with_the_javascript_verifier(
    node: str, tmp_path: Path, bank: Bank, settings: Any, mode: str
) -> None:
    settings.ONEX_VC_ISSUER_DID = mode
    learner, _issued, _number = _learner_with_record(bank)
    document = clr.clr_download(actor=learner.actor)
    results = verify(node, tmp_path, document, *members(document))
    assert [r["verified"] for r in results] == [True] * (1 + len(members(document))), results
    # The embedded certificate credential carries its status; the record and the credit and
    # course credentials are snapshots without one.
    assert results[1]["status"] == {"revocation": False, "suspension": False}
    assert results[0]["status"] == {}


@pytest.mark.django_db(transaction=True)
def test_changed_record_fails_the_javascript_verifier(
    node: str, tmp_path: Path, bank: Bank
) -> None:
    learner, _issued, _number = _learner_with_record(bank)
    document = clr.clr_download(actor=learner.actor)
    more_credits = copy.deepcopy(document)
    members(more_credits)[-1]["credentialSubject"]["creditsEarned"] = 30
    dropped = copy.deepcopy(document)
    members(dropped).pop(0)
    results = verify(node, tmp_path, more_credits, dropped)
    assert [r["verified"] for r in results] == [False, False], results
    assert any("signature" in error.lower() for error in results[0]["errors"]), results[0]


@pytest.mark.django_db(transaction=True)
def test_certificate_revoked_after_the_export_shows_in_the_javascript_verifier(
    node: str, tmp_path: Path, bank: Bank
) -> None:
    learner, issued, _number = _learner_with_record(bank)
    document = clr.clr_download(actor=learner.actor)
    with transaction.atomic(), bank.capture(execute=True):
        certificate_revoke(actor=bank.p.org.actor, certificate=issued, reason="替考")
    record, certificate = verify(node, tmp_path, document, members(document)[0])
    assert record["verified"], record  # the record itself stays a true snapshot
    assert certificate["status"] == {"revocation": True, "suspension": False}, certificate
