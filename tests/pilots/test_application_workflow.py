"""The pilot application's declared table: the page and the API offer exactly its moves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onex.core.workflows import registered
from onex.pilots.models import ApplicationStatus, PilotApplication
from onex.pilots.services import applications as application_services
from onex.pilots.workflows import APPLICATION
from tests.factories_pilots import (
    Shanxi,
    confirmed,
    draft,
)
from tests.personas import Personas
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def _same(application: PilotApplication, personas: Personas) -> dict[str, set[str]]:
    return assert_same_moves(
        workflow=APPLICATION,
        obj=application,
        personas=personas,
        api_url=f"/api/v1/pilots/applications/{application.pk}",
        page_url=reverse("pilots:application_detail", args=[application.pk]),
    )


def test_r32_draft_offers_the_school_its_moves_and_nobody_else(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)

    seen = _same(application, personas)

    assert seen["gd_school"] == {"update", "attach", "submit"}
    assert all(not moves for name, moves in seen.items() if name != "gd_school")


def test_r32_submitted_offers_the_province_its_decisions(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )

    seen = _same(application, personas)

    assert seen["gd"] == {"confirm", "return", "reject"}
    # The viewer sees the page but is offered nothing; the city has no first review here (R32).
    assert seen["gd_viewer"] == set() and seen["gz_city"] == set()
    assert seen["gd_school"] == set()


def test_r32_confirmed_offers_publication(personas: Personas) -> None:
    application = confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)

    seen = _same(application, personas)

    assert seen["gd"] == {"publish"}
    assert sum(bool(m) for m in seen.values()) == 1


def test_r32_published_offers_nothing(personas: Personas) -> None:
    application = confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)
    application_services.application_publish(actor=personas.gd.actor, application=application)

    seen = _same(application, personas)

    assert not any(seen.values())


def test_r32_city_first_review_offered_to_the_city_only(personas: Personas, shanxi: Shanxi) -> None:
    application = draft(shanxi.school, shanxi.school_obj, personas)
    application = application_services.application_submit(
        actor=shanxi.school.actor, application=application
    )
    assert application.status == ApplicationStatus.CITY_REVIEW

    assert APPLICATION.allowed_actions(application, shanxi.city.actor) == [
        "city_pass",
        "city_return",
    ]
    assert APPLICATION.allowed_actions(application, shanxi.other_city.actor) == []
    assert APPLICATION.allowed_actions(application, shanxi.province.actor) == []


def test_the_application_workflow_is_registered() -> None:
    assert APPLICATION in list(registered())
    states = set(ApplicationStatus.values)
    for move in APPLICATION.moves:
        assert set(move.sources) <= states, move.action
        assert set(move.possible_targets()) <= states, move.action
