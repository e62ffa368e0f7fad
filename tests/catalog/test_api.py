from __future__ import annotations

from typing import Any

from django.test import Client

from onex.catalog.models import FilingStatus, OrgFiling
from onex.catalog.services.filings import filing_submit
from tests.factories import ID_NUMBER, PDF, letter
from tests.factories_catalog import Catalog, catalog_fixture  # noqa: F401 (fixture)
from tests.personas import Persona

API = "/api/v1/catalog"


def login(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def filing_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "province": "440000",
        "certificate": "C2-01",
        "person_name": "李四",
        "person_gender": "male",
        "person_birth_date": "1949-12-01",
        "person_phone": "13800000000",
        "person_email": "lisi@example.com",
        "id_number": ID_NUMBER,
        "person_address": "北京市朝阳区",
        "org_profile": "简介",
        "staff": [{"name": "王五", "phone": "139", "duty": "考务"}],
        "training_plan": "培训计划",
        "exam_plan": "考核计划",
    }
    payload.update(overrides)
    return payload


def test_public_catalogue_search_works_without_login(catalog: Catalog) -> None:
    client = Client()
    body = client.get(f"{API}/certificates", {"q": "物流"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["code"] == "C2-01"
    assert [lv["level"] for lv in item["levels"]] == ["junior", "intermediate"]
    assert [lv["label"] for lv in item["levels"]] == ["初级", "中级"]
    assert item["levels"][1]["cost_ceiling"] == "400.50"
    english = client.get(f"{API}/certificates", {"q": "物流"}, headers={"accept-language": "en"})
    assert english.json()["items"][0]["levels"][0]["label"] == "Basic"
    assert client.get(f"{API}/certificates", {"specialty": "现代物流"}).json()["count"] == 1
    assert client.get(f"{API}/certificates", {"org": "中物联"}).json()["count"] == 1
    assert client.get(f"{API}/certificates", {"batch": 3}).json()["count"] == 0
    detail = client.get(f"{API}/certificates/C2-01").json()
    assert detail["batch"] == 2 and detail["standard"] is None
    assert client.get(f"{API}/certificates/NOPE").status_code == 404
    orgs = client.get(f"{API}/orgs").json()
    assert orgs["items"][0]["can_act"] is False


def test_filing_flow_through_the_api(catalog: Catalog) -> None:
    catalog.sign_agreement()
    org = login(catalog.p.org)
    response = org.post(
        f"{API}/orgs/{catalog.p.org_obj.pk}/filings",
        filing_payload(),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id_number_masked"] == "1101**********002X"
    assert ID_NUMBER not in response.content.decode()
    filing_id = body["id"]
    # Submitting without the letter names what is missing (R38).
    refused = org.post(f"{API}/filings/{filing_id}/submit")
    assert refused.status_code == 422
    assert refused.json()["rule"] == "R38"
    assert org.post(f"{API}/filings/{filing_id}/letter", {"letter": letter()}).status_code == 200
    assert org.post(f"{API}/filings/{filing_id}/submit").json()["status"] == "submitted"

    gd = login(catalog.p.gd)
    assert gd.get(f"{API}/filings").json()["count"] == 1
    returned = gd.post(
        f"{API}/filings/{filing_id}/return", {"reason": ""}, content_type="application/json"
    )
    assert returned.status_code == 422
    returned = gd.post(
        f"{API}/filings/{filing_id}/return",
        {"reason": "授权函未盖章"},
        content_type="application/json",
    )
    assert returned.json()["status"] == "returned"
    assert org.post(f"{API}/filings/{filing_id}/submit").status_code == 200
    accepted = gd.post(f"{API}/filings/{filing_id}/accept").json()
    assert accepted["status"] == "accepted"
    assert [e["action"] for e in accepted["events"]] == [
        "create",
        "letter",
        "submit",
        "return",
        "submit",
        "accept",
    ]


def test_province_cannot_accept_another_provinces_filing(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft("440000"))
    hb = login(catalog.p.hb)
    assert hb.get(f"{API}/filings/{filing.pk}").status_code == 404
    response = hb.post(f"{API}/filings/{filing.pk}/accept")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_ministry_sees_filings_but_cannot_accept_them(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())
    ministry = login(catalog.p.ministry)
    assert ministry.get(f"{API}/filings/{filing.pk}").status_code == 200
    assert ministry.post(f"{API}/filings/{filing.pk}/accept").status_code == 403


def test_province_does_not_see_drafts(catalog: Catalog) -> None:
    filing = catalog.draft()
    assert login(catalog.p.gd).get(f"{API}/filings/{filing.pk}").status_code == 404


def test_school_cannot_create_a_filing(catalog: Catalog) -> None:
    school = login(catalog.p.gd_school)
    response = school.post(
        f"{API}/orgs/{catalog.p.org_obj.pk}/filings",
        filing_payload(),
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert not OrgFiling.objects.exists()


def test_anonymous_cannot_create_a_filing(catalog: Catalog) -> None:
    response = Client().post(
        f"{API}/orgs/{catalog.p.org_obj.pk}/filings",
        filing_payload(),
        content_type="application/json",
    )
    assert response.status_code == 401


def test_r19_api_refusal_names_the_phrase(catalog: Catalog) -> None:
    response = login(catalog.p.org).post(
        f"{API}/orgs/{catalog.p.org_obj.pk}/notices",
        {"title": "通知", "body": "本项目经教育部授权开展"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["rule"] == "R19"
    assert "教育部授权" in body["message"]
    assert body["details"]["phrases"] == ["教育部授权"]


def test_letter_with_a_wrong_type_is_refused_by_the_api(catalog: Catalog) -> None:
    filing = catalog.draft()
    response = login(catalog.p.org).post(
        f"{API}/filings/{filing.pk}/letter",
        {"letter": letter("letter.pdf", b"MZ\x90\x00" + PDF)},
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "authorization_letter"
