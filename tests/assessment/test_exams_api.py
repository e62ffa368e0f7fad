"""The exams API: scoping (404), refusals (403), rule errors as JSON, every action reachable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from onex.assessment.models import PlanStatus, Registration
from onex.core.models import Role
from tests.factories_assessment import Exams, make_id
from tests.personas import Persona, make_org, make_user

pytestmark = pytest.mark.django_db

API = "/api/v1/assessment/exams"


def as_(client: Client, persona: Persona) -> Client:
    client.force_login(persona.user)
    return client


def plan_payload(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    payload = {
        "certificate_code": "C2-01",
        "level": "junior",
        "province": "440000",
        "exam_date": str(today + dt.timedelta(days=20)),
        "start_time": "09:00",
        "end_time": "11:00",
        "capacity": 2,
        "registration_opens": str(today),
        "registration_closes": str(today + dt.timedelta(days=10)),
    }
    payload.update(overrides)
    return payload


def test_org_creates_and_opens_a_plan(client: Client, ex: Exams) -> None:
    as_(client, ex.p.org)
    response = client.post(f"{API}/plans", plan_payload(), content_type="application/json")
    assert response.status_code == 201, response.json()
    plan_id = response.json()["id"]
    response = client.post(f"{API}/plans/{plan_id}/transitions/open")
    assert response.status_code == 200
    assert response.json()["status"] == PlanStatus.REGISTRATION_OPEN


def test_plan_without_filing_answers_r38_json(client: Client, ex: Exams) -> None:
    as_(client, ex.p.org)
    response = client.post(
        f"{API}/plans", plan_payload(province="420000"), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["rule"] == "R38"


def test_other_org_gets_404_on_plan(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    other = make_org("另一家评价组织", "91110000MA00000017")
    as_(client, make_user("other-org", other.unit))
    assert client.get(f"{API}/plans/{plan.pk}").status_code == 404
    assert client.post(f"{API}/plans/{plan.pk}/transitions/close").status_code == 404


def test_school_registers_students_and_downloads_ticket(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    student = ex.student()
    as_(client, ex.p.gd_school)
    response = client.post(
        f"{API}/plans/{plan.pk}/registrations",
        {"candidate_ids": [student.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    [body] = response.json()
    assert body["candidate_id_number_masked"] != make_id(1)
    ticket = client.get(f"{API}/registrations/{body['id']}/ticket.pdf")
    assert ticket.status_code in (200, 503)
    if ticket.status_code == 200:
        assert ticket.content.startswith(b"%PDF-")
    withdraw = client.post(
        f"{API}/registrations/{body['id']}/withdraw",
        {"reason": "自愿放弃"},
        content_type="application/json",
    )
    assert withdraw.status_code == 200 and withdraw.json()["status"] == "withdrawn"


def test_r44_refusal_as_json(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    student = ex.student(specialty=ex.other_specialty)
    as_(client, ex.p.gd_school)
    response = client.post(
        f"{API}/plans/{plan.pk}/registrations",
        {"candidate_ids": [student.pk]},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["rule"] == "R44"


def test_school_registering_another_schools_student_gets_404(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    student = ex.student(school=ex.p.hb_school_obj)
    as_(client, ex.p.gd_school)
    response = client.post(
        f"{API}/plans/{plan.pk}/registrations",
        {"candidate_ids": [student.pk]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_viewer_gets_403(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    student = ex.student()
    as_(client, make_user("school-viewer", ex.p.gd_school_obj.unit, Role.VIEWER))
    response = client.post(
        f"{API}/plans/{plan.pk}/registrations",
        {"candidate_ids": [student.pk]},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_learner_self_registration_r35(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    as_(client, ex.p.learner)
    response = client.post(
        f"{API}/plans/{plan.pk}/self-registration",
        {"name": "张三", "id_number": make_id(900), "gender": "male"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["fee_payer"] == "learner"
    assert client.get(f"{API}/registrations").json()["count"] == 1


def test_r14_api_is_scoped(client: Client, ex: Exams) -> None:
    ex.student()
    as_(client, ex.p.hb)
    assert client.get(f"{API}/r14").json()["total"] == 0
    as_(client, ex.p.gd)
    assert client.get(f"{API}/r14").json()["total"] == 1
    as_(client, ex.p.org)
    assert client.get(f"{API}/r14").status_code == 403


def test_results_and_objection_through_the_api(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    ex.to_scoring(plan)
    as_(client, ex.p.org)
    response = client.post(
        f"{API}/registrations/{reg.pk}/result",
        {"theory": "55", "practical": "80"},
        content_type="application/json",
    )
    assert response.json() == {"outcome": "created"}
    assert client.post(f"{API}/plans/{plan.pk}/transitions/publish").status_code == 200
    as_(client, ex.p.gd_school)
    response = client.post(
        f"{API}/registrations/{reg.pk}/objections",
        {"reason": "请复核"},
        content_type="application/json",
    )
    assert response.status_code == 201
    objection_id = response.json()["id"]
    as_(client, ex.p.org)
    response = client.post(
        f"{API}/objections/{objection_id}/answer",
        {"answer": "复核无误"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
