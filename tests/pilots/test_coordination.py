"""R01: provincial coordination bodies and school working bodies (services, API, pages)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onex.core.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from onex.core.models import AuditEvent
from onex.pilots.models import ProvinceCoordination, SchoolWorkingBody
from onex.pilots.selectors import coordination as coordination_selectors
from onex.pilots.services import coordination as coordination_services
from tests.factories_pilots import WORKING_BODY, file_working_body
from tests.personas import Personas, division

pytestmark = pytest.mark.django_db

API = "/api/v1/pilots"
GD_BODY = {
    "body_name": "广东省1+X证书制度试点工作指导协调办公室",
    "host_name": "广东省教育研究院",
    "contact_name": "陈老师",
    "contact_title": "职教室主任",
    "contact_phone": "020-83512345",
    "contact_email": "1x@gdjy.example.cn",
}


def set_gd(persona_actor: object, **overrides: str) -> ProvinceCoordination:
    return coordination_services.coordination_set(
        actor=persona_actor,  # type: ignore[arg-type]
        province=division("440000"),
        **{**GD_BODY, **overrides},
    )


# --- provinces name their coordination body (R01) -------------------------------------------------


def test_province_admin_names_its_coordination_body(personas: Personas) -> None:
    row = set_gd(personas.gd.actor)
    assert row.body_name == GD_BODY["body_name"]
    assert row.updated_by == personas.gd.user
    event = AuditEvent.objects.get(action="pilots.coordination_set")
    assert event.old is None and event.new["contact_name"] == "陈老师"


def test_changing_the_contact_keeps_old_and_new_in_the_audit(personas: Personas) -> None:
    set_gd(personas.gd.actor)
    set_gd(personas.gd.actor, contact_name="黄老师")
    assert ProvinceCoordination.objects.get().contact_name == "黄老师"
    last = AuditEvent.objects.filter(action="pilots.coordination_set").order_by("-seq").first()
    assert last is not None
    assert last.old["contact_name"] == "陈老师" and last.new["contact_name"] == "黄老师"
    # The same values again are not a change.
    set_gd(personas.gd.actor, contact_name="黄老师")
    assert AuditEvent.objects.filter(action="pilots.coordination_set").count() == 2


def test_r01_coordination_body_needs_a_name(personas: Personas) -> None:
    with pytest.raises(RuleViolation) as info:
        set_gd(personas.gd.actor, body_name=" ")
    assert info.value.rule == "R01"
    assert info.value.field == "body_name"
    assert not ProvinceCoordination.objects.exists()


def test_r01_coordination_body_needs_a_contact_person(personas: Personas) -> None:
    with pytest.raises(RuleViolation) as info:
        set_gd(personas.gd.actor, contact_name="")
    assert info.value.rule == "R01"
    with pytest.raises(RuleViolation) as info:
        set_gd(personas.gd.actor, contact_phone="")
    assert info.value.rule == "R01" and info.value.field == "contact_phone"
    assert not ProvinceCoordination.objects.exists()


def test_bad_phone_or_email_is_refused_at_the_field(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as info:
        set_gd(personas.gd.actor, contact_phone="abc")
    assert info.value.field == "contact_phone"
    with pytest.raises(InvalidInput) as info:
        set_gd(personas.gd.actor, contact_email="not-an-email")
    assert info.value.field == "contact_email"
    assert not ProvinceCoordination.objects.exists()


def test_other_province_gets_404_viewer_and_ministry_403(personas: Personas) -> None:
    with pytest.raises(NotFound):
        set_gd(personas.hb.actor)
    with pytest.raises(Forbidden):
        set_gd(personas.gd_viewer.actor)
    # National actors see every province's body; naming it is the province's own duty.
    with pytest.raises(Forbidden):
        set_gd(personas.ministry.actor)
    for persona in (personas.gz_city, personas.gd_school):
        with pytest.raises(Forbidden):
            set_gd(persona.actor)
    assert not ProvinceCoordination.objects.exists()


def test_who_sees_which_coordination_bodies(personas: Personas) -> None:
    set_gd(personas.gd.actor)
    coordination_services.coordination_set(
        actor=personas.hb.actor,
        province=division("420000"),
        body_name="湖北省教育科学研究院",
        contact_name="刘老师",
        contact_phone="027-87654321",
    )

    def seen(persona: object) -> set[str]:
        actor = persona.actor  # type: ignore[attr-defined]
        return {
            r.province.code
            for r in coordination_selectors.coordination_list(actor=actor)
            if r.coordination
        }

    assert seen(personas.ministry) == {"440000", "420000"}
    assert seen(personas.org) == {"440000", "420000"}  # orgs contact every province
    assert seen(personas.gd) == {"440000"}
    assert seen(personas.gz_city) == {"440000"}
    assert seen(personas.hb_school) == {"420000"}
    assert seen(personas.learner) == set()
    # National lists show provinces that have named nobody yet.
    rows = coordination_selectors.coordination_list(actor=personas.ministry.actor)
    assert len(rows) >= 31 and any(r.coordination is None for r in rows)


def test_coordination_api(client: Client, personas: Personas) -> None:
    client.force_login(personas.gd.user)
    response = client.put(f"{API}/coordination/440000", GD_BODY, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["body_name"] == GD_BODY["body_name"]
    assert client.get(f"{API}/coordination").json()[0]["contact_name"] == "陈老师"

    bad = client.put(
        f"{API}/coordination/440000",
        {**GD_BODY, "contact_name": ""},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["rule"] == "R01"

    client.force_login(personas.hb.user)
    assert client.get(f"{API}/coordination/440000").status_code == 404
    other = client.put(f"{API}/coordination/440000", GD_BODY, content_type="application/json")
    assert other.status_code == 404
    client.force_login(personas.gd_viewer.user)
    viewer = client.put(f"{API}/coordination/440000", GD_BODY, content_type="application/json")
    assert viewer.status_code == 403
    assert ProvinceCoordination.objects.get().contact_name == "陈老师"


def test_coordination_page_edit_and_list(client: Client, personas: Personas) -> None:
    client.force_login(personas.gd.user)
    url = reverse("pilots:coordination")
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, GD_BODY)
    assert response.status_code == 302
    assert ProvinceCoordination.objects.get().host_name == "广东省教育研究院"
    # A refused value comes back at the field with the rule ID, nothing saved.
    response = client.post(url, {**GD_BODY, "contact_name": "", "contact_phone": ""})
    assert response.status_code == 200
    assert "R01" in response.content.decode()
    assert ProvinceCoordination.objects.get().contact_name == "陈老师"

    client.force_login(personas.ministry.user)
    page = client.get(url).content.decode()
    assert GD_BODY["body_name"] in page and "湖北省" in page
    export = client.get(url, {"format": "xlsx"})
    assert export.status_code == 200
    client.force_login(personas.gd_viewer.user)
    assert client.post(url, GD_BODY).status_code == 403


# --- schools file their working body (R01) ---------------------------------------------------


def test_school_files_its_working_body_and_history_is_kept(personas: Personas) -> None:
    school = personas.gd_school_obj
    first = file_working_body(personas.gd_school.actor, school)
    second = file_working_body(
        personas.gd_school.actor, school, contact_name="赵老师", note="联系人调整"
    )
    assert coordination_selectors.working_body_current(school=school) == second
    assert coordination_selectors.working_body_history(school=school) == [second, first]
    event = AuditEvent.objects.filter(action="pilots.working_body_file").order_by("-seq").first()
    assert event is not None
    assert event.old["contact_name"] == "李老师" and event.new["contact_name"] == "赵老师"


def test_r01_working_body_led_by_a_deputy_is_refused(personas: Personas) -> None:
    for title in ("副校长", "校长助理", "教务处处长", ""):
        with pytest.raises(RuleViolation) as info:
            file_working_body(personas.gd_school.actor, personas.gd_school_obj, leader_title=title)
        assert info.value.rule == "R01"
        assert info.value.field == "leader_title"
    assert not SchoolWorkingBody.objects.exists()
    # The head may hold another post too; the Party secretary also leads.
    for title in ("党委副书记、校长", "党委书记", "院长"):
        file_working_body(personas.gd_school.actor, personas.gd_school_obj, leader_title=title)


def test_r01_working_body_needs_a_contact_person(personas: Personas) -> None:
    with pytest.raises(RuleViolation) as info:
        file_working_body(personas.gd_school.actor, personas.gd_school_obj, contact_name=" ")
    assert info.value.rule == "R01" and info.value.field == "contact_name"
    with pytest.raises(InvalidInput) as bad:
        file_working_body(personas.gd_school.actor, personas.gd_school_obj, contact_email="x@")
    assert bad.value.field == "contact_email"
    assert not SchoolWorkingBody.objects.exists()


def test_only_the_school_itself_files(personas: Personas) -> None:
    for persona in (personas.gd, personas.gz_city, personas.ministry, personas.hb_school):
        with pytest.raises(Forbidden):
            file_working_body(persona.actor, personas.gd_school_obj)
    assert not SchoolWorkingBody.objects.exists()


def test_working_body_api(client: Client, personas: Personas) -> None:
    school = personas.gd_school_obj
    url = f"{API}/schools/{school.pk}/working-body"
    client.force_login(personas.gd_school.user)
    response = client.post(url, WORKING_BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    body = client.get(url).json()
    assert body["current"]["contact_name"] == "李老师" and len(body["history"]) == 1

    deputy = client.post(
        url, {**WORKING_BODY, "leader_title": "副校长"}, content_type="application/json"
    )
    assert deputy.status_code == 422 and deputy.json()["rule"] == "R01"

    client.force_login(personas.hb_school.user)
    assert client.get(url).status_code == 404
    assert client.post(url, WORKING_BODY, content_type="application/json").status_code == 404
    client.force_login(personas.gd.user)
    assert client.get(url).status_code == 200
    assert client.post(url, WORKING_BODY, content_type="application/json").status_code == 403
    assert SchoolWorkingBody.objects.count() == 1


def test_working_body_page(client: Client, personas: Personas) -> None:
    school = personas.gd_school_obj
    url = reverse("pilots:working_body_file", args=[school.pk])
    client.force_login(personas.gd_school.user)
    assert client.get(url).status_code == 200
    response = client.post(url, {**WORKING_BODY, "leader_title": "副校长"})
    assert response.status_code == 200 and "R01" in response.content.decode()
    assert not SchoolWorkingBody.objects.exists()
    response = client.post(url, WORKING_BODY)
    assert response.status_code == 302
    detail = client.get(reverse("pilots:school_detail", args=[school.pk])).content.decode()
    assert WORKING_BODY["body_name"] in detail and "李老师" in detail

    client.force_login(personas.gd.user)
    assert client.get(url).status_code == 403
    client.force_login(personas.hb_school.user)
    assert client.get(url).status_code == 404
