"""The declared moves of links and claim codes: the table, the API and the page agree."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onex.accounts.services import learners as learner_services
from onex.accounts.workflows import CLAIM_CODE, LINK
from onex.core.workflows import registered
from tests.factories_accounts import invite
from tests.factories_assessment import Exams
from tests.personas import Personas
from tests.workflow_support import assert_same_moves, every_persona

pytestmark = pytest.mark.django_db


def test_workflows_are_registered() -> None:
    names = {w.name for w in registered()}
    assert {"accounts.link", "accounts.claim_code"} <= names


def test_pending_link_offers_revoke_to_its_units_admin_only(personas: Personas) -> None:
    invited = invite(personas.gd_school, username="wf-user")
    seen = assert_same_moves(
        workflow=LINK,
        obj=invited.issued.link,
        personas=personas,
        api_url=f"/api/v1/accounts/links/{invited.issued.link.pk}",
        page_url=reverse("accounts:user_detail", args=[invited.user.pk]),
    )
    assert seen["gd_school"] == {"revoke"}
    assert seen["ministry"] == {"revoke"}  # the national account administrator
    assert seen["gd"] == set()  # sees the school's users, does not administer them
    assert seen["hb_school"] == set()


def test_claim_code_moves_in_the_table_and_the_api(ex: Exams) -> None:
    student = ex.student("工作流")
    code = learner_services.claim_codes_issue(
        actor=ex.p.gd_school.actor, school_unit=ex.p.gd_school.unit, candidates=[student]
    )[0].code
    for name, persona in every_persona(ex.p).items():
        client = Client()
        client.force_login(persona.user)
        response = client.get(f"/api/v1/accounts/claim-codes/{code.pk}")
        table = set(CLAIM_CODE.allowed_actions(code, persona.actor))
        if response.status_code == 404:
            assert table == set(), name
        else:
            assert set(response.json()["moves"]) == table, name
    assert CLAIM_CODE.allowed_actions(code, ex.p.gd_school.actor) == ["revoke"]
    assert CLAIM_CODE.allowed_actions(code, ex.p.gd.actor) == []
