"""Pages and API of reporting: filing page, detail, compliance tables with drill-down and
xlsx, late/missing list, watch list; refusals by role; table = API = page moves."""

from __future__ import annotations

import pytest
from django.test import Client

from onex.reporting.models import ReportStatus
from onex.reporting.workflows import REPORT
from tests.factories_reporting import Clock, file_weekly, make_pilot, monday
from tests.personas import Persona, Personas
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_school_files_through_the_page(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    client = client_for(personas.gd_school)
    page = client.get("/reporting/")
    assert page.status_code == 200
    assert "2026-W10" in page.content.decode()
    form = f"/reporting/file/?kind=weekly&period={monday(1).isoformat()}"
    assert client.get(form).status_code == 200
    response = client.post(
        form,
        {
            "students_trained": "30",
            "students_examined": "0",
            "progress": "完成培训",
            "problems": "",
            "next_plan": "",
            "note": "",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert "逾期报送" in detail.content.decode()
    assert client.get("/reporting/?format=xlsx")["Content-Type"] == XLSX


def test_api_files_and_reads_a_report(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    client = client_for(personas.gd_school)
    created = client.post(
        "/api/v1/reporting/reports",
        {"kind": "weekly", "period_start": monday(1).isoformat(), "progress": "完成培训"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["is_late"] is True
    assert body["moves"] == ["amend"]
    refused = client.post(
        "/api/v1/reporting/reports",
        {"kind": "weekly", "period_start": monday(8).isoformat(), "progress": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "R41"
    outsider = client_for(personas.hb).get(f"/api/v1/reporting/reports/{body['id']}")
    assert outsider.status_code == 404


def test_compliance_pages_and_api(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    file_weekly(personas.gd_school, monday(1))
    ministry = client_for(personas.ministry)
    page = ministry.get("/reporting/compliance/")
    assert page.status_code == 200
    assert "广东省" in page.content.decode()
    drill = ministry.get("/reporting/compliance/?level=city&province=440000")
    assert "广州市" in drill.content.decode()
    units = ministry.get("/reporting/compliance/?level=unit&city=440100")
    assert "广州番禺职业技术学院" in units.content.decode()
    assert ministry.get("/reporting/compliance/?format=xlsx")["Content-Type"] == XLSX
    api = ministry.get("/api/v1/reporting/compliance?level=province")
    assert api.status_code == 200
    assert api.json()[0]["expected"] == 4
    assert api.json()[0]["actual"] == 1
    for url in ("/reporting/gaps/", "/reporting/watchlist/", "/reporting/gaps/?format=xlsx"):
        assert client_for(personas.gd).get(url).status_code == 200
    gaps = client_for(personas.gd).get("/api/v1/reporting/gaps")
    assert gaps.json()["count"] == 4


def test_schools_and_orgs_get_no_official_tables(personas: Personas) -> None:
    for persona in (personas.gd_school, personas.org, personas.learner):
        for url in ("/reporting/compliance/", "/reporting/gaps/", "/reporting/watchlist/"):
            assert client_for(persona).get(url).status_code == 403, (persona, url)
    assert client_for(personas.gd).get("/reporting/").status_code == 403


def test_report_moves_agree_table_api_page(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    report = file_weekly(personas.gd_school, monday(1), submit=False)
    seen = assert_same_moves(
        workflow=REPORT,
        obj=report,
        personas=personas,
        api_url=f"/api/v1/reporting/reports/{report.pk}",
        page_url=f"/reporting/reports/{report.pk}/",
    )
    assert seen["gd_school"] == {"update", "submit"}
    assert seen["gd"] == set()
    report = file_weekly(personas.gd_school, monday(1))
    assert report.status == ReportStatus.SUBMITTED
    seen = assert_same_moves(
        workflow=REPORT,
        obj=report,
        personas=personas,
        api_url=f"/api/v1/reporting/reports/{report.pk}",
        page_url=f"/reporting/reports/{report.pk}/",
    )
    assert seen["gd_school"] == {"amend"}


def test_overview_by_province_and_other_dimensions(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    file_weekly(personas.gd_school, monday(1))
    ministry = client_for(personas.ministry)
    page = ministry.get("/reporting/overview/?year=2026")
    assert page.status_code == 200
    assert "广东省" in page.content.decode()
    for dimension in ("certificate", "level", "month"):
        assert ministry.get(f"/reporting/overview/?dimension={dimension}").status_code == 200
    assert ministry.get("/reporting/overview/?format=xlsx")["Content-Type"] == XLSX
    api = ministry.get("/api/v1/reporting/overview?year=2026").json()
    guangdong = next(row for row in api if row["key"] == "440000")
    assert guangdong["schools"] == 1
    assert guangdong["reporting_rate"] == "25.0"
    province = client_for(personas.hb).get("/api/v1/reporting/overview?year=2026").json()
    assert all(row["key"] != "440000" for row in province)
    assert client_for(personas.gd_school).get("/reporting/overview/").status_code == 403
    assert client_for(personas.gd_school).get("/api/v1/reporting/overview").status_code == 403
