"""The learner's portable record: one signed 1EdTech CLR 2.0 ``ClrCredential`` (issue 11).

Signature and tampering with the platform's own verifier here; the independent JavaScript
verifier in test_clr_js.py.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from onex.certificates import contexts
from onex.certificates.models import IssuedCertificate
from onex.certificates.services import credentials
from onex.certificates.services.status import certificate_revoke
from onex.core.audit import AuditEvent
from onex.core.errors import Conflict, NotFound
from onex.core.models import Role, UnitKind
from onex.core.personal import mask_id_number
from onex.creditbank.models import LearningAccount, LearningOutcome
from onex.creditbank.services import accounts as account_services
from onex.creditbank.services import clr
from tests.factories_assessment import make_id
from tests.factories_creditbank import Bank, client_for
from tests.personas import Persona, make_unit, make_user


def _learner_with_record(bank: Bank) -> tuple[Persona, IssuedCertificate, str]:
    """A learner with a credited platform certificate and one course outcome."""
    bank.plan()
    issued, candidate = bank.examined()
    learner = bank.learner_for(candidate)
    serial = int(candidate.name.removeprefix("学生"))
    account_services.course_outcome_record(
        actor=bank.p.gd_school.actor,
        school=bank.p.gd_school_obj,
        name=candidate.name,
        id_type="resident",
        id_number=make_id(serial),
        course="物流基础",
        credits=Decimal("3"),
        score=Decimal("88"),
        term="2024-2025-1",
    )
    account_services.course_outcome_record(
        actor=bank.p.gd_school.actor,
        school=bank.p.gd_school_obj,
        name=candidate.name,
        id_type="resident",
        id_number=make_id(serial),
        course="仓储管理",
        credits=Decimal("2.5"),
        score=None,
        term="2024-2025-2",
    )
    return learner, issued, make_id(serial)


def members(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document["credentialSubject"]["verifiableCredential"]
    return found


def kinds(document: dict[str, Any]) -> list[str]:
    return [m["credentialSubject"]["achievement"]["achievementType"] for m in members(document)]


def test_learner_downloads_a_signed_clr_with_certificates_credits_and_courses(
    bank: Bank,
) -> None:
    learner, issued, _number = _learner_with_record(bank)
    document = clr.clr_download(actor=learner.actor)
    assert document["@context"] == [
        contexts.CREDENTIALS_V2,
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        contexts.OB_V3P0,
    ]
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert document["credentialSubject"]["type"] == ["ClrSubject"]
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    result = credentials.verify_credential(document, check_status=False)
    assert result.verified, result.errors
    # The certificate is embedded as the very credential the holder downloads.
    assert members(document)[0] == credentials.credential_for(issued)
    assert sorted(kinds(document)) == ["Certificate", "Certificate", "Course", "Course"]
    for member in members(document):
        assert credentials.verify_credential(member, check_status=False).verified
    credit, *courses = members(document)[1:]
    assert credit["credentialSubject"]["creditsEarned"] == 6
    assert credit["credentialSubject"]["achievement"]["creditsAvailable"] == 6
    by_name = {c["credentialSubject"]["achievement"]["name"]: c for c in courses}
    base = by_name["物流基础"]["credentialSubject"]
    assert base["creditsEarned"] == 3 and base["term"] == "2024-2025-1"
    assert base["result"] == [{"type": ["Result"], "value": "88.0"}]
    assert by_name["仓储管理"]["credentialSubject"]["creditsEarned"] == 2.5
    assert AuditEvent.objects.filter(action="creditbank.clr_download").count() == 1


@pytest.mark.parametrize(
    "change",
    ["course_credits", "certificate_name", "remove_member", "subject_identity"],
)
def test_any_change_to_the_record_fails_its_signature(bank: Bank, change: str) -> None:
    learner, _issued, _number = _learner_with_record(bank)
    document = clr.clr_download(actor=learner.actor)
    changed = copy.deepcopy(document)
    if change == "course_credits":
        members(changed)[-1]["credentialSubject"]["creditsEarned"] = 30
    elif change == "certificate_name":
        members(changed)[0]["credentialSubject"]["name"] = "李四"
    elif change == "remove_member":
        members(changed).pop()
    else:
        changed["credentialSubject"]["identifier"][0]["identityHash"] = "sha256$" + "0" * 64
    assert credentials.verify_credential(document, check_status=False).verified
    assert not credentials.verify_credential(changed, check_status=False).verified


def test_the_record_carries_no_id_number_and_no_salt(bank: Bank) -> None:
    learner, issued, number = _learner_with_record(bank)
    document = clr.clr_download(actor=learner.actor)
    text = json.dumps(document, ensure_ascii=False)
    account = LearningAccount.objects.get(learner_unit_id=learner.actor.unit_id)
    code = clr.clr_identity_code(actor=learner.actor)
    certificate_code = credentials.identity_salt(credentials.holder_record(issued))
    assert number not in text and number.lower() not in text.lower()
    assert mask_id_number(number) not in text
    assert number[-8:] not in text  # not even the tail the masked form shows
    assert code not in text and certificate_code not in text
    assert '"salt"' not in text
    # The identity hash binds the record to the person only with the learner's code.
    [identity] = document["credentialSubject"]["identifier"]
    assert identity["identityHash"] == credentials.identity_hash(number, code)
    assert identity["hashed"] is True
    # The only personal name is the holder's, as on the certificate credential.
    names = set(re.findall(r'"name": "([^"]*)"', text))
    people = {n for n in names if n == account.holder_name or n.startswith("学生")}
    assert people == {issued.holder_name} == {account.holder_name}


def test_r44_certificate_without_a_platform_exam_is_shown_but_never_credited(
    bank: Bank,
) -> None:
    bank.plan()
    entered = bank.entered()
    account = bank.account_of(entered)
    learner = bank.learner_for_number("王五", make_id(900))
    # Even should an uncredited outcome carry credits (a correction, an old import), the
    # record does not credit a certificate that was not examined on the platform.
    LearningOutcome.objects.filter(issued_certificate=entered).update(
        credits=Decimal("6"), creditable=True
    )
    contents = clr.clr_contents(account)
    assert [o.issued_certificate for o in contents.certificates] == [entered]
    assert contents.credited == [] and contents.credits == 0
    document = clr.clr_download(actor=learner.actor)
    assert members(document) == [credentials.credential_for(entered)]
    assert "creditsEarned" not in json.dumps(document)


def test_revoked_certificate_and_its_credits_are_left_out(bank: Bank) -> None:
    learner, issued, _number = _learner_with_record(bank)
    with bank.capture(execute=True):
        certificate_revoke(actor=bank.p.org.actor, certificate=issued, reason="替考")
    account = LearningAccount.objects.get(learner_unit_id=learner.actor.unit_id)
    contents = clr.clr_contents(account)
    assert [o.issued_certificate for o in contents.suspended] == [issued]
    assert contents.certificates == [] and contents.credits == Decimal("5.5")
    document = clr.clr_download(actor=learner.actor)
    assert kinds(document) == ["Course", "Course"]
    assert issued.number not in json.dumps(document, ensure_ascii=False)


def test_only_the_learner_gets_their_record(bank: Bank) -> None:
    learner, _issued, _number = _learner_with_record(bank)
    for persona in (bank.p.gd_school, bank.p.bank, bank.p.ministry, bank.p.org):
        with pytest.raises(NotFound):
            clr.clr_download(actor=persona.actor)
        with pytest.raises(NotFound):
            clr.clr_identity_code(actor=persona.actor)
    # A learner without an account gets 404; one with an account gets only their own.
    without = make_user("learner-none", make_unit(UnitKind.LEARNER, "钱七"), Role.STAFF)
    with pytest.raises(NotFound):
        clr.clr_download(actor=without.actor)
    stranger = bank.second_learner()
    with pytest.raises(Conflict):  # their own account holds nothing yet
        clr.clr_download(actor=stranger.actor)
    assert clr.clr_download(actor=learner.actor)["type"][1] == "ClrCredential"


def test_an_account_without_active_outcomes_has_no_record_to_export(bank: Bank) -> None:
    issued, candidate = bank.examined()
    learner = bank.learner_for(candidate)
    with bank.capture(execute=True):
        certificate_revoke(actor=bank.p.org.actor, certificate=issued, reason="替考")
    with pytest.raises(Conflict):
        clr.clr_download(actor=learner.actor)


def test_page_download_and_api(bank: Bank) -> None:
    learner, _issued, _number = _learner_with_record(bank)
    client = client_for(learner)
    page = client.get(reverse("creditbank:record"))
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    code = clr.clr_identity_code(actor=learner.actor)
    assert code in page.content.decode()
    download = client.get(reverse("creditbank:record_download"))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/ld+json")
    assert "attachment" in download["Content-Disposition"]
    document = json.loads(download.content)
    assert credentials.verify_credential(document, check_status=False).verified
    api = client.get("/api/v1/creditbank/account/clr")
    assert api.status_code == 200
    assert credentials.verify_credential(json.loads(api.content), check_status=False).verified
    assert client.get("/api/v1/creditbank/account/clr/identity-code").json() == {
        "identity_check_code": code
    }
    school = client_for(bank.p.gd_school)
    assert school.get(reverse("creditbank:record")).status_code == 404
    assert school.get(reverse("creditbank:record_download")).status_code == 404
    assert school.get("/api/v1/creditbank/account/clr").status_code == 404
    assert school.get("/api/v1/creditbank/account/clr/identity-code").status_code == 404
