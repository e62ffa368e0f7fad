"""Second factor on login, login throttling per user+address and per address, token expiry."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from onex.core.models import ApiToken, AuditEvent
from onex.core.security import security_policy_set
from onex.core.tokens import token_authenticate, token_issue
from tests.personas import PASSWORD, Persona, Personas

LOGIN = "/accounts/login/"
API = "/api/v1"


def login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def code_for(device: TOTPDevice, *, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=30, t0=0, digits=6, drift=drift):06d}"


def unthrottle(device: TOTPDevice) -> None:
    """Forget django-otp's back-off after a wrong code (it refuses the next one for a second)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()


def enrol(persona: Persona) -> TOTPDevice:
    return TOTPDevice.objects.create(user=persona.user, name="authenticator", confirmed=True)


def post_json(client: Client, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


# --- second factor ------------------------------------------------------------------------------


def test_province_admin_without_authenticator_must_enrol_before_any_page(
    personas: Personas,
) -> None:
    client = Client()
    assert login(client, "gd-admin").status_code == 302
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))
    assert client.get("/pilots/schools/")["Location"].startswith(reverse("mfa_setup"))
    # The API ignores the unverified session.
    assert client.get(f"{API}/me").status_code == 401
    page = client.get(reverse("mfa_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code, inline
    device = TOTPDevice.objects.get(user=personas.gd.user, confirmed=False)
    assert client.post(reverse("mfa_setup"), {"otp_token": "000000"}).status_code == 422
    unthrottle(device)
    response = client.post(reverse("mfa_setup"), {"otp_token": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(f"{API}/me").json()["username"] == "gd-admin"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.login", "mfa.enrol", "mfa.recovery_codes"} <= actions


def test_enrolled_admin_verifies_with_a_code_and_failures_are_audited(
    personas: Personas,
) -> None:
    device = enrol(personas.ministry)
    client = Client()
    login(client, "ministry-admin")
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("mfa_verify"))
    assert client.post(reverse("mfa_verify"), {"otp_token": "123456"}).status_code == 422
    assert AuditEvent.objects.filter(action="mfa.verify_failed").count() == 1
    unthrottle(device)
    response = client.post(
        reverse("mfa_verify"), {"otp_token": code_for(device), "next": "/rules/"}
    )
    assert response.status_code == 302 and response["Location"] == "/rules/"
    assert client.get(reverse("dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.verify").exists()


def test_recovery_code_works_once(personas: Personas) -> None:
    enrol(personas.gd)
    static = StaticDevice.objects.create(user=personas.gd.user, name="recovery", confirmed=True)
    static.token_set.create(token="recover0001")
    first = Client()
    login(first, "gd-admin")
    assert first.post(reverse("mfa_verify"), {"otp_token": "recover0001"}).status_code == 302
    assert AuditEvent.objects.filter(action="mfa.recovery_used").exists()
    second = Client()
    login(second, "gd-admin")
    assert second.post(reverse("mfa_verify"), {"otp_token": "recover0001"}).status_code == 422


def test_staff_without_mfa_logs_in_with_the_password_alone(personas: Personas) -> None:
    client = Client()
    login(client, "hb-staff")
    assert client.get(reverse("dashboard")).status_code == 200


def test_security_admin_can_require_mfa_for_school_admins(personas: Personas) -> None:
    client = Client()
    login(client, "gd-school")
    assert client.get(reverse("dashboard")).status_code == 200
    security_policy_set(actor=personas.secadmin.actor, mfa_classes=["school_admin"])
    again = Client()
    login(again, "gd-school")
    assert again.get(reverse("dashboard"))["Location"].startswith(reverse("mfa_setup"))


def test_voluntary_enrolment_then_needs_the_code(personas: Personas) -> None:
    enrol(personas.hb)
    client = Client()
    login(client, "hb-staff")
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("mfa_verify"))


def test_separated_admins_must_use_mfa(personas: Personas) -> None:
    for name in ("sys-admin", "sec-admin", "audit-admin"):
        client = Client()
        login(client, name)
        assert client.get(reverse("dashboard"))["Location"].startswith(reverse("mfa_setup"))


def test_security_admin_resets_a_lost_authenticator(personas: Personas) -> None:
    enrol(personas.gd)
    client = Client()
    client.force_login(personas.secadmin.user)
    assert client.get(reverse("security_mfa")).status_code == 200
    response = client.post(reverse("security_mfa_reset", args=[personas.gd.user.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.gd.user).exists()
    assert AuditEvent.objects.filter(action="mfa.reset", actor_username="sec-admin").exists()
    own = client.post(reverse("security_mfa_reset", args=[personas.secadmin.user.pk]))
    assert own.status_code == 403


def test_token_exchange_needs_the_otp_for_mfa_accounts(personas: Personas) -> None:
    device = enrol(personas.gd)
    client = Client()
    body = {"username": "gd-admin", "password": PASSWORD}
    response = post_json(client, f"{API}/auth/token", body)
    assert response.status_code == 401 and response.json()["code"] == "mfa_required"
    response = post_json(client, f"{API}/auth/token", {**body, "otp": code_for(device)})
    assert response.status_code == 200
    assert not ApiToken.objects.get(user=personas.gd.user).read_only


def test_token_authenticated_call_cannot_issue_tokens_for_an_mfa_account(
    personas: Personas,
) -> None:
    _token, secret = token_issue(
        actor=personas.gd.actor, user=personas.gd.user, name="script", mfa_verified=True
    )
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(f"{API}/me", **headers).status_code == 200  # tokens stay usable
    response = post_json(client, f"{API}/auth/tokens", {"name": "more"}, **headers)
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"


# --- throttling ---------------------------------------------------------------------------------


def from_ip(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def test_five_failures_from_one_address_do_not_lock_the_owner_elsewhere(
    personas: Personas,
) -> None:
    attacker = from_ip("198.51.100.7")
    statuses = [login(attacker, "hb-staff", "wrong-password-x").status_code for _ in range(5)]
    assert statuses[-1] == 429
    assert login(attacker, "hb-staff").status_code == 429  # locked from that address
    owner = from_ip("203.0.113.5")
    assert login(owner, "hb-staff").status_code == 302  # the owner is not locked out
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    # Five wrong passwords and the refused right one while locked.
    assert actions.count("auth.login_failed") == 6
    assert "auth.lockout" in actions
    failed = AuditEvent.objects.filter(action="auth.login_failed").first()
    assert failed is not None and failed.ip == "198.51.100.7"


def test_password_spraying_from_one_address_is_slowed(personas: Personas) -> None:
    security_policy_set(actor=personas.secadmin.actor, ip_failures=6)
    sprayer = from_ip("198.51.100.8")
    names = ["gd-admin", "gd-viewer", "hb-staff", "gz-city", "gd-school", "hb-school"]
    assert all(login(sprayer, n, "Spring2026!!x").status_code == 200 for n in names)
    # The seventh guess from that address is refused, even a right password, before checking.
    response = login(sprayer, "org-admin")
    assert response.status_code == 429
    assert "登录尝试过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    api = post_json(sprayer, f"{API}/auth/token", {"username": "org-admin", "password": PASSWORD})
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    # Nobody's account is locked, and other addresses are not slowed.
    assert login(from_ip("203.0.113.9"), "org-admin").status_code == 302


def test_success_resets_the_users_counter(personas: Personas) -> None:
    client = from_ip("198.51.100.10")
    for _ in range(4):
        login(client, "hb-staff", "wrong-password-x")
    assert login(client, "hb-staff").status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        login(client, "hb-staff", "wrong-password-x")
    assert login(client, "hb-staff").status_code == 302


def test_security_admin_sees_and_lifts_a_lockout(personas: Personas) -> None:
    client = from_ip("198.51.100.11")
    for _ in range(5):
        login(client, "hb-staff", "wrong-password-x")
    assert login(client, "hb-staff").status_code == 429
    admin = Client()
    admin.force_login(personas.secadmin.user)
    locks = admin.get(f"{API}/security/lockouts").json()
    assert [(lock["username"], lock["ip"]) for lock in locks] == [("hb-staff", "198.51.100.11")]
    assert "hb-staff" in admin.get(reverse("security")).content.decode()
    response = admin.post(reverse("lockout_lift", args=[locks[0]["id"]]))
    assert response.status_code == 302
    assert login(client, "hb-staff").status_code == 302
    event = AuditEvent.objects.get(action="auth.unlock")
    assert event.actor_username == "sec-admin" and event.new["username"] == "hb-staff"


def test_security_admin_lifts_an_address_throttle(personas: Personas) -> None:
    security_policy_set(actor=personas.secadmin.actor, ip_failures=5)
    client = from_ip("198.51.100.12")
    for name in ["gd-admin", "gd-viewer", "hb-staff", "gz-city", "gd-school"]:
        login(client, name, "wrong-password-x")
    assert login(client, "org-admin").status_code == 429
    admin = Client()
    admin.force_login(personas.secadmin.user)
    assert [t["ip"] for t in admin.get(f"{API}/security/throttles").json()] == ["198.51.100.12"]
    admin.post(reverse("throttle_lift"), {"ip": "198.51.100.12"})
    assert login(client, "org-admin").status_code == 302
    assert AuditEvent.objects.filter(action="auth.ip_unthrottle").exists()


# --- tokens -------------------------------------------------------------------------------------


def issue(persona: Persona, **kwargs: Any) -> tuple[ApiToken, str]:
    return token_issue(
        actor=persona.actor, user=persona.user, name="t", mfa_verified=True, **kwargs
    )


def test_token_ends_when_the_password_changes(personas: Personas) -> None:
    _token, secret = issue(personas.hb)
    assert token_authenticate(secret) == personas.hb.user
    client = Client()
    client.force_login(personas.hb.user)
    new = "another-long-passphrase-77"
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert token_authenticate(secret) is None
    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_token_ends_when_the_user_is_disabled(personas: Personas) -> None:
    _token, secret = issue(personas.hb)
    personas.hb.user.is_active = False
    personas.hb.user.save()
    assert token_authenticate(secret) is None


def test_token_ends_after_the_idle_days_of_the_policy(personas: Personas) -> None:
    token, secret = issue(personas.hb)
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - timedelta(days=29), created_at=timezone.now()
    )
    assert token_authenticate(secret) is not None  # platform default: 30 idle days
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(days=8))
    security_policy_set(actor=personas.secadmin.actor, token_idle_days=7)
    assert token_authenticate(secret) is None


def test_never_used_token_idles_from_its_creation(personas: Personas) -> None:
    token, secret = issue(personas.hb)
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert token_authenticate(secret) is None


def test_token_lifetime_follows_the_policy(personas: Personas) -> None:
    security_policy_set(actor=personas.secadmin.actor, token_days=10)
    token, _secret = issue(personas.hb)
    assert 9 <= (token.expires_at - timezone.now()).days <= 10


def test_read_only_token_reads_and_is_refused_writes_with_a_clear_403(
    personas: Personas,
) -> None:
    _token, secret = issue(personas.hb, read_only=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client()
    assert client.get(f"{API}/me", **headers).status_code == 200
    response = post_json(client, f"{API}/auth/tokens", {"name": "x"}, **headers)
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"
    assert "只读" in response.json()["message"]


def test_tokens_page_creates_a_read_only_token(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.hb.user)
    response = client.post(reverse("tokens"), {"name": "reader", "read_only": "on"})
    assert response.status_code == 200
    assert ApiToken.objects.get(user=personas.hb.user).read_only
