"""API tokens: the token endpoint, bearer auth, /me, listing, revoking, hashing, lockout."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.core.actors import Actor
from onex.core.errors import Forbidden, InvalidInput, NotFound
from onex.core.models import ApiToken
from onex.core.tokens import token_authenticate, token_get, token_issue, token_revoke
from tests.personas import PASSWORD, Personas

API = "/api/v1"


def post_json(client: Client, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def get_token(client: Client, username: str, password: str = PASSWORD) -> Any:
    return post_json(client, f"{API}/auth/token", {"username": username, "password": password})


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def issue(persona: Any, name: str = "script") -> tuple[ApiToken, str]:
    # As from a session that passed the second factor (required of some of these accounts).
    return token_issue(actor=persona.actor, user=persona.user, name=name, mfa_verified=True)


# --- token endpoint ----------------------------------------------------------------------------


def test_token_endpoint_exchanges_username_and_password_for_a_bearer_token(
    client: Client, personas: Personas
) -> None:
    response = get_token(client, "hb-staff")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert len(body["token"]) >= 40
    token = ApiToken.objects.get(user=personas.hb.user)
    assert token.prefix == body["token"][:8]
    days = (token.expires_at - timezone.now()).days
    assert 89 <= days <= 90


def test_token_endpoint_login_is_audited(client: Client, personas: Personas) -> None:
    with mock.patch("onex.core.api.auth.audit_record") as audit:
        get_token(client, "hb-staff")
    assert audit.call_args.kwargs["action"] == "auth.login"
    assert audit.call_args.kwargs["target"] == personas.hb.user


def test_token_endpoint_wrong_password_is_401_with_the_error_body(
    client: Client, personas: Personas
) -> None:
    response = get_token(client, "hb-staff", "wrong-password-123")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"code", "rule", "message", "details"}
    assert body["code"] == "invalid_credentials"
    assert body["message"] == "用户名或密码错误。"
    assert not ApiToken.objects.exists()


def test_token_endpoint_unknown_user_is_the_same_401(client: Client, db: None) -> None:
    response = get_token(client, "nobody-here", "wrong-password-123")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_token_endpoint_missing_fields_is_422(client: Client, db: None) -> None:
    response = post_json(client, f"{API}/auth/token", {"username": "hb-staff"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_token_endpoint_locks_after_five_failures_with_a_chinese_429(
    client: Client, personas: Personas
) -> None:
    statuses = [get_token(client, "hb-staff", "wrong-password-123").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    response = get_token(client, "hb-staff")  # the right password no longer helps
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out"
    assert body["message"] == "登录失败次数过多，账户已被暂时锁定，请 30 分钟后再试。"
    assert body["details"]["cooloff_minutes"] == 30
    assert body["details"]["retry_after_minutes"] == 30
    assert response["Retry-After"] == "1800"
    assert not ApiToken.objects.exists()


def test_failures_on_the_api_and_the_login_form_count_together(
    client: Client, personas: Personas
) -> None:
    for _ in range(3):
        get_token(client, "hb-staff", "wrong-password-123")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "hb-staff", "password": "nope-nope-nope"})
    assert (
        client.post("/accounts/login/", {"username": "hb-staff", "password": PASSWORD}).status_code
        == 429
    )
    assert get_token(client, "hb-staff").status_code == 429


def test_token_endpoint_unlocks_after_the_cool_off(client: Client, personas: Personas) -> None:
    for _ in range(5):
        get_token(client, "hb-staff", "wrong-password-123")
    assert get_token(client, "hb-staff").status_code == 429
    AccessAttempt.objects.filter(username="hb-staff").update(
        attempt_time=timezone.now() - timedelta(minutes=31)
    )
    assert get_token(client, "hb-staff").status_code == 200


def test_inactive_user_gets_no_token(client: Client, personas: Personas) -> None:
    personas.hb.user.is_active = False
    personas.hb.user.save()
    assert get_token(client, "hb-staff").status_code == 401


# --- bearer authentication ---------------------------------------------------------------------


def test_bearer_token_authenticates_api_calls(client: Client, personas: Personas) -> None:
    secret = get_token(client, "hb-staff").json()["token"]
    response = Client().get(f"{API}/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["username"] == "hb-staff"


def test_api_without_credentials_is_401_with_the_error_body(client: Client, db: None) -> None:
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_unknown_bearer_token_is_refused(client: Client, db: None) -> None:
    assert client.get(f"{API}/me", **bearer("not-a-real-token")).status_code == 401


def test_revoked_token_is_refused(client: Client, personas: Personas) -> None:
    token, secret = issue(personas.hb)
    assert client.get(f"{API}/me", **bearer(secret)).status_code == 200
    token_revoke(actor=personas.hb.actor, token=token)
    assert client.get(f"{API}/me", **bearer(secret)).status_code == 401
    assert token_authenticate(secret) is None


def test_expired_token_is_refused(client: Client, personas: Personas) -> None:
    token, secret = issue(personas.hb)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{API}/me", **bearer(secret)).status_code == 401


def test_token_of_a_deactivated_user_is_refused(client: Client, personas: Personas) -> None:
    _token, secret = issue(personas.hb)
    personas.hb.user.is_active = False
    personas.hb.user.save()
    assert client.get(f"{API}/me", **bearer(secret)).status_code == 401


def test_token_use_records_last_used_at(client: Client, personas: Personas) -> None:
    token, secret = issue(personas.hb)
    assert token.last_used_at is None
    client.get(f"{API}/me", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_bearer_request_carries_the_actor_of_the_token_user(personas: Personas) -> None:
    from django.test import RequestFactory

    from onex.core.api.auth import BearerTokenAuth

    _token, secret = issue(personas.gz_city)
    request = RequestFactory().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert BearerTokenAuth()(request) == personas.gz_city.user
    assert request.user == personas.gz_city.user
    assert request.actor.user == personas.gz_city.user  # type: ignore[attr-defined]
    assert request.actor.unit == personas.gz_city.unit  # type: ignore[attr-defined]


def test_session_login_also_works_for_the_api(client: Client, personas: Personas) -> None:
    client.post("/accounts/login/", {"username": "hb-staff", "password": PASSWORD})
    assert client.get(f"{API}/me").json()["username"] == "hb-staff"


# --- hashing -----------------------------------------------------------------------------------


def test_token_is_stored_hashed_and_the_database_never_holds_the_secret(
    personas: Personas,
) -> None:
    token, secret = issue(personas.hb)
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        rows = cursor.fetchall()
    assert rows
    assert all(secret not in str(value) for row in rows for value in row)


def test_audit_of_token_issue_holds_neither_secret_nor_hash(personas: Personas) -> None:
    with mock.patch("onex.core.tokens.audit_record") as audit:
        token, secret = issue(personas.hb)
    kwargs = audit.call_args.kwargs
    assert kwargs["action"] == "auth.token_issue"
    assert kwargs["target"] == token
    assert secret not in str(kwargs)
    assert token.key_hash not in str(kwargs)


def test_token_revoke_is_audited_with_old_and_new_values(personas: Personas) -> None:
    token, _secret = issue(personas.hb)
    with mock.patch("onex.core.tokens.audit_record") as audit:
        token_revoke(actor=personas.hb.actor, token=token)
    kwargs = audit.call_args.kwargs
    assert kwargs["action"] == "auth.token_revoke"
    assert kwargs["old"] == {"revoked_at": None}
    assert kwargs["new"]["revoked_at"]


# --- /me ---------------------------------------------------------------------------------------


def test_me_describes_the_user_role_and_unit_with_its_region(
    client: Client, personas: Personas
) -> None:
    _token, secret = issue(personas.gz_city)
    body = client.get(f"{API}/me", **bearer(secret)).json()
    assert body["username"] == "gz-city"
    assert body["display_name"] == "gz-city"
    assert body["role"] == "staff"
    assert body["role_display"] == "经办人"
    unit = body["unit"]
    assert unit["kind"] == "city"
    assert unit["kind_display"] == "市级教育行政部门"
    assert unit["name"] == "广州市教育局"
    assert unit["province_code"] == "440000"
    assert unit["province"].startswith("广东")
    assert unit["city_code"] == "440100"
    assert unit["city"].startswith("广州")


def test_me_for_a_national_unit_has_no_region(client: Client, personas: Personas) -> None:
    _token, secret = issue(personas.ministry)
    unit = client.get(f"{API}/me", **bearer(secret)).json()["unit"]
    assert unit["kind"] == "ministry"
    assert unit["province"] is None
    assert unit["city"] is None


# --- personal token management API -------------------------------------------------------------


def test_creating_a_token_through_the_api_returns_the_secret_once(
    client: Client, personas: Personas
) -> None:
    _token, secret = issue(personas.hb)
    response = post_json(client, f"{API}/auth/tokens", {"name": "省平台同步"}, **bearer(secret))
    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "省平台同步"
    assert created["prefix"] == created["token"][:8]
    assert client.get(f"{API}/me", **bearer(created["token"])).status_code == 200
    listed = client.get(f"{API}/auth/tokens", **bearer(secret)).json()
    assert {t["name"] for t in listed} == {"script", "省平台同步"}
    assert created["token"] not in json.dumps(listed)
    assert all("token" not in t and "key_hash" not in t for t in listed)


def test_token_list_shows_only_the_callers_tokens(client: Client, personas: Personas) -> None:
    _mine, secret = issue(personas.hb, "mine")
    issue(personas.gd, "theirs")
    listed = client.get(f"{API}/auth/tokens", **bearer(secret)).json()
    assert [t["name"] for t in listed] == ["mine"]


def test_creating_a_token_with_an_empty_name_is_422(client: Client, personas: Personas) -> None:
    _token, secret = issue(personas.hb)
    response = post_json(client, f"{API}/auth/tokens", {"name": ""}, **bearer(secret))
    assert response.status_code == 422


def test_revoking_a_token_through_the_api(client: Client, personas: Personas) -> None:
    _token, secret = issue(personas.hb)
    other, other_secret = issue(personas.hb, "other")
    response = client.delete(f"{API}/auth/tokens/{other.pk}", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert response.json()["is_active"] is False
    assert client.get(f"{API}/me", **bearer(other_secret)).status_code == 401


def test_revoking_someone_elses_token_is_404(client: Client, personas: Personas) -> None:
    _mine, secret = issue(personas.hb)
    theirs, theirs_secret = issue(personas.gd)
    response = client.delete(f"{API}/auth/tokens/{theirs.pk}", **bearer(secret))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(f"{API}/me", **bearer(theirs_secret)).status_code == 200


def test_revoking_a_missing_token_is_the_same_404(client: Client, personas: Personas) -> None:
    _mine, secret = issue(personas.hb)
    assert client.delete(f"{API}/auth/tokens/999999", **bearer(secret)).status_code == 404


def test_session_api_writes_need_a_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.hb.user)
    response = post_json(client, f"{API}/auth/tokens", {"name": "x"})
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.exists()


# --- services ----------------------------------------------------------------------------------


def test_nobody_issues_a_token_for_someone_else(personas: Personas) -> None:
    with pytest.raises(Forbidden):
        token_issue(actor=personas.ministry.actor, user=personas.hb.user, name="x")


def test_the_system_may_issue_a_token_for_a_user(personas: Personas) -> None:
    token, _secret = token_issue(actor=Actor.system(), user=personas.hb.user, name="ops")
    assert token.user == personas.hb.user


def test_token_name_is_required(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        issue(personas.hb, "  ")


def test_token_get_hides_other_users_tokens(personas: Personas) -> None:
    theirs, _secret = issue(personas.gd)
    with pytest.raises(NotFound):
        token_get(actor=personas.hb.actor, token_id=theirs.pk)


def test_revoking_twice_is_harmless(personas: Personas) -> None:
    token, _secret = issue(personas.hb)
    first = token_revoke(actor=personas.hb.actor, token=token)
    second = token_revoke(actor=personas.hb.actor, token=token)
    assert first.revoked_at == second.revoked_at


# --- "my tokens" page --------------------------------------------------------------------------


def test_tokens_page_needs_login(client: Client, db: None) -> None:
    response = client.get(reverse("tokens"))
    assert response.status_code == 302


def test_tokens_page_creates_a_token_and_shows_its_secret_only_once(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.hb.user)
    response = client.post(reverse("tokens"), {"name": "数据对接脚本"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=personas.hb.user)
    html = response.content.decode()
    assert "请立即复制保存" in html
    secret = html.split('id="new-token-secret">')[1].split("<")[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.key_hash
    again = client.get(reverse("tokens")).content.decode()
    assert "数据对接脚本" in again
    assert token.prefix in again
    assert secret not in again


def test_tokens_page_answers_htmx_with_the_panel_only(client: Client, personas: Personas) -> None:
    client.force_login(personas.hb.user)
    response = client.post(reverse("tokens"), {"name": "htmx"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="tokens-panel">')
    assert "<html" not in html


def test_tokens_page_refuses_an_empty_name_at_the_field(client: Client, personas: Personas) -> None:
    client.force_login(personas.hb.user)
    response = client.post(reverse("tokens"), {"name": ""})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_tokens_page_revokes_a_token(client: Client, personas: Personas) -> None:
    client.force_login(personas.hb.user)
    token, secret = issue(personas.hb)
    response = client.post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "已撤销" in client.get(reverse("tokens")).content.decode()
    assert token_authenticate(secret) is None


def test_tokens_page_cannot_revoke_someone_elses_token(client: Client, personas: Personas) -> None:
    client.force_login(personas.hb.user)
    theirs, _secret = issue(personas.gd)
    assert client.post(reverse("token_revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_tokens_page_revoke_by_get_is_refused(client: Client, personas: Personas) -> None:
    client.force_login(personas.hb.user)
    token, _secret = issue(personas.hb)
    assert client.get(reverse("token_revoke", args=[token.pk])).status_code == 405


def test_token_issue_and_revoke_land_in_the_audit_chain_without_the_secret(
    client: Client, personas: Personas
) -> None:
    from onex.core.models import AuditEvent

    secret = get_token(client, "hb-staff").json()["token"]
    token = ApiToken.objects.get(user=personas.hb.user)
    client.delete(f"{API}/auth/tokens/{token.pk}", **bearer(secret))
    actions = list(
        AuditEvent.objects.filter(action__startswith="auth.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["auth.login", "auth.token_issue", "auth.token_revoke"]
    dumped = str(list(AuditEvent.objects.values()))
    assert secret not in dumped
    assert token.key_hash not in dumped


def test_openapi_documents_the_auth_endpoints_and_the_bearer_scheme(
    client: Client, db: None
) -> None:
    schema = client.get(f"{API}/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/auth/token" in paths
    assert "/api/v1/me" in paths
    assert {"get", "post"} <= set(paths["/api/v1/auth/tokens"])
    assert "delete" in paths["/api/v1/auth/tokens/{token_id}"]
    assert "security" not in paths["/api/v1/auth/token"]["post"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_tokens_page_shows_field_errors_to_htmx_with_a_swappable_status(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.hb.user)
    response = client.post(reverse("tokens"), {"name": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_tokens_page_revoke_through_htmx_returns_the_updated_panel(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.hb.user)
    token, _secret = issue(personas.hb)
    response = client.post(reverse("token_revoke", args=[token.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="tokens-panel">')
    assert "已撤销" in html
