"""The pilot applications API: the chain over HTTP, JSON errors with rule IDs, scoping."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onex.pilots.models import PilotApplication
from tests.factories_pilots import (
    PNG,
    certificate,
    confirmed,
    draft,
    specialty,
    submitted,
)
from tests.personas import Persona, Personas

pytestmark = pytest.mark.django_db

API = "/api/v1/pilots/applications"


def login(client: Client, persona: Persona) -> Client:
    client.force_login(persona.user)
    return client


def body(personas: Personas, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "certificate": certificate(personas).code,
        "specialty_id": specialty(personas.gd_school_obj).pk,
        "full_time_teachers": 12,
        "team_size": 10,
        "dual_qualified_teachers": 4,
        "industry_experts": 3,
        "facility_kind": "rented",
        "facility_description": "租用企业实训基地",
        "has_training_rooms": True,
        "has_internship_sites": True,
        "work_plan": "方案",
        "planned_students": 50,
        "contact_name": "王老师",
        "contact_phone": "020-1234567",
    }
    data.update(changes)
    return data


def test_r26_submit_over_api_answers_422_with_rule(client: Client, personas: Personas) -> None:
    login(client, personas.gd_school)
    created = client.post(API, body(personas), content_type="application/json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["levels"] == ["junior", "intermediate", "senior"]
    assert {v["key"]: v["passed"] for v in created.json()["verdicts"]}[
        "r26.dual_qualified_ratio_min"
    ] is False

    response = client.post(f"{API}/{pk}/submit")

    assert response.status_code == 422
    assert response.json()["rule"] == "R26"
    assert "40%" in response.json()["message"]


def test_r32_chain_over_api(client: Client, personas: Personas) -> None:
    login(client, personas.gd_school)
    pk = client.post(
        API, body(personas, dual_qualified_teachers=6), content_type="application/json"
    ).json()["id"]
    assert client.post(f"{API}/{pk}/submit").json()["status"] == "submitted"

    login(client, personas.gd)
    returned = client.post(
        f"{API}/{pk}/return", {"reason": "请补充材料"}, content_type="application/json"
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["timeline"][-1]["reason"] == "请补充材料"

    login(client, personas.gd_school)
    assert client.post(f"{API}/{pk}/submit").json()["status"] == "submitted"
    login(client, personas.gd)
    assert client.post(f"{API}/{pk}/confirm").json()["status"] == "confirmed"
    published = client.post(f"{API}/{pk}/publish", {}, content_type="application/json")
    assert published.json()["status"] == "published"

    client.logout()
    public = client.get(f"{API}/public?province=440000")
    assert public.status_code == 200
    items = public.json()["items"]
    assert [i["school_name"] for i in items] == ["广州番禺职业技术学院"]
    assert "contact_phone" not in items[0]


def test_r32_other_province_gets_404_over_api(client: Client, personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    login(client, personas.hb)

    assert client.get(f"{API}/{application.pk}").status_code == 404
    response = client.post(f"{API}/{application.pk}/confirm")
    assert response.status_code == 404
    assert response.json() == client.post(f"{API}/999999/confirm").json()


def test_r32_viewer_gets_403_over_api(client: Client, personas: Personas) -> None:
    application = submitted(personas, personas.gd_school, personas.gd_school_obj)
    login(client, personas.gd_viewer)

    assert client.get(f"{API}/{application.pk}").status_code == 200
    assert client.post(f"{API}/{application.pk}/confirm").status_code == 403


def test_province_cannot_create_an_application(client: Client, personas: Personas) -> None:
    login(client, personas.gd)

    response = client.post(API, body(personas), content_type="application/json")

    assert response.status_code == 403
    assert not PilotApplication.objects.exists()


def test_list_is_scoped(client: Client, personas: Personas, profiles: None) -> None:
    submitted(personas, personas.gd_school, personas.gd_school_obj)
    submitted(personas, personas.hb_school, personas.hb_school_obj)
    login(client, personas.hb)

    items = client.get(API).json()["items"]

    assert [i["school_name"] for i in items] == ["武汉职业技术学院"]


def test_r27_summary_submission_over_api(client: Client, personas: Personas) -> None:
    confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)
    login(client, personas.gd)

    table = client.get(f"{API}/summary/table")
    assert table.status_code == 200
    assert table["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post(
        f"{API}/summary/submissions",
        {"scan": SimpleUploadedFile("scan.png", PNG, content_type="image/png"), "note": "x"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["row_count"] == 1

    login(client, personas.aggregator)
    assert len(client.get(f"{API}/summary/submissions").json()) == 1
    assert client.get(f"{API}/summary/national").status_code == 200


def test_r28_distribution_over_api(client: Client, personas: Personas) -> None:
    confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)
    login(client, personas.gd)

    data = client.get(f"{API}/distribution").json()

    assert data["total"] == 1
    assert data["rows"] == [{"field": "财经商贸", "count": 1, "share": "100%", "flagged": True}]
