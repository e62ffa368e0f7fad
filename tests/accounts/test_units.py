"""Units and their first administrators: who creates which kind, scope (404) and refusals (403)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onex.accounts.selectors import accounts as selectors
from onex.accounts.selectors.permissions import (
    creatable_kinds,
    may_administer,
    national_account_admin,
)
from onex.accounts.services import accounts as services
from onex.catalog.models import Org
from onex.core.actors import Actor
from onex.core.errors import Forbidden, InvalidInput
from onex.core.models import AuditEvent, Role, Unit, UnitKind, User
from onex.pilots.models import School
from tests.personas import Personas, make_unit

pytestmark = pytest.mark.django_db

API = "/api/v1/accounts"


def client_for(persona: Any) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_national_account_admin_is_the_system_or_a_national_admin(personas: Personas) -> None:
    assert national_account_admin(Actor.system())
    assert national_account_admin(personas.ministry.actor)
    assert not national_account_admin(personas.aggregator.actor)  # staff, not admin
    assert not national_account_admin(personas.gd.actor)


def test_creatable_kinds_follow_the_hierarchy(personas: Personas) -> None:
    assert set(creatable_kinds(personas.ministry.actor)) == {"province", "org", "aggregator"}
    assert set(creatable_kinds(personas.gd.actor)) == {"city", "school"}
    assert creatable_kinds(personas.gd_viewer.actor) == ()
    assert creatable_kinds(personas.gz_city.actor) == ()
    assert creatable_kinds(personas.gd_school.actor) == ()
    assert creatable_kinds(personas.org.actor) == ()


def test_ministry_creates_a_province_with_its_first_admin_invited(personas: Personas) -> None:
    done = services.unit_create_with_admin(
        actor=personas.ministry.actor,
        kind=UnitKind.PROVINCE,
        name="山西省教育厅",
        province="140000",
        admin_username="sx-admin",
        admin_email="sx@example.cn",
    )
    assert done.unit.kind == UnitKind.PROVINCE and done.unit.province.code == "140000"
    admin = done.admin.user
    assert admin.role == Role.ADMIN and admin.unit == done.unit
    assert not admin.has_usable_password()
    assert done.admin.issued.secret not in done.admin.issued.link.token_hash
    assert AuditEvent.objects.filter(action="unit.create", target_id=str(done.unit.pk)).exists()
    assert AuditEvent.objects.filter(action="accounts.user.invite").exists()


def test_second_province_account_for_the_same_province_is_refused(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        services.unit_create_with_admin(
            actor=personas.ministry.actor,
            kind=UnitKind.PROVINCE,
            name="广东省教育厅二",
            province="440000",
            admin_username="gd2",
        )


def test_ministry_creates_an_org_with_its_catalogue_record(personas: Personas) -> None:
    done = services.unit_create_with_admin(
        actor=personas.ministry.actor,
        kind=UnitKind.ORG,
        name="新培训评价组织",
        credit_code="91110000MA0123456P",
        org_type="enterprise",
        admin_username="new-org",
    )
    assert Org.objects.get(unit=done.unit).name == "新培训评价组织"


def test_ministry_creates_the_aggregator(personas: Personas) -> None:
    done = services.unit_create_with_admin(
        actor=personas.ministry.actor,
        kind=UnitKind.AGGREGATOR,
        name="国家汇总机构",
        admin_username="agg-admin",
    )
    assert done.unit.kind == UnitKind.AGGREGATOR


def test_province_creates_its_city_and_school(personas: Personas) -> None:
    city = services.unit_create_with_admin(
        actor=personas.gd.actor,
        kind=UnitKind.CITY,
        name="深圳市教育局",
        city="440300",
        admin_username="sz-city",
    )
    assert city.unit.city.code == "440300" and city.unit.province.code == "440000"
    school = services.unit_create_with_admin(
        actor=personas.gd.actor,
        kind=UnitKind.SCHOOL,
        name="广州新职业学院",
        city="440100",
        school_code="4144019999",
        school_type="higher_vocational",
        admin_username="new-school",
    )
    assert School.objects.get(unit=school.unit).code == "4144019999"


def test_province_cannot_create_outside_its_province_or_other_kinds(personas: Personas) -> None:
    with pytest.raises(Forbidden):
        services.unit_create_with_admin(
            actor=personas.gd.actor,
            kind=UnitKind.CITY,
            name="武汉市教育局",
            city="420100",
            admin_username="wh",
        )
    with pytest.raises(Forbidden):
        services.unit_create_with_admin(
            actor=personas.gd.actor,
            kind=UnitKind.ORG,
            name="某组织",
            admin_username="x-org",
        )


@pytest.mark.parametrize("name", ["gz_city", "gd_school", "org", "gd_viewer", "hb", "learner"])
def test_others_may_not_create_units(personas: Personas, name: str) -> None:
    persona = getattr(personas, name)
    with pytest.raises(Forbidden):
        services.unit_create_with_admin(
            actor=persona.actor,
            kind=UnitKind.SCHOOL,
            name="某学校",
            city="440100",
            school_code="4144018888",
            school_type="higher_vocational",
            admin_username="x",
        )
    response = client_for(persona).post(
        f"{API}/units",
        {"kind": "city", "name": "x", "city": "440100", "admin_username": "xx"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_failed_first_admin_rolls_back_the_unit(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        services.unit_create_with_admin(
            actor=personas.gd.actor,
            kind=UnitKind.CITY,
            name="深圳市教育局",
            city="440300",
            admin_username="gd-admin",  # taken
        )
    assert not Unit.objects.filter(kind=UnitKind.CITY, city__code="440300").exists()


def test_unit_scope_province_sees_its_cities_and_schools_only(personas: Personas) -> None:
    names = set(selectors.unit_list(actor=personas.gd.actor).values_list("name", flat=True))
    assert names == {"广东省教育厅", "广州市教育局", "广州番禺职业技术学院", "深圳职业技术学院"}
    city = set(selectors.unit_list(actor=personas.gz_city.actor).values_list("name", flat=True))
    assert city == {"广州市教育局", "广州番禺职业技术学院"}
    school = set(selectors.unit_list(actor=personas.gd_school.actor).values_list("name", flat=True))
    assert school == {"广州番禺职业技术学院"}


def test_outsider_gets_404_on_unit_and_user_pages_and_api(personas: Personas) -> None:
    hb_unit = personas.hb_school_obj.unit
    hb_user = personas.hb_school.user
    client = client_for(personas.gd)
    assert client.get(f"/accounts/units/{hb_unit.pk}/").status_code == 404
    assert client.get(f"/accounts/units/{hb_unit.pk}/invite/").status_code == 404
    assert client.get(f"/accounts/users/{hb_user.pk}/").status_code == 404
    assert client.post(f"/accounts/users/{hb_user.pk}/disable/").status_code == 404
    assert client.get(f"{API}/units/{hb_unit.pk}").status_code == 404
    assert client.get(f"{API}/users/{hb_user.pk}").status_code == 404
    response = client.post(f"{API}/users/{hb_user.pk}/disable", {}, content_type="application/json")
    assert response.status_code == 404
    hb_user.refresh_from_db()
    assert hb_user.is_active


def test_visible_but_not_administered_gets_403(personas: Personas) -> None:
    # The province sees its school's users but only the school's admins manage them.
    school_user = personas.gd_school.user
    client = client_for(personas.gd)
    assert client.get(f"/accounts/users/{school_user.pk}/").status_code == 200
    assert client.get(f"/accounts/units/{school_user.unit_id}/invite/").status_code == 403
    response = client.post(
        f"{API}/users/{school_user.pk}/role", {"role": "viewer"}, content_type="application/json"
    )
    assert response.status_code == 403
    response = client.post(
        f"{API}/units/{school_user.unit_id}/users",
        {"username": "sneaky"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="sneaky").exists()


def test_staff_and_viewers_do_not_manage_their_own_unit(personas: Personas) -> None:
    assert not may_administer(personas.gd_viewer.actor, personas.gd.unit)
    assert not may_administer(personas.hb.actor, personas.hb.unit)  # staff
    with pytest.raises(Forbidden):
        services.user_role_set(
            actor=personas.gd_viewer.actor, user=personas.gd.user, role=Role.VIEWER
        )


def test_admin_cannot_change_own_role_or_disable_self(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        services.user_disable(actor=personas.gd.actor, user=personas.gd.user)
    with pytest.raises(InvalidInput):
        services.user_role_set(actor=personas.gd.actor, user=personas.gd.user, role=Role.VIEWER)


def test_unit_and_user_lists_paginate_search_filter_and_export(personas: Personas) -> None:
    client = client_for(personas.ministry)
    page = client.get("/accounts/units/", {"q": "广东"})
    assert page.status_code == 200 and "广东省教育厅" in page.content.decode()
    assert "湖北省教育厅" not in page.content.decode()
    fragment = client.get("/accounts/units/", {"kind": "school"}, headers={"HX-Request": "true"})
    assert (
        "<html" not in fragment.content.decode() and "武汉职业技术学院" in fragment.content.decode()
    )
    export = client.get("/accounts/units/", {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    users = client.get("/accounts/users/", {"role": "viewer"})
    assert "gd-viewer" in users.content.decode() and "gd-admin" not in users.content.decode()
    assert client.get("/accounts/users/", {"format": "xlsx"}).status_code == 200
    api = client.get(f"{API}/users", {"q": "gd-", "page_size": 1}).json()
    assert api["count"] == 3 and len(api["items"]) == 1
    api_units = client.get(f"{API}/units", {"province": "420000"}).json()
    assert {u["name"] for u in api_units["items"]} == {"湖北省教育厅", "武汉职业技术学院"}


def test_unit_create_page_creates_and_shows_the_link_once(personas: Personas) -> None:
    client = client_for(personas.gd)
    assert client.get("/accounts/units/new/").status_code == 200
    response = client.post(
        "/accounts/units/new/",
        {"kind": "city", "name": "深圳市教育局", "city": "440300", "admin_username": "sz-admin"},
    )
    assert response.status_code == 200
    assert "/accounts/link/" in response.content.decode()
    assert User.objects.get(username="sz-admin").unit.name == "深圳市教育局"
    # The school cannot open the form at all.
    assert client_for(personas.gd_school).get("/accounts/units/new/").status_code == 403


def test_unit_list_counts_each_listed_units_users_without_grouping_every_unit(
    personas: Personas,
) -> None:
    """The per-unit user count is asked for the page's units only: a join and GROUP BY over
    every unit's users grew with the 10,000 schools (P5)."""
    empty = make_unit(UnitKind.ORG, "无账号组织")
    counts = {u.pk: u.user_count for u in selectors.unit_list(actor=personas.ministry.actor)}  # type: ignore[attr-defined]
    assert counts == {pk: User.objects.filter(unit_id=pk).count() for pk in counts}
    assert counts[empty.pk] == 0 and counts[personas.gd.user.unit_id] >= 1
    with CaptureQueriesContext(connection) as queries:
        page = client_for(personas.ministry).get(f"{API}/units")
    assert page.status_code == 200
    listed = [q["sql"] for q in queries if 'FROM "core_unit"' in q["sql"]]
    assert listed and not [sql for sql in listed if 'GROUP BY "core_unit"' in sql]
