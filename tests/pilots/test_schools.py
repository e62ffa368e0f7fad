"""Schools: scoping per jurisdiction (pages and API), registration and R25."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onex.core.actors import Actor
from onex.core.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from onex.core.models import Role, Unit, UnitKind
from onex.geo.models import Division
from onex.pilots.models import School, SchoolType
from onex.pilots.selectors import schools as school_selectors
from onex.pilots.services import schools as school_services
from tests.personas import Persona, Personas, make_user

pytestmark = pytest.mark.django_db

API = "/api/v1/pilots/schools"


def login(client: Client, persona: Persona) -> Client:
    # The password login path (axes) is tested in tests/core; here only the scope matters.
    client.force_login(persona.user)
    return client


def names(actor: Actor) -> set[str]:
    return set(school_selectors.school_list(actor=actor).values_list("name", flat=True))


# --- scoping -------------------------------------------------------------------------------------


def test_hubei_user_gets_404_on_guangdong_school_page(client: Client, personas: Personas) -> None:
    login(client, personas.hb)
    url = reverse("pilots:school_detail", args=[personas.gd_school_obj.pk])
    assert client.get(url).status_code == 404


def test_hubei_user_gets_404_on_guangdong_school_api(client: Client, personas: Personas) -> None:
    login(client, personas.hb)
    response = client.get(f"{API}/{personas.gd_school_obj.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # Same answer as for a school that does not exist: existence is never revealed.
    assert client.get(f"{API}/999999").json() == response.json()


def test_hubei_user_sees_own_school_page(client: Client, personas: Personas) -> None:
    login(client, personas.hb)
    url = reverse("pilots:school_detail", args=[personas.hb_school_obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "武汉职业技术学院" in response.content.decode()


def test_guangdong_sees_its_schools(personas: Personas) -> None:
    assert names(personas.gd.actor) == {"广州番禺职业技术学院", "深圳职业技术学院"}


def test_guangdong_list_page_and_api_show_only_guangdong(
    client: Client, personas: Personas
) -> None:
    login(client, personas.gd)
    page = client.get(reverse("pilots:school_list")).content.decode()
    assert "广州番禺职业技术学院" in page
    assert "深圳职业技术学院" in page
    assert "武汉职业技术学院" not in page
    body = client.get(API).json()
    assert body["count"] == 2
    assert {item["province_code"] for item in body["items"]} == {"440000"}


def test_city_sees_only_its_city(personas: Personas) -> None:
    assert names(personas.gz_city.actor) == {"广州番禺职业技术学院"}


def test_city_gets_404_on_other_city_of_its_province(personas: Personas) -> None:
    with pytest.raises(NotFound):
        school_selectors.school_get(actor=personas.gz_city.actor, pk=personas.sz_school_obj.pk)


def test_school_sees_only_itself(personas: Personas) -> None:
    assert names(personas.gd_school.actor) == {"广州番禺职业技术学院"}
    with pytest.raises(NotFound):
        school_selectors.school_get(actor=personas.gd_school.actor, pk=personas.sz_school_obj.pk)


def test_org_and_learner_see_no_schools(personas: Personas) -> None:
    assert names(personas.org.actor) == set()
    assert names(personas.learner.actor) == set()


def test_ministry_sees_all(client: Client, personas: Personas) -> None:
    assert names(personas.ministry.actor) == {
        "广州番禺职业技术学院",
        "深圳职业技术学院",
        "武汉职业技术学院",
    }
    login(client, personas.ministry)
    assert client.get(API).json()["count"] == 3
    assert client.get(f"{API}/{personas.hb_school_obj.pk}").status_code == 200


def test_filters_by_city_type_and_search(client: Client, personas: Personas) -> None:
    actor = personas.ministry.actor
    assert {s.name for s in school_selectors.school_list(actor=actor, city="440300")} == {
        "深圳职业技术学院"
    }
    assert not school_selectors.school_list(
        actor=actor, school_type=SchoolType.SECONDARY_VOCATIONAL
    )
    assert {s.name for s in school_selectors.school_list(actor=actor, q="武汉")} == {
        "武汉职业技术学院"
    }
    login(client, personas.ministry)
    body = client.get(API, {"province": "420000"}).json()
    assert [item["name"] for item in body["items"]] == ["武汉职业技术学院"]
    page = client.get(reverse("pilots:school_list"), {"city": "440100"}).content.decode()
    assert "广州番禺职业技术学院" in page and "深圳职业技术学院" not in page


def test_filter_options_are_the_divisions_of_the_actors_schools_without_a_distinct(
    personas: Personas,
) -> None:
    # One EXISTS per division rather than a DISTINCT over every school in scope, which grew
    # with the 10,000 schools of the national data (P5).
    for persona in (personas.ministry, personas.gd, personas.hb, personas.gz_city):
        schools = list(school_selectors.school_list(actor=persona.actor))
        with CaptureQueriesContext(connection) as queries:
            options = school_selectors.school_filter_options(actor=persona.actor)
        assert options["provinces"] == sorted({(s.province.code, s.province.name) for s in schools})
        assert options["cities"] == sorted({(s.city.code, s.city.name) for s in schools})
        assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)
    assert (
        len(school_selectors.school_filter_options(actor=personas.ministry.actor)["provinces"]) > 1
    )


def test_list_page_htmx_returns_the_table_fragment(client: Client, personas: Personas) -> None:
    login(client, personas.gd)
    response = client.get(reverse("pilots:school_list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_xlsx_export_is_scoped(client: Client, personas: Personas) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    login(client, personas.gz_city)
    response = client.get(reverse("pilots:school_list"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == ["广州番禺职业技术学院"]


def test_anonymous_is_sent_to_login(client: Client, personas: Personas) -> None:
    response = client.get(reverse("pilots:school_list"))
    assert response.status_code == 302
    assert client.get(API).status_code == 401


# --- registration --------------------------------------------------------------------------------


def register(actor: Actor, **overrides: object) -> School:
    fields: dict[str, object] = {
        "name": "广东轻工职业技术学院",
        "code": "4144012349",
        "school_type": SchoolType.HIGHER_VOCATIONAL,
        "city": Division.objects.get(code="440100"),
    }
    fields.update(overrides)
    return school_services.school_register(actor=actor, **fields)  # type: ignore[arg-type]


def test_province_admin_registers_a_school_with_its_unit(personas: Personas) -> None:
    school = register(personas.gd.actor)
    assert school.province.code == "440000"
    assert school.unit.kind == UnitKind.SCHOOL
    assert school.unit.city_id == school.city_id
    assert school in school_selectors.school_list(actor=personas.gz_city.actor)


def test_ministry_admin_registers_anywhere(personas: Personas) -> None:
    school = register(personas.ministry.actor, city=Division.objects.get(code="420500"))
    assert school.province.code == "420000"


def test_viewer_cannot_register(client: Client, personas: Personas) -> None:
    with pytest.raises(Forbidden):
        register(personas.gd_viewer.actor)
    login(client, personas.gd_viewer)
    response = client.post(
        API,
        {
            "name": "广东轻工职业技术学院",
            "code": "4144012349",
            "school_type": "higher_vocational",
            "city": "440100",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not School.objects.filter(code="4144012349").exists()


def test_province_cannot_register_in_another_province(personas: Personas) -> None:
    hb_admin = make_user("hb-admin", personas.hb.unit, Role.ADMIN)
    with pytest.raises(Forbidden):
        register(hb_admin.actor)


def test_city_school_and_org_cannot_register(personas: Personas) -> None:
    for persona in (personas.gz_city, personas.gd_school, personas.org, personas.learner):
        with pytest.raises(Forbidden):
            register(persona.actor)


def test_school_code_must_have_ten_digits(personas: Personas) -> None:
    for bad in ("414401234", "41440123456", "41440A2345", ""):
        with pytest.raises(InvalidInput) as info:
            register(personas.gd.actor, code=bad)
        assert info.value.field == "code"


def test_school_code_is_unique(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        register(personas.gd.actor, code=personas.sz_school_obj.code)


def test_r25_technical_school_is_refused(client: Client, personas: Personas) -> None:
    units_before = Unit.objects.count()
    with pytest.raises(RuleViolation) as info:
        register(personas.gd.actor, name="广州市工贸技师学院", school_type=SchoolType.TECHNICAL)
    assert info.value.rule_id == "R25"
    assert "技工学校" in str(info.value.message)
    assert Unit.objects.count() == units_before
    assert not School.objects.filter(name="广州市工贸技师学院").exists()


def test_r25_technical_school_is_refused_by_api_with_422(
    client: Client, personas: Personas
) -> None:
    login(client, personas.gd)
    response = client.post(
        API,
        {
            "name": "广州市工贸技师学院",
            "code": "4144012349",
            "school_type": "technical",
            "city": "440100",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["rule"] == "R25"
    assert body["code"] == "rule_violation"
    assert not School.objects.filter(code="4144012349").exists()


def test_api_registers_a_school(client: Client, personas: Personas) -> None:
    login(client, personas.gd)
    response = client.post(
        API,
        {
            "name": "广东轻工职业技术学院",
            "code": "4144012349",
            "school_type": "higher_vocational",
            "city": "440100",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["province_code"] == "440000"
    assert client.get(f"{API}/{body['id']}").status_code == 200


def test_api_unknown_city_is_422(client: Client, personas: Personas) -> None:
    login(client, personas.gd)
    response = client.post(
        API,
        {
            "name": "某学校",
            "code": "4144012349",
            "school_type": "higher_vocational",
            "city": "999999",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "city"


# --- registration page ---------------------------------------------------------------------------


def test_register_page_creates_a_school(client: Client, personas: Personas) -> None:
    login(client, personas.gd)
    url = reverse("pilots:school_register")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "广东轻工职业技术学院",
            "code": "4144012349",
            "school_type": "higher_vocational",
            "city": "440100",
        },
    )
    school = School.objects.get(code="4144012349")
    assert response.status_code == 302
    assert response["Location"] == reverse("pilots:school_detail", args=[school.pk])


def test_r25_register_page_shows_the_rule_at_the_field(client: Client, personas: Personas) -> None:
    login(client, personas.gd)
    response = client.post(
        reverse("pilots:school_register"),
        {
            "name": "广州市工贸技师学院",
            "code": "3144012349",
            "school_type": "technical",
            "city": "440100",
        },
    )
    assert response.status_code == 200
    assert "R25" in response.content.decode()
    assert not School.objects.filter(code="3144012349").exists()


def test_register_page_offers_only_own_province_cities(client: Client, personas: Personas) -> None:
    login(client, personas.gd)
    response = client.post(
        reverse("pilots:school_register"),
        {
            "name": "武汉某学校",
            "code": "4142012349",
            "school_type": "higher_vocational",
            "city": "420100",
        },
    )
    assert response.status_code == 200
    assert not School.objects.filter(code="4142012349").exists()


def test_register_page_is_403_for_viewers_and_cities(client: Client, personas: Personas) -> None:
    for persona in (personas.gd_viewer, personas.gz_city):
        login(client, persona)
        assert client.get(reverse("pilots:school_register")).status_code == 403
