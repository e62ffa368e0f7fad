"""Login, logout, password change, lockout, session expiry and CSRF on the login form."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.personas import PASSWORD, Personas

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post(LOGIN, {"username": username, "password": password})


def fail_logins(client: Client, username: str, times: int) -> list[object]:
    return [login(client, username, "not-the-password") for _ in range(times)]


def test_url_names_resolve_to_the_account_pages() -> None:
    assert reverse("login") == LOGIN
    assert reverse("logout") == "/accounts/logout/"
    assert reverse("password_change") == "/accounts/password/"
    assert reverse("password_change_done") == "/accounts/password/done/"
    assert reverse("tokens") == "/accounts/tokens/"


def test_login_page_is_in_chinese_with_a_switch_to_english(client: Client, db: None) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert "登录" in html
    assert reverse("set_language") in html
    assert 'value="en"' in html
    assert "连续 5 次密码错误后，账户将被锁定 30 分钟。" in html


def test_language_switch_makes_the_login_page_english(client: Client, db: None) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert '<html lang="en"' in client.get(LOGIN).content.decode()


def test_user_with_the_right_password_logs_in_and_lands_on_the_dashboard(
    client: Client, personas: Personas
) -> None:
    response = login(client, "hb-staff")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("calendar")).status_code == 200
    assert client.session["_auth_user_id"] == str(personas.hb.user.pk)


def test_login_is_audited_with_the_user_as_target(client: Client, personas: Personas) -> None:
    with mock.patch("onex.core.views.auth.audit_record") as audit:
        login(client, "hb-staff")
    audit.assert_called_once()
    kwargs = audit.call_args.kwargs
    assert kwargs["action"] == "auth.login"
    assert kwargs["target"] == personas.hb.user
    assert kwargs["actor"].user == personas.hb.user
    assert kwargs["actor"].ip == "127.0.0.1"


def test_wrong_password_shows_a_chinese_error_and_does_not_log_in(
    client: Client, personas: Personas
) -> None:
    response = login(client, "hb-staff", "wrong-password-123")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_error_as_a_wrong_password(
    client: Client, personas: Personas
) -> None:
    unknown = login(client, "nobody-here", "wrong-password-123").content.decode()
    assert "请输入一个正确的" in unknown


# These tests use the calendar as "a page that needs a login": "/" shows anonymous visitors the
# public home page and signed-in users their dashboard.
def test_anonymous_visitor_is_sent_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(reverse("calendar"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_by_get_is_refused(client: Client, personas: Personas) -> None:
    login(client, "hb-staff")
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_by_post_ends_the_session_and_is_audited(client: Client, personas: Personas) -> None:
    login(client, "hb-staff")
    with mock.patch("onex.core.views.auth.audit_record") as audit:
        response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("calendar")).status_code == 302
    assert audit.call_args.kwargs["action"] == "auth.logout"
    assert audit.call_args.kwargs["target"] == personas.hb.user


def test_login_post_without_csrf_token_is_refused(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    response = login(client, "hb-staff")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_post_with_the_pages_csrf_token_succeeds(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        LOGIN, {"username": "hb-staff", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.hb.user.pk)


# --- lockout -----------------------------------------------------------------------------------


def test_four_failures_still_allow_the_right_password(client: Client, personas: Personas) -> None:
    responses = fail_logins(client, "hb-staff", 4)
    assert all(r.status_code == 200 for r in responses)  # type: ignore[attr-defined]
    assert login(client, "hb-staff").status_code == 302


def test_five_failures_lock_the_account_even_against_the_right_password(
    client: Client, personas: Personas
) -> None:
    responses = fail_logins(client, "hb-staff", 5)
    assert responses[-1].status_code == 429  # type: ignore[attr-defined]
    response = login(client, "hb-staff")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "账户已被暂时锁定" in html
    assert "请 30 分钟后再试" in html


def test_lockout_is_by_username_so_colleagues_behind_the_same_address_can_log_in(
    client: Client, personas: Personas
) -> None:
    fail_logins(client, "hb-staff", 5)
    other = Client()
    assert login(other, "gd-viewer").status_code == 302


def test_success_before_the_limit_resets_the_failure_count(
    client: Client, personas: Personas
) -> None:
    fail_logins(client, "hb-staff", 4)
    login(client, "hb-staff")
    client.post(reverse("logout"))
    fail_logins(client, "hb-staff", 4)
    assert login(client, "hb-staff").status_code == 302


def test_lock_lifts_by_itself_after_the_30_minute_cool_off(
    client: Client, personas: Personas
) -> None:
    fail_logins(client, "hb-staff", 5)
    assert login(client, "hb-staff").status_code == 429
    # As if the attempts happened 31 minutes ago: past the cool-off they no longer count.
    AccessAttempt.objects.filter(username="hb-staff").update(
        attempt_time=timezone.now() - timedelta(minutes=31)
    )
    assert login(client, "hb-staff").status_code == 302


def test_lock_is_still_on_29_minutes_after_the_last_failure(
    client: Client, personas: Personas
) -> None:
    fail_logins(client, "hb-staff", 5)
    AccessAttempt.objects.filter(username="hb-staff").update(
        attempt_time=timezone.now() - timedelta(minutes=29)
    )
    assert login(client, "hb-staff").status_code == 429


def test_lockout_page_tells_the_minutes_left_and_sets_retry_after(
    client: Client, personas: Personas
) -> None:
    fail_logins(client, "hb-staff", 5)
    AccessAttempt.objects.filter(username="hb-staff").update(
        attempt_time=timezone.now() - timedelta(minutes=20)
    )
    response = login(client, "hb-staff")
    assert response.status_code == 429
    assert "请 10 分钟后再试" in response.content.decode()
    assert 540 <= int(response["Retry-After"]) <= 600


def test_retrying_while_locked_does_not_extend_the_lock(client: Client, personas: Personas) -> None:
    fail_logins(client, "hb-staff", 5)
    AccessAttempt.objects.filter(username="hb-staff").update(
        attempt_time=timezone.now() - timedelta(minutes=20)
    )
    fail_logins(client, "hb-staff", 3)  # while locked
    AccessAttempt.objects.filter(username="hb-staff").update(
        attempt_time=timezone.now() - timedelta(minutes=31)
    )
    assert login(client, "hb-staff").status_code == 302


def test_admin_reset_unlocks_the_account_at_once(client: Client, personas: Personas) -> None:
    fail_logins(client, "hb-staff", 5)
    reset(username="hb-staff")
    assert login(client, "hb-staff").status_code == 302


# --- sessions ----------------------------------------------------------------------------------


def test_session_idle_default_is_30_minutes_renewed_on_every_request() -> None:
    # The idle limit is the security policy's (default 30 minutes, MfaMiddleware); the stored
    # session lives up to the policy's maximum so a longer setting can take effect.
    assert settings.ONEX_SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 480 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_ends_after_30_idle_minutes(client: Client, personas: Personas) -> None:
    login(client, "hb-staff")
    later = timezone.now() + timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(reverse("calendar"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_activity_within_30_minutes_keeps_the_session_alive(
    client: Client, personas: Personas
) -> None:
    login(client, "hb-staff")
    start = timezone.now()
    # Three requests 25 minutes apart: 75 minutes in all, never 30 idle ones.
    for step in (1, 2, 3):
        with mock.patch(
            "django.utils.timezone.now", return_value=start + timedelta(minutes=25 * step)
        ):
            assert client.get(reverse("calendar")).status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=75 + 31)):
        assert client.get(reverse("calendar")).status_code == 302


# --- passwords ---------------------------------------------------------------------------------


def test_password_validators_refuse_eleven_characters_and_accept_twelve(db: None) -> None:
    with pytest.raises(ValidationError):
        validate_password("kx7#Lq2!vRw")  # 11
    validate_password("kx7#Lq2!vRw9")  # 12


def test_password_change_refuses_a_short_password_with_a_chinese_message(
    client: Client, personas: Personas
) -> None:
    login(client, "hb-staff")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Short-pw1", "new_password2": "Short-pw1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "密码太短，至少需要 12 个字符。" in html
    assert "12" in html
    personas.hb.user.refresh_from_db()
    assert personas.hb.user.check_password(PASSWORD)


def test_password_change_with_a_long_password_works_keeps_the_session_and_is_audited(
    client: Client, personas: Personas
) -> None:
    login(client, "hb-staff")
    new = "a-much-longer-passphrase-2024"
    with mock.patch("onex.core.views.auth.audit_record") as audit:
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("password_change_done")).status_code == 200
    personas.hb.user.refresh_from_db()
    assert personas.hb.user.check_password(new)
    assert audit.call_args.kwargs["action"] == "auth.password_change"
    assert "password" not in str(audit.call_args.kwargs.get("new", {})).replace(
        "password_changed", ""
    )


def test_password_change_page_needs_login(client: Client, db: None) -> None:
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- the real audit chain ----------------------------------------------------------------------


def test_login_logout_and_password_change_land_in_the_audit_chain(
    client: Client, personas: Personas
) -> None:
    from onex.core.models import AuditEvent

    user = personas.hb.user
    login(client, "hb-staff")
    new = "a-much-longer-passphrase-2024"
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    client.post(reverse("logout"))
    events = AuditEvent.objects.filter(action__startswith="auth.", target_id=str(user.pk))
    assert list(events.order_by("seq").values_list("action", flat=True)) == [
        "auth.login",
        "auth.password_change",
        "auth.logout",
    ]
    assert all(e.actor_id == user.pk and e.ip == "127.0.0.1" for e in events)
    assert new not in str(list(events.values("old", "new")))
