"""R19: Ministry admins edit the list of unauthorized endorsements, in the UI and the API."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from onex.catalog.models import UnauthorizedPhrase
from onex.catalog.services.notices import notice_publish
from onex.catalog.services.phrases import phrase_add
from onex.core.errors import Forbidden, RuleViolation
from tests.personas import Persona, Personas


def _client(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_r19_a_phrase_added_by_the_ministry_refuses_notices_carrying_it(
    personas: Personas,
) -> None:
    client = _client(personas.ministry)
    response = client.post("/catalog/phrases/", {"phrase": "部委推荐"})
    assert response.status_code == 302

    with pytest.raises(RuleViolation) as refused:
        notice_publish(
            actor=personas.org.actor, org=personas.org_obj, title="招生", body="本证书由部委推荐"
        )
    assert refused.value.rule_id == "R19" and "部委推荐" in str(refused.value.message)
    # The first edit keeps the shipped defaults.
    assert UnauthorizedPhrase.objects.filter(phrase="教育部指导", is_active=True).exists()


def test_r19_a_switched_off_phrase_no_longer_refuses(personas: Personas) -> None:
    row = phrase_add(actor=personas.ministry.actor, phrase="部委推荐")
    response = _client(personas.ministry).post(
        f"/api/v1/catalog/phrases/{row.pk}/active",
        json.dumps({"is_active": False}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["is_active"] is False

    notice = notice_publish(
        actor=personas.org.actor, org=personas.org_obj, title="招生", body="本证书由部委推荐"
    )
    assert notice.pk


def test_phrase_list_shows_the_defaults_before_any_edit(personas: Personas) -> None:
    response = _client(personas.gd).get("/api/v1/catalog/phrases")
    assert response.status_code == 200
    phrases = {row["phrase"]: row["id"] for row in response.json()}
    assert "教育部指导" in phrases and phrases["教育部指导"] is None
    page = _client(personas.ministry).get("/catalog/phrases/")
    assert page.status_code == 200 and "教育部指导" in page.content.decode()


def test_only_ministry_admins_edit_the_phrase_list(personas: Personas) -> None:
    for persona in (personas.gd, personas.org, personas.aggregator):
        response = _client(persona).post(
            "/api/v1/catalog/phrases",
            json.dumps({"phrase": "指定"}),
            content_type="application/json",
        )
        assert response.status_code == 403
    with pytest.raises(Forbidden):
        phrase_add(actor=personas.gd.actor, phrase="指定")
    assert not UnauthorizedPhrase.objects.exists()


def test_schools_and_learners_do_not_see_the_phrase_page(personas: Personas) -> None:
    for persona in (personas.gd_school, personas.learner):
        assert _client(persona).get("/catalog/phrases/").status_code == 404
