"""Separated administrators (三权分立): Ministry only, one per person, no business data, the
audit log becomes the audit administrator's, the security administrator's pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from onex.core.accounts import user_create
from onex.core.actors import Actor
from onex.core.audit import audit_event_list, audit_record
from onex.core.errors import Forbidden, InvalidInput
from onex.core.models import AuditEvent, Role, SecurityPolicy, UnitKind, User
from onex.core.security import mfa_required, security_policy, security_policy_set
from tests.personas import PASSWORD, Personas

SEPARATED = ("sysadmin", "secadmin", "auditadmin")


def client_for(persona: object) -> Client:
    client = Client()
    client.force_login(persona.user)  # type: ignore[attr-defined]
    return client


def test_separated_role_outside_the_ministry_is_refused_by_the_database(
    personas: Personas,
) -> None:
    user = personas.gd.user
    user.role = Role.AUDIT_ADMIN
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_separated_role_outside_the_ministry_is_refused_by_the_service(
    personas: Personas,
) -> None:
    with pytest.raises(InvalidInput):
        user_create(
            actor=Actor.system(),
            username="x-audit",
            password=PASSWORD,
            unit=personas.gd.unit,
            role=Role.AUDIT_ADMIN,
            email="x@example.cn",
            phone="13900000000",
        )


def test_one_person_cannot_hold_a_second_separated_role(personas: Personas) -> None:
    # Same e-mail in another case, or the same phone written differently: the same person.
    for email, phone in (
        ("SEC-ADMIN@moe.example.cn", "13911111111"),
        ("other@moe.example.cn", "138-0000-0002"),
    ):
        with pytest.raises(InvalidInput):
            user_create(
                actor=personas.sysadmin.actor,
                username="second-role",
                password=PASSWORD,
                unit=personas.ministry.unit,
                role=Role.AUDIT_ADMIN,
                email=email,
                phone=phone,
            )


def test_the_database_refuses_two_separated_accounts_with_one_email(personas: Personas) -> None:
    user = personas.gd_viewer.user
    user.unit = personas.ministry.unit
    user.role = Role.AUDIT_ADMIN
    user.email = "sec-admin@moe.example.cn"
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_separated_role_needs_an_email_and_a_phone(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        user_create(
            actor=personas.sysadmin.actor,
            username="anon-audit",
            password=PASSWORD,
            unit=personas.ministry.unit,
            role=Role.AUDIT_ADMIN,
        )


@pytest.mark.parametrize("who", ["ministry", "gd", "secadmin", "auditadmin"])
def test_only_the_system_administrator_grants_a_separated_role(
    personas: Personas, who: str
) -> None:
    with pytest.raises(Forbidden):
        user_create(
            actor=getattr(personas, who).actor,
            username="new-audit",
            password=PASSWORD,
            unit=personas.ministry.unit,
            role=Role.AUDIT_ADMIN,
            email="new@moe.example.cn",
            phone="13922222222",
        )


def test_the_system_administrator_creates_accounts(personas: Personas) -> None:
    user = user_create(
        actor=personas.sysadmin.actor,
        username="gd-new-staff",
        password=PASSWORD,
        unit=personas.gd.unit,
        role=Role.STAFF,
    )
    assert user.unit_kind == UnitKind.PROVINCE


@pytest.mark.parametrize("who", SEPARATED)
def test_separated_actor_has_no_business_jurisdiction(personas: Personas, who: str) -> None:
    actor = getattr(personas, who).actor
    assert actor.is_separated
    assert actor.kind is None
    assert not actor.is_national and not actor.can_write and not actor.is_admin
    assert actor.region_q() == actor.region_q(province="x")
    assert not User.objects.filter(actor.region_q(province=None, city=None, unit="unit")).exists()
    with pytest.raises(Forbidden):
        actor.require_kind(UnitKind.MINISTRY, write=False)


@pytest.mark.parametrize("who", SEPARATED)
def test_separated_admins_see_no_schools(personas: Personas, who: str) -> None:
    client = client_for(getattr(personas, who))
    body = client.get("/api/v1/pilots/schools").json()
    assert body["count"] == 0
    school = personas.gd_school_obj
    assert client.get(f"/api/v1/pilots/schools/{school.pk}").status_code == 404
    assert client.get(f"/pilots/schools/{school.pk}/").status_code == 404
    # The same school is visible to the Ministry's business administrator.
    assert client_for(personas.ministry).get("/api/v1/pilots/schools").json()["count"] >= 3


def test_audit_administrator_sees_every_event_business_admins_only_business_ones(
    personas: Personas,
) -> None:
    audit_record(actor=personas.gd_school.actor, action="school.update")
    audit_record(actor=personas.secadmin.actor, action="security.policy_set")
    audit_record(actor=Actor.anonymous(ip="192.0.2.9"), action="auth.login_failed")
    everything = set(
        audit_event_list(actor=personas.auditadmin.actor).values_list("action", flat=True)
    )
    assert {"school.update", "security.policy_set", "auth.login_failed"} <= everything
    for business in (personas.ministry, personas.gd):
        seen = set(audit_event_list(actor=business.actor).values_list("action", flat=True))
        assert "school.update" in seen
        assert "security.policy_set" not in seen and "auth.login_failed" not in seen


@pytest.mark.parametrize("who", ["sysadmin", "secadmin"])
def test_other_separated_admins_cannot_read_the_audit_log(personas: Personas, who: str) -> None:
    client = client_for(getattr(personas, who))
    assert client.get(reverse("audit")).status_code == 403
    assert client.get("/api/v1/audit/events").status_code == 403


def test_audit_administrator_verifies_the_chain_on_a_page_and_it_is_audited(
    personas: Personas,
) -> None:
    client = client_for(personas.auditadmin)
    assert client.get(reverse("audit_verify")).status_code == 200
    response = client.post(reverse("audit_verify"))
    assert "审计链完整" in response.content.decode()
    assert AuditEvent.objects.filter(action="audit.verify").exists()
    assert client_for(personas.ministry).post(reverse("audit_verify")).status_code == 403


@pytest.mark.parametrize("who", ["ministry", "gd", "sysadmin", "auditadmin", "gd_school"])
def test_security_pages_refuse_everyone_but_the_security_admin(
    personas: Personas, who: str
) -> None:
    client = client_for(getattr(personas, who))
    for name in ("security", "security_policy", "security_mfa"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get("/api/v1/security/policy").status_code == 403


def test_security_admin_changes_the_policy_and_it_is_audited(personas: Personas) -> None:
    client = client_for(personas.secadmin)
    assert client.get(reverse("security")).status_code == 200
    data = {
        "lockout_failures": 6,
        "lockout_minutes": 20,
        "ip_failures": 30,
        "ip_window_minutes": 10,
        "session_idle_minutes": 15,
        "password_min_length": 14,
        "token_days": 60,
        "token_idle_days": 7,
        "mfa_classes": ["school_admin"],
    }
    response = client.post(reverse("security_policy"), data)
    assert response.status_code == 302
    policy = security_policy()
    assert policy.lockout_failures == 6 and policy.token_idle_days == 7
    # The floor stays: national and provincial admins and separated roles always need MFA.
    assert {"separated", "national_admin", "province_admin", "school_admin"} == set(
        policy.mfa_classes
    )
    assert mfa_required(personas.gd_school.user)
    event = AuditEvent.objects.get(action="security.policy_set")
    assert event.old["lockout_failures"] == 5 and event.new["lockout_failures"] == 6
    assert event.actor_username == "sec-admin"


def test_policy_values_are_bounded(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        security_policy_set(actor=personas.secadmin.actor, lockout_failures=1)
    with pytest.raises(Forbidden):
        security_policy_set(actor=personas.ministry.actor, lockout_failures=6)
    assert not SecurityPolicy.objects.exists() or security_policy().lockout_failures == 5


def test_policy_api_round_trip(personas: Personas) -> None:
    client = client_for(personas.secadmin)
    response = client.put(
        "/api/v1/security/policy", {"session_idle_minutes": 20}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["session_idle_minutes"] == 20
    assert client.get("/api/v1/security/policy").json()["session_idle_minutes"] == 20


def test_password_minimum_follows_the_policy(personas: Personas) -> None:
    security_policy_set(actor=personas.secadmin.actor, password_min_length=16)
    client = Client()
    client.force_login(personas.hb.user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "fifteen-chars-x",
            "new_password2": "fifteen-chars-x",
        },
    )
    assert "至少需要 16 个字符" in response.content.decode()


def test_separated_admin_menu_shows_only_their_pages(personas: Personas) -> None:
    html = client_for(personas.secadmin).get(reverse("rules")).content.decode()
    assert reverse("security") in html
    assert reverse("audit") not in html
    html = client_for(personas.auditadmin).get(reverse("rules")).content.decode()
    assert reverse("audit") in html and reverse("security") not in html


def test_a_policy_minimum_does_not_outlive_the_policy(personas: Personas) -> None:
    # The validator instance is shared by the process: a raised minimum is read, never kept.
    security_policy_set(actor=personas.secadmin.actor, password_min_length=16)
    with pytest.raises(ValidationError):
        validate_password("fifteen-chars-x")
    SecurityPolicy.objects.all().delete()
    validate_password("fifteen-chars-x")


def test_every_request_of_a_separated_admin_is_audited_for_the_audit_admin(
    personas: Personas,
) -> None:
    client_for(personas.secadmin).get(reverse("security"))
    client_for(personas.sysadmin).get("/api/v1/pilots/schools")
    requests = AuditEvent.objects.filter(action="admin.request")
    assert {(e.actor_username, e.new["path"]) for e in requests} >= {
        ("sec-admin", "/security/"),
        ("sys-admin", "/api/v1/pilots/schools"),
    }
    seen_by_audit = audit_event_list(actor=personas.auditadmin.actor, action="admin.request")
    assert seen_by_audit.count() == requests.count()
    assert not audit_event_list(actor=personas.ministry.actor, action="admin.request").exists()
