"""The audit pages show actions, objects and fields in the UI language, not code names."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from onex.catalog.models import OrgNotice
from onex.core.audit import audit_record
from onex.core.audit_display import action_label, field_label, register_action_labels, value_text
from onex.core.models import AuditEvent
from tests.personas import Personas

BACKEND = "django.contrib.auth.backends.ModelBackend"


def english_compiled() -> bool:
    with translation.override("en"):
        return translation.gettext("登录") != "登录"


@pytest.fixture
def notice_event(personas: Personas) -> AuditEvent:
    notice = OrgNotice.objects.create(
        org=personas.org_obj, title="考核安排", body="正文", published_at=timezone.now()
    )
    return audit_record(
        actor=personas.org.actor,
        action="catalog.notice.publish",
        target=notice,
        old={"title": "旧标题", "late_entry": False},
        new={"title": "考核安排", "late_entry": True},
    )


def page(client: Client, personas: Personas, url: str, language: str) -> str:
    client.force_login(personas.ministry.user, backend=BACKEND)
    client.cookies["django_language"] = language
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_registered_and_composed_action_labels_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert action_label("auth.login") == "登录"
        # No registered label: verb + the model the code name names.
        assert action_label("catalog.notice.publish") == "发布通知公告"
        assert action_label("assessment.site_application.org_approve") == "批准考核站点申请"
        assert action_label("assessment.plan_create") == "创建考核计划"
        # The code name names no model: the event's target model gives the noun.
        assert action_label("catalog.create", "catalog.orgnotice") == "创建通知公告"
        assert action_label("mystery.thing") == "mystery.thing"  # last resort: the code name


def test_apps_register_labels_that_win_over_the_composed_one() -> None:
    register_action_labels({"catalog.notice.publish": "发布通知"})
    try:
        assert action_label("catalog.notice.publish") == "发布通知"
    finally:
        register_action_labels({"catalog.notice.publish": "发布通知公告"})


def test_fields_and_values_are_readable() -> None:
    with translation.override("zh-hans"):
        assert field_label("catalog.orgnotice", "title") == "标题"
        assert field_label("catalog.orgnotice", "org_id") == "培训评价组织"
        assert field_label("catalog.orgnotice", "late_entry") == "late entry"
        assert (value_text(True), value_text(False), value_text(None)) == ("是", "否", "—")


def test_audit_list_in_chinese(
    client: Client, personas: Personas, notice_event: AuditEvent
) -> None:
    html = page(client, personas, reverse("audit"), "zh-hans")
    assert "发布通知公告" in html
    assert '<span class="muted">通知公告</span> 考核安排' in html
    assert "catalog.orgnotice #" not in html


def test_audit_detail_in_chinese(
    client: Client, personas: Personas, notice_event: AuditEvent
) -> None:
    html = page(client, personas, reverse("audit_detail", args=[notice_event.seq]), "zh-hans")
    assert 'title="title">标题</th>' in html
    assert "<td>否</td>" in html and "<td>是</td>" in html
    assert "通知公告 考核安排" in html
    assert ">False<" not in html


def test_audit_pages_in_english(
    client: Client, personas: Personas, notice_event: AuditEvent
) -> None:
    if not english_compiled():
        pytest.skip("English catalogue not compiled (make messages)")
    html = page(client, personas, reverse("audit"), "en")
    assert "Publish Notices" in html and "发布通知公告" not in html
    html = page(client, personas, reverse("audit_detail", args=[notice_event.seq]), "en")
    assert "<td>No</td>" in html and "<td>Yes</td>" in html
    assert ">Title</th>" in html
