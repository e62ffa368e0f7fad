"""A draft is the school's own until it is submitted (issue item 16): no official, reviewer or
organisation sees it in lists, pages, the API or exports; a returned application stays visible."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onex.core.errors import NotFound
from onex.pilots.selectors import applications as application_selectors
from onex.pilots.services import applications as application_services
from tests.factories_pilots import draft
from tests.personas import Persona, Personas

pytestmark = pytest.mark.django_db

API = "/api/v1/pilots/applications"


def _outsiders(personas: Personas) -> list[Persona]:
    # Every official kind that could see the school's region, plus the certificate's org.
    return [
        personas.ministry,
        personas.aggregator,
        personas.gd,
        personas.gd_viewer,
        personas.gz_city,
        personas.org,
    ]


def test_draft_is_hidden_from_every_official_kind(client: Client, personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    detail = reverse("pilots:application_detail", args=[application.pk])

    for persona in _outsiders(personas):
        actor = persona.actor
        assert not application_selectors.application_list(actor=actor).exists(), persona
        with pytest.raises(NotFound):
            application_selectors.application_get(actor=actor, pk=application.pk)
        client.force_login(persona.user)
        assert client.get(detail).status_code == 404, persona
        assert client.get(f"{API}/{application.pk}").status_code == 404, persona
        assert client.get(API).json()["items"] == [], persona
        page = client.get(reverse("pilots:application_list")).content.decode()
        assert "广州番禺职业技术学院" not in page, persona
        export = client.get(reverse("pilots:application_list"), {"format": "xlsx"})
        assert "广州番禺职业技术学院".encode() not in export.content, persona


def test_draft_is_visible_to_its_school(client: Client, personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    client.force_login(personas.gd_school.user)

    assert (
        client.get(reverse("pilots:application_detail", args=[application.pk])).status_code == 200
    )
    assert [i["id"] for i in client.get(API).json()["items"]] == [application.pk]


def test_province_cannot_act_on_a_draft(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)

    with pytest.raises(NotFound):
        application_services.application_confirm(actor=personas.gd.actor, application=application)


def test_returned_application_stays_visible_to_reviewers(
    client: Client, personas: Personas
) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )
    application_services.application_return(
        actor=personas.gd.actor, application=application, reason="补充材料"
    )

    for persona in (personas.ministry, personas.gd, personas.gz_city):
        client.force_login(persona.user)
        assert client.get(f"{API}/{application.pk}").status_code == 200, persona
