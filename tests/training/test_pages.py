"""Training pages: scoped per actor (404 outside), viewers act on nothing, to-dos lead to pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from onex.core import registry
from onex.training.models import ActivityFiling
from tests.factories_training import World, world_fixture  # noqa: F401 (fixture)
from tests.personas import Persona

pytestmark = pytest.mark.django_db


def _client(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_outsiders_get_404_on_detail_pages(world: World) -> None:
    filing = world.activity()
    enrolment = world.enrolment()

    hb = _client(world.p.hb)
    assert hb.get(reverse("training:activity_detail", args=[filing.pk])).status_code == 404
    assert (
        hb.get(reverse("training:programme_detail", args=[enrolment.programme_id])).status_code
        == 404
    )
    assert hb.get(reverse("training:enrolment_detail", args=[enrolment.pk])).status_code == 404
    assert (
        _client(world.p.hb_school).get(f"/api/v1/training/enrolments/{enrolment.pk}").status_code
        == 404
    )


def test_viewer_sees_but_cannot_acknowledge(world: World) -> None:
    filing = world.activity()
    viewer = _client(world.p.gd_viewer)

    page = viewer.get(reverse("training:activity_detail", args=[filing.pk]))
    answer = viewer.post(f"/api/v1/training/activities/{filing.pk}/acknowledge")

    assert page.status_code == 200 and 'data-move="' not in page.content.decode()
    assert answer.status_code == 403
    assert ActivityFiling.objects.get(pk=filing.pk).status == "filed"


def test_every_list_page_renders_for_every_persona(world: World) -> None:
    world.activity(starts_on=dt.date(2026, 12, 3), ends_on=dt.date(2026, 12, 3))
    names = [
        "activity_list",
        "activity_calendar",
        "programme_list",
        "teacher_list",
        "workload",
        "pay_list",
        "alliance_list",
        "resource_list",
        "publisher_list",
    ]
    for persona in (world.p.ministry, world.p.gd, world.p.org, world.p.gd_school, world.p.learner):
        client = _client(persona)
        for name in names:
            assert client.get(reverse(f"training:{name}")).status_code == 200, (persona, name)


def test_province_todo_leads_to_the_filings_to_acknowledge(world: World) -> None:
    world.activity(starts_on=dt.date(2099, 1, 5), ends_on=dt.date(2099, 1, 5))
    provider = registry.todos["training.activities"]

    items = provider.provide(world.p.gd.actor, dt.date(2026, 12, 1))

    assert items[0].count == 1 and items[0].url.startswith(reverse("training:activity_list"))


def test_htmx_requests_get_the_table_fragments(world: World) -> None:
    world.activity()
    names = [
        "activity_list",
        "programme_list",
        "teacher_list",
        "workload",
        "pay_list",
        "alliance_list",
        "resource_list",
        "publisher_list",
    ]
    for persona in (world.p.gd, world.p.gd_school, world.p.org):
        client = _client(persona)
        for name in names:
            answer = client.get(reverse(f"training:{name}"), HTTP_HX_REQUEST="true")
            html = answer.content.decode()
            assert answer.status_code == 200 and "<table" in html, (persona, name)
            assert "<html" not in html, (persona, name)
