"""Specialties with yearly enrolment: who maintains them, validation, API and pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.core.errors import Forbidden, InvalidInput
from onex.core.models import AuditEvent
from onex.pilots.models import Specialty, SpecialtyEnrolment
from onex.pilots.selectors import specialties as specialty_selectors
from onex.pilots.services import specialties as specialty_services
from tests.personas import Personas

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
LAST_THREE = {THIS_YEAR - 2: 110, THIS_YEAR - 1: 120, THIS_YEAR: 130}


def test_school_sets_a_specialty_and_later_years_keep_earlier_ones(personas: Personas) -> None:
    school = personas.gd_school_obj
    _specialty, changed = specialty_services.specialty_set(
        actor=personas.gd_school.actor,
        school=school,
        code="530802",
        name="现代物流管理",
        enrolments=LAST_THREE,
    )
    assert changed
    _same, changed = specialty_services.specialty_set(
        actor=personas.gd_school.actor,
        school=school,
        code="530802",
        name="现代物流管理",
        enrolments={THIS_YEAR: 130},
    )
    assert not changed
    assert AuditEvent.objects.filter(action="specialty.set").count() == 1
    (listed,) = specialty_selectors.specialty_list(school=school)
    assert {e.year: e.students for e in listed.enrolments.all()} == LAST_THREE
    assert specialty_selectors.enrolment_years([listed])[:3] == [
        THIS_YEAR,
        THIS_YEAR - 1,
        THIS_YEAR - 2,
    ]


def test_province_may_maintain_its_schools_specialties_others_may_not(
    personas: Personas,
) -> None:
    school = personas.gd_school_obj
    specialty_services.specialty_set(
        actor=personas.gd.actor, school=school, code="530701", name="电子商务"
    )
    for persona in (personas.gd_viewer, personas.gz_city, personas.hb, personas.hb_school):
        with pytest.raises(Forbidden):
            specialty_services.specialty_set(
                actor=persona.actor, school=school, code="530702", name="跨境电子商务"
            )
    assert Specialty.objects.filter(school=school).count() == 1


def test_bad_specialty_input_is_refused_and_nothing_written(personas: Personas) -> None:
    school = personas.gd_school_obj
    cases = [
        ({"code": "物流", "name": "现代物流管理"}, "code"),
        ({"code": "530802", "name": ""}, "name"),
        (
            {"code": "530802", "name": "现代物流管理", "enrolments": {THIS_YEAR + 1: 10}},
            "enrolments",
        ),
        ({"code": "530802", "name": "现代物流管理", "enrolments": {THIS_YEAR: -1}}, "enrolments"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInput) as info:
            specialty_services.specialty_set(
                actor=personas.gd_school.actor, school=school, **kwargs
            )  # type: ignore[arg-type]
        assert info.value.field == field
    assert not Specialty.objects.exists() and not SpecialtyEnrolment.objects.exists()


def test_specialty_api(client: Client, personas: Personas) -> None:
    school = personas.gd_school_obj
    url = f"/api/v1/pilots/schools/{school.pk}/specialties"
    client.force_login(personas.gd_school.user)
    payload = {
        "name": "现代物流管理",
        "enrolments": [{"year": y, "students": n} for y, n in LAST_THREE.items()],
    }
    response = client.put(f"{url}/530802", payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert len(response.json()["enrolments"]) == 3
    assert client.get(url).json()[0]["code"] == "530802"
    client.force_login(personas.hb_school.user)
    assert client.get(url).status_code == 404
    assert client.put(f"{url}/530802", payload, content_type="application/json").status_code == 404
    client.force_login(personas.gz_city.user)
    assert client.get(url).status_code == 200
    assert client.put(f"{url}/530803", payload, content_type="application/json").status_code == 403


def test_specialty_page_and_detail_table(client: Client, personas: Personas) -> None:
    school = personas.gd_school_obj
    client.force_login(personas.gd_school.user)
    url = reverse("pilots:specialty_edit", args=[school.pk])
    assert client.get(url).status_code == 200
    data = {"code": "530802", "name": "现代物流管理", **{f"y{y}": n for y, n in LAST_THREE.items()}}
    assert client.post(url, data).status_code == 302
    bad = client.post(url, {**data, "code": "x"})
    assert bad.status_code == 200 and "专业代码" in bad.content.decode()
    detail = client.get(reverse("pilots:school_detail", args=[school.pk])).content.decode()
    assert "现代物流管理" in detail and "130" in detail
    edit = client.get(url, {"code": "530802"}).content.decode()
    assert 'value="现代物流管理"' in edit
    client.force_login(personas.gz_city.user)
    assert client.get(url).status_code == 403
    client.force_login(personas.hb_school.user)
    assert client.get(url).status_code == 404
