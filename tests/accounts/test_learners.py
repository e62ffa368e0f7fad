"""Learner accounts: claim codes handed out by the school, the student's claim, the public's
self-registration (R35), and one account per ID number (DB unique constraint)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from onex.accounts.models import ClaimCode, ClaimCodeStatus, LearnerAccount
from onex.accounts.services import learners as learner_services
from onex.assessment.services import students as student_services
from onex.catalog.models import Level
from onex.certificates.services.issue import certificate_enter
from onex.core.errors import Forbidden, InvalidInput
from onex.core.models import AuditEvent, UnitKind, User
from onex.core.personal import Gender
from tests.factories_accounts import NEW_PASSWORD
from tests.factories_assessment import Exams, exams_world, make_id
from tests.personas import Personas, division

pytestmark = pytest.mark.django_db


def codes_for(ex: Exams, *students: Any) -> dict[int, str]:
    issued = learner_services.claim_codes_issue(
        actor=ex.p.gd_school.actor,
        school_unit=ex.p.gd_school.unit,
        candidates=list(students),
    )
    return {i.code.candidate_id: i.secret for i in issued}


def claim(student: Any, code: str = "", *, username: str = "stu-1", **overrides: Any) -> User:
    values: dict[str, Any] = {
        "id_type": "resident",
        "id_number": student_id(student),
        "name": student.name,
        "code": code,
        "username": username,
        "password": NEW_PASSWORD,
    }
    values.update(overrides)
    return learner_services.learner_claim(**values)  # type: ignore[arg-type]


_IDS: dict[int, str] = {}


def student_id(student: Any) -> str:
    return _IDS[student.pk]


def new_student(ex: Exams, name: str = "") -> Any:
    student = ex.student(name)
    _IDS[student.pk] = make_id(ex.serial)
    return student


def test_school_generates_codes_shown_once_and_stored_hashed(ex: Exams) -> None:
    a, b = new_student(ex), new_student(ex)
    codes = codes_for(ex, a, b)
    assert len(codes) == 2 and all(len(c) == 10 for c in codes.values())
    for code in ClaimCode.objects.all():
        assert codes[code.candidate_id] not in code.code_hash
    for event in AuditEvent.objects.filter(action="accounts.claim_code.issue"):
        assert not any(c in str(event.new) for c in codes.values())


def test_generating_again_revokes_the_earlier_code(ex: Exams) -> None:
    a = new_student(ex)
    first = codes_for(ex, a)[a.pk]
    second = codes_for(ex, a)[a.pk]
    assert ClaimCode.objects.filter(candidate=a, status=ClaimCodeStatus.REVOKED).count() == 1
    with pytest.raises(InvalidInput):
        claim(a, first)
    claim(a, second)


def test_only_the_school_issues_codes_for_its_students(ex: Exams) -> None:
    a = new_student(ex)
    for persona in (ex.p.gd, ex.p.hb_school, ex.p.gz_city):
        with pytest.raises(Forbidden):
            learner_services.claim_codes_issue(
                actor=persona.actor, school_unit=ex.p.gd_school.unit, candidates=[a]
            )
    hb_student = ex.student("湖北学生", school=ex.p.hb_school_obj)
    with pytest.raises(InvalidInput):
        learner_services.claim_codes_issue(
            actor=ex.p.gd_school.actor, school_unit=ex.p.gd_school.unit, candidates=[hb_student]
        )


def test_separated_administrators_neither_issue_nor_see_a_school_s_claim_codes(ex: Exams) -> None:
    a = new_student(ex, "认领学生")
    codes_for(ex, a)
    for persona in (ex.p.sysadmin, ex.p.secadmin, ex.p.auditadmin):
        with pytest.raises(Forbidden):
            learner_services.claim_codes_issue(
                actor=persona.actor, school_unit=ex.p.gd_school.unit, candidates=[a]
            )
        client = Client()
        client.force_login(persona.user)
        listed = client.get("/api/v1/accounts/claim-codes")
        assert listed.status_code == 200 and listed.json()["count"] == 0
        code = ClaimCode.objects.get(candidate=a, status=ClaimCodeStatus.PENDING)
        assert client.get(f"/api/v1/accounts/claim-codes/{code.pk}").status_code == 404
        assert "认领学生" not in client.get("/accounts/claim-codes/").content.decode()


def test_student_claims_the_account_and_sees_own_registrations(ex: Exams) -> None:
    a, other = new_student(ex, "王小明"), new_student(ex, "李四")
    plan = ex.plan()
    ex.register(plan, a, other)
    code = codes_for(ex, a)[a.pk]
    client = Client()
    response = client.post(
        "/accounts/claim/",
        {
            "id_type": "resident",
            "id_number": student_id(a),
            "name": "王小明",
            "code": code.lower()[:5] + "-" + code.lower()[5:],  # case and dashes forgiven
            "username": "wang-xm",
            "email": "",
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    user = User.objects.get(username="wang-xm")
    assert user.unit.kind == UnitKind.LEARNER
    account = LearnerAccount.objects.get(user=user)
    assert account.id_number_masked == a.id_number_masked and account.via == "claim"
    a.refresh_from_db()
    assert a.learner_unit_id == user.unit_id
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and "王小明" in body and "李四" not in body
    api = client.get("/api/v1/assessment/exams/registrations").json()
    assert "items" in api, api
    assert [r["candidate_name"] for r in api["items"]] == ["王小明"]
    code_row = ClaimCode.objects.get(candidate=a)
    assert code_row.status == ClaimCodeStatus.USED


@pytest.mark.parametrize("wrong", ["name", "id_number", "code"])
def test_claim_with_a_wrong_detail_is_refused_without_saying_which(ex: Exams, wrong: str) -> None:
    a = new_student(ex)
    code = codes_for(ex, a)[a.pk]
    overrides = {
        "name": {"name": "别人"},
        "id_number": {"id_number": make_id(999)},
        "code": {"code": "ABCDEFGHJK"},
    }[wrong]
    with pytest.raises(InvalidInput) as refused:
        claim(a, **{"code": code, **overrides})
    assert str(refused.value.message) == str(learner_services.CLAIM_REFUSED)
    assert not LearnerAccount.objects.exists()


def test_expired_and_used_codes_are_refused(ex: Exams) -> None:
    a, b = new_student(ex), new_student(ex)
    codes = codes_for(ex, a, b)
    ClaimCode.objects.filter(candidate=a).update(expires_at=timezone.now() - dt.timedelta(1))
    with pytest.raises(InvalidInput):
        claim(a, codes[a.pk])
    claim(b, codes[b.pk], username="stu-b")
    with pytest.raises(InvalidInput):
        claim(b, codes[b.pk], username="stu-b2")


def test_claim_codes_default_lifetime_is_90_days(ex: Exams) -> None:
    a = new_student(ex)
    codes_for(ex, a)
    code = ClaimCode.objects.get(candidate=a)
    assert dt.timedelta(days=89) < code.expires_at - code.created_at <= dt.timedelta(days=90)


def register(number: str, *, username: str = "public-1", name: str = "赵六", **extra: Any) -> User:
    values: dict[str, Any] = {
        "name": name,
        "id_type": "resident",
        "id_number": number,
        "gender": "male",
        "username": username,
        "password": NEW_PASSWORD,
    }
    values.update(extra)
    return learner_services.learner_register(**values)


def test_r35_member_of_the_public_registers_with_a_checked_id(personas: Personas) -> None:
    client = Client()
    number = make_id(501)
    response = client.post(
        "/accounts/register/",
        {
            "id_type": "resident",
            "id_number": number,
            "name": "赵六",
            "gender": "male",
            "phone": "",
            "username": "zhao6",
            "email": "",
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    account = LearnerAccount.objects.get(user__username="zhao6")
    assert account.via == "register" and number.encode() not in bytes(account.id_number_enc)
    assert client.get(response["Location"]).status_code == 200


def test_r35_registration_refuses_an_invalid_id_or_wrong_gender(personas: Personas) -> None:
    number = make_id(502)
    with pytest.raises(InvalidInput):
        register(number[:-1] + ("0" if number[-1] != "0" else "1"))  # bad check digit
    with pytest.raises(InvalidInput):
        register(number, gender="female")
    api = Client().post(
        "/api/v1/accounts/public/learners/register",
        {
            "id_number": "110105200101010000",
            "name": "x",
            "gender": "male",
            "username": "u-x",
            "password": NEW_PASSWORD,
        },
        content_type="application/json",
    )
    assert api.status_code == 422
    assert not LearnerAccount.objects.exists()


def test_one_learner_account_per_id_number(ex: Exams) -> None:
    a = new_student(ex)
    number = student_id(a)
    register(number, username="first", name=a.name)
    code = codes_for(ex, a)[a.pk]
    with pytest.raises(InvalidInput):
        claim(a, code, username="second")
    with pytest.raises(InvalidInput):
        register(number, username="third", name=a.name)
    assert LearnerAccount.objects.count() == 1
    assert not User.objects.filter(username__in=["second", "third"]).exists()


def test_the_database_refuses_a_second_account_for_one_id(personas: Personas) -> None:
    register(make_id(503))
    account = LearnerAccount.objects.get()
    twin = LearnerAccount(
        unit=personas.learner.unit,
        user=personas.learner.user,
        name="x",
        via="register",
        id_number_hash=account.id_number_hash,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_claim_code_page_lists_generates_and_exports(ex: Exams) -> None:
    new_student(ex, "甲"), new_student(ex, "乙")
    client = Client()
    client.force_login(ex.p.gd_school.user)
    page = client.get("/accounts/claim-codes/")
    assert page.status_code == 200
    generated = client.post("/accounts/claim-codes/")
    body = generated.content.decode()
    assert generated.status_code == 200 and body.count("data-claim-code") == 2
    listing = client.get("/accounts/claim-codes/", {"q": "甲"}).content.decode()
    assert "甲" in listing and 'data-move="revoke"' in listing
    assert client.get("/accounts/claim-codes/", {"format": "xlsx"}).status_code == 200
    assert client.get("/api/v1/accounts/claim-codes").json()["count"] == 2
    # Other units: the page is the school's only; another school sees none of these codes.
    province = Client()
    province.force_login(ex.p.gd.user)
    assert province.get("/accounts/claim-codes/").status_code == 403
    other = Client()
    other.force_login(ex.p.hb_school.user)
    code = ClaimCode.objects.first()
    assert code is not None
    assert other.get(f"/api/v1/accounts/claim-codes/{code.pk}").status_code == 404
    assert other.post(f"/accounts/claim-codes/{code.pk}/revoke/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_claim_creates_one_account(personas: Personas) -> None:
    """On PostgreSQL two claims race for real; on SQLite they serialize. One account only."""
    ex = exams_world(personas)
    number = make_id(777)
    # The same person is a student of two schools, each handing out its own code.
    a, b = (
        student_services.student_upsert(
            actor=persona.actor,
            school=school,
            name="并发",
            id_type="resident",
            id_number=number,
            gender=Gender.MALE,
            specialty=None,
        )[0]
        for persona, school in (
            (ex.p.gd_school, ex.p.gd_school_obj),
            (ex.p.hb_school, ex.p.hb_school_obj),
        )
    )
    gd_code = learner_services.claim_codes_issue(
        actor=ex.p.gd_school.actor, school_unit=ex.p.gd_school.unit, candidates=[a]
    )[0].secret
    hb_code = learner_services.claim_codes_issue(
        actor=ex.p.hb_school.actor, school_unit=ex.p.hb_school.unit, candidates=[b]
    )[0].secret
    results: list[str] = []
    barrier = threading.Barrier(2)

    def run(code: str, username: str) -> None:
        try:
            barrier.wait()
            learner_services.learner_claim(
                id_type="resident",
                id_number=number,
                name="并发",
                code=code,
                username=username,
                password=NEW_PASSWORD,
            )
            results.append("ok")
        except InvalidInput:
            results.append("refused")
        except Exception as exc:  # SQLite may answer "database is locked"
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(gd_code, "race-a")),
        threading.Thread(target=run, args=(hb_code, "race-b")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert LearnerAccount.objects.count() == 1


def test_claimed_account_gets_the_certificates_already_issued(ex: Exams) -> None:
    a = new_student(ex, "证书学生")
    issued = certificate_enter(
        actor=ex.p.org.actor,
        certificate=ex.certificate,
        level=Level.INTERMEDIATE,
        province=division("440000"),
        holder_name="证书学生",
        id_type="resident",
        id_number=student_id(a),
        issued_on=dt.date(2020, 6, 1),
        entered_on=dt.date(2020, 6, 3),
    )
    assert issued.holder_unit_id is None
    user = claim(a, codes_for(ex, a)[a.pk], username="cert-student")
    issued.refresh_from_db()
    assert issued.holder_unit_id == user.unit_id
    client = Client()
    client.force_login(user)
    assert issued.number in client.get("/certificates/").content.decode()


def test_self_registration_links_nothing_it_cannot_prove(ex: Exams) -> None:
    # A typed ID number is checked, not proven: school records stay unlinked until a claim.
    a = new_student(ex, "未认领")
    user = register(student_id(a), name="未认领", username="pretender")
    a.refresh_from_db()
    assert a.learner_unit_id is None and user.unit_id is not None
