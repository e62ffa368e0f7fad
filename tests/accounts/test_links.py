"""Invitations and password resets: one-time links, hashed at rest, expiring, used once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from onex.accounts.models import AccessLink, AccessLinkStatus
from onex.accounts.services import links as link_services
from onex.core.errors import Forbidden, InvalidInput
from onex.core.models import AuditEvent, Role, UnitKind
from onex.core.tokens import hash_secret
from tests.factories_accounts import NEW_PASSWORD, invite, mailed_secret, secret_of
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_invitation_is_mailed_and_shown_and_only_its_hash_is_stored(
    personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        invited = invite(personas.gd_school)
    issued = invited.issued
    assert issued.mailed and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.user@example.cn"]
    assert mailed_secret() == issued.secret == secret_of(issued.url)
    link = AccessLink.objects.get(user=invited.user)
    assert link.token_hash == hash_secret(issued.secret)
    assert issued.secret not in str(list(AccessLink.objects.values()))
    for event in AuditEvent.objects.all():
        assert issued.secret not in str(event.new) and link.token_hash not in str(event.new)


def test_invitation_expires_after_the_platform_default_of_7_days(personas: Personas) -> None:
    issued = invite(personas.gd_school).issued
    lifetime = issued.link.expires_at - issued.link.created_at
    assert dt.timedelta(days=6, hours=23) < lifetime <= dt.timedelta(days=7)


def test_accepting_sets_the_password_and_the_link_works_once(personas: Personas) -> None:
    issued = invite(personas.gd_school).issued
    client = Client()
    page = client.get(f"/accounts/link/{issued.secret}/")
    assert page.status_code == 200 and "new-user" in page.content.decode()
    response = client.post(
        f"/accounts/link/{issued.secret}/", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user = issued.link.user
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    issued.link.refresh_from_db()
    assert issued.link.status == AccessLinkStatus.USED
    # Second use: refused, page and API alike.
    assert Client().get(f"/accounts/link/{issued.secret}/").status_code == 404
    with pytest.raises(InvalidInput):
        link_services.link_use(secret=issued.secret, password="another-long-passphrase")
    api = Client().post(
        f"/api/v1/accounts/public/links/{issued.secret}",
        {"password": "another-long-passphrase"},
        content_type="application/json",
    )
    assert api.status_code == 422


def test_expired_invitation_is_refused(personas: Personas) -> None:
    issued = invite(personas.gd_school).issued
    AccessLink.objects.filter(pk=issued.link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert Client().get(f"/accounts/link/{issued.secret}/").status_code == 404
    with pytest.raises(InvalidInput):
        link_services.link_use(secret=issued.secret, password=NEW_PASSWORD)


def test_password_policy_applies_when_accepting(personas: Personas) -> None:
    issued = invite(personas.gd_school).issued
    for weak in ("short1", "123456789012345", "password12345"):
        with pytest.raises(InvalidInput):
            link_services.link_use(secret=issued.secret, password=weak)
    response = Client().post(
        f"/accounts/link/{issued.secret}/", {"password": "short", "password2": "short"}
    )
    assert response.status_code == 200 and "12" in response.content.decode()
    issued.link.refresh_from_db()
    assert issued.link.status == AccessLinkStatus.PENDING


def test_a_new_invitation_revokes_the_earlier_one(personas: Personas) -> None:
    first = invite(personas.gd_school)
    second = link_services.reset_by_admin(actor=personas.gd_school.actor, user=first.user)
    first.issued.link.refresh_from_db()
    assert first.issued.link.status == AccessLinkStatus.REVOKED
    with pytest.raises(InvalidInput):
        link_services.link_use(secret=first.issued.secret, password=NEW_PASSWORD)
    link_services.link_use(secret=second.secret, password=NEW_PASSWORD)


def test_reset_by_email_link(
    personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    user = personas.gd.user
    user.email = "gd@example.cn"
    user.save()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post("/accounts/password-reset/", {"email": "GD@example.cn"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    secret = mailed_secret()
    link = AccessLink.objects.get(token_hash=hash_secret(secret))
    assert link.purpose == "reset"
    assert link.expires_at - link.created_at <= dt.timedelta(days=1)
    client.post(f"/accounts/link/{secret}/", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_request_for_an_unknown_address_answers_the_same(
    personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        known = Client().post(
            "/api/v1/accounts/public/password-reset",
            {"email": "nobody@example.cn"},
            content_type="application/json",
        )
    assert known.status_code == 200 and mail.outbox == []


def test_admin_triggers_a_reset_link_and_never_sees_a_password(
    personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    staff = invite(personas.gd, username="gd-clerk").user
    link_services.link_use(
        secret=link_services.reset_by_admin(actor=personas.gd.actor, user=staff).secret,
        password=NEW_PASSWORD,
    )
    client = Client()
    client.force_login(personas.gd.user)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(f"/accounts/users/{staff.pk}/reset/")
    body = response.content.decode()
    assert response.status_code == 200
    # Mailed to the user: the admin's page does not show the link.
    assert "/accounts/link/" not in body and mail.outbox[-1].to == [staff.email]
    api = client.post(f"/api/v1/accounts/users/{staff.pk}/reset")
    assert api.status_code == 200 and api.json()["url"] is None and api.json()["mailed"]
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)  # unchanged until the user uses the link


def test_reset_for_a_user_without_email_is_shown_to_hand_over(personas: Personas) -> None:
    staff = invite(personas.gd, username="no-mail", email="").user
    issued = link_services.reset_by_admin(actor=personas.gd.actor, user=staff)
    assert not issued.mailed and issued.secret in issued.url


def test_only_the_units_admin_triggers_a_reset(personas: Personas) -> None:
    with pytest.raises(Forbidden):
        link_services.reset_by_admin(actor=personas.gd.actor, user=personas.gd_school.user)
    with pytest.raises(Forbidden):
        link_services.reset_by_admin(actor=personas.gd_viewer.actor, user=personas.gd.user)


def test_admin_revokes_a_pending_link(personas: Personas) -> None:
    issued = invite(personas.gd_school).issued
    client = Client()
    client.force_login(personas.gd_school.user)
    response = client.post(f"/accounts/links/{issued.link.pk}/revoke/")
    assert response.status_code == 302
    issued.link.refresh_from_db()
    assert issued.link.status == AccessLinkStatus.REVOKED
    with pytest.raises(InvalidInput):
        link_services.link_use(secret=issued.secret, password=NEW_PASSWORD)
    outsider = Client()
    outsider.force_login(personas.hb_school.user)
    assert outsider.post(f"/accounts/links/{issued.link.pk}/revoke/").status_code == 404


def test_invite_page_and_api(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.gd_school.user)
    unit = personas.gd_school.unit
    response = client.post(
        f"/accounts/units/{unit.pk}/invite/",
        {"username": "teacher-li", "display_name": "李老师", "role": Role.STAFF},
    )
    assert response.status_code == 200 and "/accounts/link/" in response.content.decode()
    api = client.post(
        f"/api/v1/accounts/units/{unit.pk}/users",
        {"username": "teacher-wang", "email": "wang@example.cn"},
        content_type="application/json",
    )
    assert api.status_code == 201
    body = api.json()
    assert body["user"]["state"] == "invited" and "/accounts/link/" in body["invitation"]["url"]
    duplicate = client.post(
        f"/api/v1/accounts/units/{unit.pk}/users",
        {"username": "TEACHER-wang"},
        content_type="application/json",
    )
    assert duplicate.status_code == 422


def test_learner_units_get_no_invitations(personas: Personas) -> None:
    assert personas.learner.unit.kind == UnitKind.LEARNER
    with pytest.raises(InvalidInput):
        invite(personas.ministry, unit=personas.learner.unit, username="x-learner")


def test_public_account_forms_are_rate_limited_per_ip(personas: Personas, settings: object) -> None:
    settings.ONEX_PUBLIC_RATE_PER_MINUTE = 2  # type: ignore[attr-defined]
    client = Client()
    answers = [
        client.post("/accounts/password-reset/", {"email": "x@example.cn"}).status_code
        for _i in range(3)
    ]
    assert answers == [302, 302, 429]
    api = client.post(
        "/api/v1/accounts/public/password-reset",
        {"email": "x@example.cn"},
        content_type="application/json",
    )
    assert api.status_code == 429
