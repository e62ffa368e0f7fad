"""The site application's declared table (R10): the page and the API offer exactly its moves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onex.assessment.models import SiteApplication
from onex.assessment.services import sites as site_services
from onex.assessment.workflows import SITE_APPLICATION
from tests.factories_assessment_sites import build_world
from tests.personas import Personas
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def _same(application: SiteApplication, personas: Personas) -> dict[str, set[str]]:
    return assert_same_moves(
        workflow=SITE_APPLICATION,
        obj=application,
        personas=personas,
        api_url=f"/api/v1/assessment/site-applications/{application.pk}",
        page_url=reverse("assessment:site_application_detail", args=[application.pk]),
    )


def _only(seen: dict[str, set[str]], name: str, moves: set[str]) -> None:
    assert seen[name] == moves
    assert all(not offered for who, offered in seen.items() if who != name), seen


def test_r10_each_step_offers_its_moves_to_its_owner_alone(personas: Personas) -> None:
    world = build_world(personas)
    application = world.apply()
    _only(_same(application, personas), "org", {"org_approve", "return"})

    site_services.site_application_org_approve(actor=personas.org.actor, application=application)
    _only(_same(application, personas), "gd", {"approve", "return"})

    site_services.site_application_return(
        actor=personas.gd.actor, application=application, reason="请补充考场照片"
    )
    _only(_same(application, personas), "gd_school", {"resubmit"})


def test_r10_registered_site_offers_no_more_moves(personas: Personas) -> None:
    world = build_world(personas)
    application = world.apply()
    site_services.site_application_org_approve(actor=personas.org.actor, application=application)
    site_services.site_application_province_approve(
        actor=personas.gd.actor, application=application
    )
    assert all(not moves for moves in _same(application, personas).values())
