"""A notice body has a platform maximum: a 6 MB body is refused, not stored and served."""

from __future__ import annotations

from django.test import Client

from onex.core.limits import DOCUMENT_MAX
from tests.personas import Personas

HUGE_BODY = "通" * (2 * 1024 * 1024)  # 6 MB of UTF-8


def _org_client(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.org.user)
    return client


def test_api_refuses_a_6_mb_notice_body_with_422(personas: Personas) -> None:
    response = _org_client(personas).post(
        f"/api/v1/catalog/orgs/{personas.org_obj.pk}/notices",
        {"title": "通知", "body": HUGE_BODY},
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()["details"]["errors"]
    assert errors[0]["loc"][-1] == "body"
    assert errors[0]["msg"] == f"最多 {DOCUMENT_MAX} 个字符。"
    assert not personas.org_obj.notices.exists()


def test_notice_form_refuses_a_6_mb_body_at_the_field(personas: Personas) -> None:
    response = _org_client(personas).post(
        "/catalog/notices/new/", {"title": "通知", "body": HUGE_BODY}
    )
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    message = response.context["form"].errors["body"][0]
    assert f"不超过 {DOCUMENT_MAX} 字符" in message, message
    assert not personas.org_obj.notices.exists()


def test_a_notice_body_at_the_maximum_is_published(personas: Personas) -> None:
    response = _org_client(personas).post(
        "/catalog/notices/new/", {"title": "通知", "body": "欢" * DOCUMENT_MAX}
    )
    assert response.status_code == 302
    assert personas.org_obj.notices.count() == 1
