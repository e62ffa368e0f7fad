"""The certificate status table: the page and the API offer exactly its moves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onex.certificates.models import IssuedCertificate
from onex.certificates.services.status import certificate_revoke, certificate_suspend
from onex.certificates.workflows import CERTIFICATE_STATUS
from onex.core.errors import Conflict, Forbidden
from tests.factories_certificates import World
from tests.personas import Personas
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def _same(certificate: IssuedCertificate, personas: Personas) -> dict[str, set[str]]:
    return assert_same_moves(
        workflow=CERTIFICATE_STATUS,
        obj=certificate,
        personas=personas,
        api_url=f"/api/v1/certificates/{certificate.pk}",
        page_url=reverse("certificates:detail", args=[certificate.pk]),
    )


def test_valid_certificate_offers_suspend_and_revoke_to_org_and_ministry(world: World) -> None:
    issued = world.enter(holder_unit=world.p.learner.unit)

    seen = _same(issued, world.p)

    assert seen["org"] == seen["ministry"] == {"suspend", "revoke"}
    assert all(not moves for name, moves in seen.items() if name not in ("org", "ministry"))


def test_suspended_certificate_offers_reinstate_and_revoke(world: World) -> None:
    issued = world.enter()
    certificate_suspend(actor=world.p.org.actor, certificate=issued, reason="核查")

    seen = _same(issued, world.p)

    assert seen["org"] == {"reinstate", "revoke"}


def test_revoked_certificate_offers_nothing(world: World) -> None:
    issued = world.enter()
    certificate_revoke(actor=world.p.org.actor, certificate=issued, reason="撤销")

    seen = _same(issued, world.p)

    assert not any(seen.values())


def test_refused_moves_through_the_api(world: World) -> None:
    issued = world.enter(holder_unit=world.p.learner.unit)
    client_learner = world.p.learner
    from_table = CERTIFICATE_STATUS.allowed_actions(issued, client_learner.actor)
    assert from_table == []
    with pytest.raises(Forbidden):
        certificate_suspend(actor=world.p.gd.actor, certificate=issued, reason="越权")
    certificate_revoke(actor=world.p.org.actor, certificate=issued, reason="撤销")
    with pytest.raises(Conflict):
        certificate_suspend(actor=world.p.org.actor, certificate=issued, reason="暂停")
