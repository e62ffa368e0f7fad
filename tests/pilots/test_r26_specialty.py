"""R26: the applied specialty must be one the certificate names as related, and an API client
can name the specialty it just recorded (issue item 11)."""

from __future__ import annotations

import pytest
from django.test import Client

from onex.core.errors import RuleViolation
from onex.pilots.selectors import conditions
from onex.pilots.services import applications as application_services
from tests.factories_pilots import (
    certificate,
    draft,
    specialty,
)
from tests.personas import Personas
from tests.pilots.test_applications_api import API, body, login

pytestmark = pytest.mark.django_db


def _verdict(application: object) -> conditions.Verdict:
    found = {v.key: v for v in conditions.evaluate_conditions(application)}  # type: ignore[arg-type]
    return found["r26.related_specialty"]


def test_r26_unrelated_specialty_is_refused(personas: Personas) -> None:
    cert = certificate(personas)
    cert.specialties = "大数据与会计\n会计信息管理"
    cert.save()
    school = personas.gd_school_obj
    application = draft(personas.gd_school, school, personas, spec=specialty(school))

    verdict = _verdict(application)
    assert verdict.applies and not verdict.passed and "大数据与会计" in verdict.required
    with pytest.raises(RuleViolation) as exc:
        application_services.application_submit(
            actor=personas.gd_school.actor, application=application
        )
    assert exc.value.rule_id == "R26"
    assert exc.value.field == "specialty"


def test_r26_related_specialty_passes(personas: Personas) -> None:
    cert = certificate(personas)
    cert.specialties = "大数据与会计\n大数据与财务管理"
    cert.save()
    school = personas.gd_school_obj
    application = draft(personas.gd_school, school, personas, spec=specialty(school))

    assert _verdict(application).passed
    submitted = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )
    assert submitted.submitted_at is not None


def test_r26_certificate_without_related_specialties_is_said_not_refused(
    personas: Personas,
) -> None:
    school = personas.gd_school_obj
    application = draft(personas.gd_school, school, personas)

    verdict = _verdict(application)
    assert verdict.passed and not verdict.applies
    assert "证书未列出面向专业" in verdict.required


def test_r26_specialty_answers_carry_the_id(client: Client, personas: Personas) -> None:
    school = personas.gd_school_obj
    login(client, personas.gd_school)
    put = client.put(
        f"/api/v1/pilots/schools/{school.pk}/specialties/530302",
        {"name": "大数据与财务管理", "enrolments": []},
        content_type="application/json",
    )
    assert put.status_code == 200, put.json()
    recorded = put.json()["id"]
    listed = client.get(f"/api/v1/pilots/schools/{school.pk}/specialties").json()
    assert [s["id"] for s in listed] == [recorded]


def test_r26_application_names_its_specialty_by_code(client: Client, personas: Personas) -> None:
    spec = specialty(personas.gd_school_obj)
    login(client, personas.gd_school)
    data = body(personas, specialty_code=spec.code)
    del data["specialty_id"]

    created = client.post(API, data, content_type="application/json")

    assert created.status_code == 201, created.json()
    assert created.json()["specialty_id"] == spec.pk


def test_r26_unknown_or_missing_specialty_is_422(client: Client, personas: Personas) -> None:
    login(client, personas.gd_school)
    data = body(personas, specialty_code="999999")
    del data["specialty_id"]
    assert client.post(API, data, content_type="application/json").status_code == 422
    del data["specialty_code"]
    answer = client.post(API, data, content_type="application/json")
    assert answer.status_code == 422
    # Another school's specialty stays out of reach by code as well.
    other = specialty(personas.sz_school_obj, code="530701", name="电子商务")
    data["specialty_code"] = other.code
    assert client.post(API, data, content_type="application/json").status_code == 422
