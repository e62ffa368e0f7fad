"""The sites and fees API end to end: JSON errors carry the rule; scoping gives 404/403."""

from __future__ import annotations

from django.test import Client

from onex.assessment.models import Site
from tests.factories_assessment_sites import (
    World,
    world_fixture,  # noqa: F401 (fixture)
)
from tests.personas import Persona

API = "/api/v1/assessment"


def login(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_plan_is_published_by_the_org_and_public(world: World) -> None:
    payload = {
        "exam_format": "mixed",
        "duration_minutes": 120,
        "theory_weight": "30",
        "practical_weight": "70",
        "theory_pass": "60",
        "practical_pass": "60",
        "mock_platform_url": "https://mock.example.com",
    }
    assert (
        login(world.p.gd)
        .put(f"{API}/assessment-plans/C2-01", payload, content_type="application/json")
        .status_code
        == 403
    )
    response = login(world.p.org).put(
        f"{API}/assessment-plans/C2-01", payload, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    public = Client().get(f"{API}/assessment-plans/C2-01").json()
    assert public["plan"]["practical_weight"] == "70.00"
    assert public["conditions"]["seats"] == 30


def test_r12_brand_in_conditions_answers_422_with_the_rule(world: World) -> None:
    response = login(world.p.org).put(
        f"{API}/assessment-plans/C2-01/conditions",
        {
            "rooms": 1,
            "seats": 20,
            "equipment": [{"function": "计算机", "spec": "指定品牌联想", "quantity": 20}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["rule"] == "R12" and body["details"]["field"] == "equipment"


def test_site_flow_through_the_api(world: World) -> None:
    p = world.p
    response = login(p.gd_school).post(
        f"{API}/site-applications",
        {
            "certificate": "C2-01",
            "levels": ["junior"],
            "address": "实训楼",
            "seats": 40,
            "rooms": 2,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert login(p.hb).get(f"{API}/site-applications/{pk}").status_code == 404
    assert login(p.gd).post(f"{API}/site-applications/{pk}/org-approve").status_code == 403
    assert login(p.org).post(f"{API}/site-applications/{pk}/org-approve").status_code == 200
    assert login(p.gd_viewer).post(f"{API}/site-applications/{pk}/approve").status_code == 403
    approved = login(p.gd).post(f"{API}/site-applications/{pk}/approve").json()
    assert approved["status"] == "approved" and approved["site_code"] == "440001"
    assert [e["action"] for e in approved["events"]] == ["submit", "org_approve", "approve"]
    sites = Client().get(f"{API}/sites", {"certificate": "C2-01"}).json()
    assert sites["items"][0]["certificates"][0]["levels"] == ["junior"]
    assert Site.objects.count() == 1


def test_fee_flow_through_the_api(world: World) -> None:
    p = world.p
    org = login(p.org)
    over = org.post(
        f"{API}/fees",
        {"province": "440000", "certificate": "C2-01", "level": "junior", "amount": "301"},
        content_type="application/json",
    )
    assert over.status_code == 422 and over.json()["rule"] == "R13"
    version = org.post(
        f"{API}/fees",
        {"province": "440000", "certificate": "C2-01", "level": "junior", "amount": "220"},
        content_type="application/json",
    ).json()
    assert (
        login(p.hb)
        .post(f"{API}/fee-versions/{version['id']}/approve", {}, content_type="application/json")
        .status_code
        == 404
    )
    done = login(p.gd).post(
        f"{API}/fee-versions/{version['id']}/approve",
        {"review_kind": "third_party", "reviewer": "某会计师事务所", "review_conclusion": "合理"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    due = (
        login(p.gd_school)
        .get(
            f"{API}/fee-due",
            {
                "province": "440000",
                "certificate": "C2-01",
                "level": "junior",
                "payer_kind": "pilot_student",
                "poor_household": "true",
            },
        )
        .json()
    )
    assert due == {"amount": "0.00", "payer": "none", "rule": "R40"}
    listing = login(p.gd_school).get(f"{API}/fees").json()
    assert listing["items"][0]["approved_fee"] == "220.00"
    assert login(p.hb_school).get(f"{API}/fees").json()["count"] == 0


def test_coverage_needs_an_official_or_org(world: World) -> None:
    assert login(world.p.gd_school).get(f"{API}/coverage").status_code == 403
    assert login(world.p.gd).get(f"{API}/coverage").json() == []
    assert Client().get(f"{API}/coverage").status_code == 401
