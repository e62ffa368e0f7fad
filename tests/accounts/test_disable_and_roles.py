"""Disabling a user ends every session and API token at once; a role change applies on the
user's next request. Both tested with a real login through the login page and a real token."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from onex.accounts.services import accounts as services
from onex.core.errors import Forbidden, InvalidInput
from onex.core.models import ApiToken, AuditEvent, Role
from onex.core.tokens import token_issue
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ME = "/api/v1/me"
MFA = "/accounts/mfa/"


def logged_in(username: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def test_disable_ends_every_session_and_token_at_once(personas: Personas) -> None:
    user = personas.gd_viewer.user
    browser_a = logged_in("gd-viewer")
    browser_b = logged_in("gd-viewer")
    _token, secret = token_issue(actor=personas.gd_viewer.actor, user=user, name="脚本")
    bearer = {"Authorization": f"Bearer {secret}"}
    assert browser_a.get("/accounts/users/").status_code == 200
    assert Client().get(ME, headers=bearer).status_code == 200
    admin = Client()
    admin.force_login(personas.gd.user)  # a provincial admin, past the second factor
    sessions_before = Session.objects.count()
    response = admin.post(f"/accounts/users/{user.pk}/disable/", {"reason": "离职"})
    assert response.status_code == 302

    assert Session.objects.count() == sessions_before - 2
    for browser in (browser_a, browser_b):
        page = browser.get("/accounts/users/")
        assert page.status_code == 302 and LOGIN in page["Location"]
    assert Client().get(ME, headers=bearer).status_code == 401
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="accounts.user.disable")
    assert event.new["sessions_ended"] == 2 and event.new["tokens_revoked"] == 1
    # Nor can they log in again until enabled.
    assert Client().post(LOGIN, {"username": "gd-viewer", "password": PASSWORD}).status_code == 200
    services.user_enable(actor=personas.gd.actor, user=user)
    logged_in("gd-viewer")


def test_disable_through_the_api(personas: Personas) -> None:
    _token, secret = token_issue(
        actor=personas.gd.actor, user=personas.gd.user, name="管理", mfa_verified=True
    )
    response = Client().post(
        f"/api/v1/accounts/users/{personas.gd_viewer.user.pk}/disable",
        {"reason": "离职"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200 and response.json()["state"] == "disabled"


def test_role_change_takes_effect_on_the_next_request(personas: Personas) -> None:
    viewer = logged_in("gd-viewer")
    # A viewer cannot create a school (403); after promotion to admin the same session can.
    assert viewer.get("/accounts/units/new/").status_code == 403
    services.user_role_set(actor=personas.gd.actor, user=personas.gd_viewer.user, role=Role.ADMIN)
    # Now a provincial administrator: the same session is first sent to enrol a second factor.
    promoted = viewer.get("/accounts/units/new/")
    assert promoted.status_code == 302 and promoted["Location"].startswith(MFA)
    services.user_role_set(actor=personas.gd.actor, user=personas.gd_viewer.user, role=Role.VIEWER)
    assert viewer.get("/accounts/units/new/").status_code == 403
    event = AuditEvent.objects.filter(action="accounts.user.role").order_by("-seq").first()
    assert event is not None and event.old == {"role": "admin"} and event.new == {"role": "viewer"}


def test_role_change_applies_to_api_tokens_on_the_next_call(personas: Personas) -> None:
    _token, secret = token_issue(
        actor=personas.gd_viewer.actor, user=personas.gd_viewer.user, name="t"
    )
    bearer = {"Authorization": f"Bearer {secret}"}
    assert Client().get(ME, headers=bearer).json()["role"] == "viewer"
    admin = Client()
    admin.force_login(personas.gd.user)  # a provincial admin, past the second factor
    response = admin.post(f"/accounts/users/{personas.gd_viewer.user.pk}/role/", {"role": "staff"})
    assert response.status_code == 302
    assert Client().get(ME, headers=bearer).json()["role"] == "staff"


def test_a_business_admin_cannot_grant_a_separated_role_by_invitation(personas: Personas) -> None:
    with pytest.raises(Forbidden):
        services.user_invite(
            actor=personas.ministry.actor,
            unit=personas.ministry.unit,
            username="would-be-auditor",
            email="would-be@example.cn",
            phone="13800000099",
            role=Role.AUDIT_ADMIN,
        )


def test_a_business_admin_cannot_make_a_colleague_a_separated_admin(personas: Personas) -> None:
    colleague = services.user_invite(
        actor=personas.ministry.actor,
        unit=personas.ministry.unit,
        username="ministry-clerk",
        email="clerk@example.cn",
        phone="13800000098",
    ).user
    with pytest.raises(Forbidden):
        services.user_role_set(
            actor=personas.ministry.actor, user=colleague, role=Role.SYSTEM_ADMIN
        )
    colleague.refresh_from_db()
    assert colleague.role == Role.STAFF


def test_the_system_administrator_grants_a_separated_role_to_one_person_once(
    personas: Personas,
) -> None:
    invited = services.user_invite(
        actor=personas.sysadmin.actor,
        unit=personas.ministry.unit,
        username="new-auditor",
        email="auditor@example.cn",
        phone="13800000097",
        role=Role.AUDIT_ADMIN,
    )
    assert invited.user.role == Role.AUDIT_ADMIN
    with pytest.raises(InvalidInput):  # the same person may not hold a second separated role
        services.user_invite(
            actor=personas.sysadmin.actor,
            unit=personas.ministry.unit,
            username="new-auditor-2",
            email="AUDITOR@example.cn",
            phone="13900000000",
            role=Role.SECURITY_ADMIN,
        )
