from __future__ import annotations

import pytest

from onex.certificates.models import CertificateStatus, StatusChange
from onex.certificates.selectors.certificates import certificate_get, public_verify
from onex.certificates.services import status as status_services
from onex.certificates.services.status import (
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)
from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onex.core.models import AuditEvent
from tests.factories_certificates import World


def test_org_suspends_and_verification_shows_it_at_once(world: World) -> None:
    issued = world.enter()
    certificate_suspend(actor=world.p.org.actor, certificate=issued, reason="考核舞弊待查")
    answer = public_verify(number=issued.number, name="王小明")
    assert answer.status == CertificateStatus.SUSPENDED
    assert answer.status_reason == "考核舞弊待查"


def test_reinstate_then_revoke_with_timeline_and_audit(world: World) -> None:
    issued = world.enter()
    org = world.p.org.actor
    certificate_suspend(actor=org, certificate=issued, reason="核查")
    certificate_reinstate(actor=org, certificate=issued, reason="核查无误")
    assert public_verify(number=issued.number, name="王小明").status == "valid"
    certificate_revoke(actor=world.p.ministry.actor, certificate=issued, reason="证书造假")
    answer = public_verify(number=issued.number, name="王小明")
    assert (answer.status, answer.status_reason) == ("revoked", "证书造假")
    actions = list(StatusChange.objects.filter(certificate=issued).values_list("action", flat=True))
    assert actions == ["issue", "suspend", "reinstate", "revoke"]
    revoke = AuditEvent.objects.get(action="certificates.revoke")
    assert revoke.old == {"status": "valid"}
    assert revoke.new == {"status": "revoked", "reason": "证书造假"}


def test_revocation_is_final(world: World) -> None:
    issued = world.enter()
    certificate_revoke(actor=world.p.org.actor, certificate=issued, reason="撤销")
    with pytest.raises(Conflict):
        certificate_reinstate(actor=world.p.org.actor, certificate=issued, reason="恢复")
    with pytest.raises(Conflict):
        certificate_suspend(actor=world.p.org.actor, certificate=issued, reason="暂停")


def test_reinstating_a_valid_certificate_is_a_conflict(world: World) -> None:
    issued = world.enter()
    with pytest.raises(Conflict):
        certificate_reinstate(actor=world.p.org.actor, certificate=issued, reason="恢复")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_reason_is_mandatory_and_bounded(world: World, reason: str) -> None:
    issued = world.enter()
    with pytest.raises(InvalidInput) as exc:
        certificate_revoke(actor=world.p.org.actor, certificate=issued, reason=reason)
    assert exc.value.field == "reason"
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.VALID


def test_another_org_gets_404_before_it_can_revoke(world: World) -> None:
    issued = world.enter()
    with pytest.raises(NotFound):
        certificate_get(actor=world.other_org_user.actor, pk=issued.pk)


@pytest.mark.parametrize("who", ["gd", "aggregator"])
def test_officials_who_see_the_certificate_cannot_revoke_it(world: World, who: str) -> None:
    issued = world.enter()
    actor = getattr(world.p, who).actor
    visible = certificate_get(actor=actor, pk=issued.pk)
    with pytest.raises(Forbidden):
        certificate_revoke(actor=actor, certificate=visible, reason="越权")


def test_holder_sees_own_certificate_but_cannot_revoke(world: World) -> None:
    issued = world.enter(holder_unit=world.p.learner.unit)
    visible = certificate_get(actor=world.p.learner.actor, pk=issued.pk)
    with pytest.raises(Forbidden):
        certificate_suspend(actor=world.p.learner.actor, certificate=visible, reason="x")


def test_school_sees_its_students_certificate_but_cannot_revoke(world: World) -> None:
    issued = world.enter(school=world.p.gd_school_obj)
    visible = certificate_get(actor=world.p.gd_school.actor, pk=issued.pk)
    with pytest.raises(Forbidden):
        certificate_revoke(actor=world.p.gd_school.actor, certificate=visible, reason="x")
    with pytest.raises(NotFound):
        certificate_get(actor=world.p.hb_school.actor, pk=issued.pk)


def test_viewers_cannot_change_status(world: World) -> None:
    issued = world.enter()
    with pytest.raises(Forbidden):
        certificate_suspend(actor=world.org_viewer.actor, certificate=issued, reason="x")
    with pytest.raises(Forbidden):
        certificate_suspend(actor=world.p.gd_viewer.actor, certificate=issued, reason="x")
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.VALID


def test_status_change_updates_the_credentials_status_list_on_commit(
    world: World, django_capture_on_commit_callbacks: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(status_services, "on_status_change", lambda c: seen.append(c.status))
    issued = world.enter()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        certificate_revoke(actor=world.p.org.actor, certificate=issued, reason="撤销")
    assert seen == ["revoked"]
