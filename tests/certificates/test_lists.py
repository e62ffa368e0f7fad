"""Scoped lists, search, xlsx export, detail pages and status changes through API and pages."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from onex.certificates.models import CertificateStatus
from onex.certificates.services.status import certificate_revoke
from tests.factories_certificates import ID_A, ID_B, World, client_for, second_learner

API = "/api/v1/certificates"


def _world_with_two(world: World) -> tuple[object, object]:
    a = world.enter(
        name="王小明",
        holder_unit=world.p.learner.unit,
        school=world.p.gd_school_obj,
        issued_on=dt.date(2019, 9, 30),
        entered_on=dt.date(2019, 10, 16),
    )
    from tests.factories import accept_filing

    accept_filing(world.p, world.certificate, "420000")
    b = world.enter(name="李四", id_number=ID_B, province="420000")
    return a, b


def test_api_list_is_scoped_paginated_and_searchable(world: World) -> None:
    a, b = _world_with_two(world)
    expected = {
        "ministry": 2,
        "aggregator": 2,
        "org": 2,
        "gd": 1,
        "hb": 1,
        "gz_city": 1,  # its school's student
        "gd_school": 1,
        "hb_school": 0,
        "learner": 1,
    }
    for who, count in expected.items():
        body = client_for(getattr(world.p, who)).get(API).json()
        assert body["count"] == count, who
    assert client_for(world.other_org_user).get(API).json()["count"] == 0
    item = client_for(world.p.gd).get(API).json()["items"][0]
    assert item["number"] == a.number  # type: ignore[attr-defined]
    assert item["id_number_masked"].startswith(ID_A[:4]) and ID_A not in str(item)
    assert (item["late_entry"], item["entry_working_days"]) == (True, 8)
    ministry = client_for(world.p.ministry)
    assert ministry.get(API, {"q": "李四"}).json()["count"] == 1
    assert ministry.get(API, {"q": b.number[:12]}).json()["count"] >= 1  # type: ignore[attr-defined]
    assert ministry.get(API, {"late": "true"}).json()["count"] == 1
    assert ministry.get(API, {"province": "420000"}).json()["count"] == 1


def test_api_detail_outside_jurisdiction_is_404(world: World) -> None:
    a, _b = _world_with_two(world)
    url = f"{API}/{a.pk}"  # type: ignore[attr-defined]
    assert client_for(world.p.hb).get(url).status_code == 404
    assert client_for(world.other_org_user).get(url).status_code == 404
    body = client_for(world.p.gd).get(url).json()
    assert [e["action"] for e in body["timeline"]] == ["issue"]


def test_api_status_changes_and_refusals(world: World) -> None:
    a, _b = _world_with_two(world)
    url = f"{API}/{a.pk}"  # type: ignore[attr-defined]
    reason = {"reason": "核查"}

    def post(who: object, action: str, payload: dict[str, str] = reason) -> int:
        client = client_for(who)  # type: ignore[arg-type]
        return client.post(f"{url}/{action}", payload, content_type="application/json").status_code

    assert post(world.other_org_user, "revoke") == 404
    assert post(world.p.hb, "revoke") == 404
    assert post(world.p.gd, "revoke") == 403
    assert post(world.p.gd_viewer, "suspend") == 403
    assert post(world.org_viewer, "suspend") == 403
    assert post(world.p.gd_school, "revoke") == 403
    assert post(world.p.learner, "revoke") == 403
    assert post(second_learner(), "revoke") == 404
    assert post(world.p.org, "suspend", {"reason": " "}) == 422
    assert post(world.p.org, "reinstate") == 409
    assert post(world.p.org, "suspend") == 200
    assert post(world.p.ministry, "revoke", {"reason": "撤销"}) == 200
    a.refresh_from_db()  # type: ignore[attr-defined]
    assert a.status == CertificateStatus.REVOKED  # type: ignore[attr-defined]


def test_api_enter_reports_late_entry_warning(world: World) -> None:
    response = client_for(world.p.org).post(
        f"{API}/enter",
        {
            "certificate": "C2-01",
            "level": "junior",
            "province": "440000",
            "holder_name": "赵六",
            "id_number": ID_B,
            "issued_on": "2019-01-02",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["late_entry"] is True and "R15" in body["warnings"][0]
    refused = client_for(world.p.org).post(
        f"{API}/enter",
        {
            "certificate": "C2-01",
            "level": "junior",
            "province": "420000",
            "holder_name": "赵六",
            "id_number": ID_B,
            "issued_on": "2020-01-02",
        },
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["rule"] == "R38"


def test_xlsx_export_keeps_filters_and_masks_ids(world: World) -> None:
    _world_with_two(world)
    for url in ("/certificates/?format=xlsx&late=1", f"{API}/export.xlsx?late=true"):
        response = client_for(world.p.ministry).get(url)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "证书编号"
        assert len(rows) == 2 and rows[1][1] == "王小明"
        assert ID_A not in str(rows)


def test_compliance_counts_late_entries(world: World) -> None:
    _world_with_two(world)
    body = client_for(world.p.org).get(f"{API}/compliance").json()
    assert (body["total"], body["late"], body["on_time"]) == (2, 1, 1)
    page = client_for(world.p.org).get("/certificates/compliance/")
    assert page.status_code == 200
    assert "王小明" in page.content.decode()


def test_list_page_and_htmx_fragment(world: World) -> None:
    a, _b = _world_with_two(world)
    client = client_for(world.p.gd)
    page = client.get("/certificates/")
    html = page.content.decode()
    assert page.status_code == 200 and a.number in html  # type: ignore[attr-defined]
    assert "导出 xlsx" in html
    fragment = client.get("/certificates/", {"q": "不存在"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert "没有符合条件的证书" in fragment.content.decode()


def test_detail_page_shows_timeline_and_org_can_revoke_there(world: World) -> None:
    a, _b = _world_with_two(world)
    url = f"/certificates/{a.pk}/"  # type: ignore[attr-defined]
    client = client_for(world.p.org)
    page = client.get(url)
    assert page.status_code == 200 and "颁发并录入" in page.content.decode()
    missing = client.post(url, {"action": "revoke", "reason": ""})
    assert missing.status_code == 422
    done = client.post(url, {"action": "revoke", "reason": "伪造材料"})
    assert done.status_code == 302
    assert "伪造材料" in client.get(url).content.decode()
    assert client_for(world.p.gd).post(url, {"action": "suspend", "reason": "x"}).status_code == 403
    assert client_for(world.p.hb).get(url).status_code == 404


def test_revoked_by_another_route_is_visible_in_list(world: World) -> None:
    a, _b = _world_with_two(world)
    certificate_revoke(actor=world.p.ministry.actor, certificate=a, reason="撤销")  # type: ignore[arg-type]
    body = client_for(world.p.gd).get(API, {"status": "revoked"}).json()
    assert body["count"] == 1 and body["items"][0]["status_reason"] == "撤销"


def test_org_dashboard_counts_late_entries_and_menu_links_certificates(world: World) -> None:
    _world_with_two(world)
    page = client_for(world.p.org).get("/")
    html = page.content.decode()
    assert "逾期录入的证书（R15）" in html
    assert "/certificates/" in html and "/verify/" in html
    learner = client_for(world.p.learner).get("/").content.decode()
    assert "我的证书" in learner
