"""Search on the reporting lists: compliance by unit, late and missing reports, a filer's own
history (page, API and xlsx agree)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories_reporting import Clock, file_weekly, make_pilot, monday
from tests.personas import Persona, Personas

pytestmark = pytest.mark.django_db


def client_for(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_compliance_by_unit_is_searchable(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    make_pilot(personas.sz_school_obj, monday(4))
    gd = client_for(personas.gd)
    page = gd.get("/reporting/compliance/?level=unit&q=深圳").content.decode()
    assert "深圳职业技术学院" in page and "广州番禺职业技术学院" not in page
    rows = gd.get("/api/v1/reporting/compliance?level=unit&q=深圳").json()
    assert [r["name"] for r in rows] == ["深圳职业技术学院"]
    assert len(gd.get("/api/v1/reporting/compliance?level=unit").json()) == 2


def test_late_and_missing_reports_are_searchable(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    make_pilot(personas.sz_school_obj, monday(4))
    gd = client_for(personas.gd)
    everything = gd.get("/api/v1/reporting/gaps?which=missing").json()
    assert everything["count"] == 8
    narrowed = gd.get("/api/v1/reporting/gaps?which=missing&q=深圳").json()
    assert narrowed["count"] == 4
    assert {g["unit_name"] for g in narrowed["items"]} == {"深圳职业技术学院"}
    # LIKE wildcards in the search are taken literally.
    assert gd.get("/api/v1/reporting/gaps?which=missing&q=%25").json()["count"] == 0
    page = gd.get("/reporting/gaps/?which=missing&q=深圳").content.decode()
    assert "深圳职业技术学院" in page and "广州番禺职业技术学院" not in page


def test_a_filer_searches_its_history(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    first = file_weekly(personas.gd_school, monday(1))
    second = file_weekly(personas.gd_school, monday(2))
    school = client_for(personas.gd_school)
    page = school.get(f"/reporting/?q={first.period_label}").content.decode()
    page = page.split("报送记录", 1)[1]  # the history, below the periods owed
    assert f"/reporting/reports/{first.pk}/" in page
    assert f"/reporting/reports/{second.pk}/" not in page
