"""Browser test: forms submitted with their prefilled dates succeed in the Chinese UI.

Under zh-hans Django used to prefill ``2026/12/03``; Chromium rejects that value in an
``<input type="date">``, shows an empty field and submits nothing, so the defaults failed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import accept_filing, logistics_certificate, sign_agreement
from tests.personas import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(base + reverse("dashboard"))


def test_exam_plan_and_calendar_calculator_submit_with_their_default_dates(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("ONEX_SCREENSHOT_DIR") or tmp_path)
    p = Personas()
    _batch, certificate = logistics_certificate(p)
    sign_agreement(p)
    accept_filing(p, certificate)
    today = timezone.localdate()

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.screenshot(path=str(shots / "onex-home.png"), full_page=True)
    log_in(page, live_server.url, p.org.user.username)

    page.goto(live_server.url + reverse("assessment:exam_plan_create"))
    # The browser accepted the prefilled value (it would read "" had it rejected it).
    assert page.input_value("input[name=registration_opens]") == today.isoformat()
    assert page.input_value("input[name=exam_date]")
    page.screenshot(path=str(shots / "onex-exam-plan-form.png"), full_page=True)
    page.select_option("select[name=certificate]", str(certificate.pk))
    page.select_option("select[name=province]", "440000")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("已创建考核计划（草稿）。").wait_for()
    assert "/plans/new" not in page.url

    page.goto(live_server.url + reverse("calendar"))
    assert page.input_value("input[name=start]") == today.isoformat()
    page.fill("input[name=n]", "5")
    page.get_by_role("button", name="计算", exact=True).click()
    page.locator("#calc-result .figure").wait_for()
    assert "个工作日是" in page.locator("#calc-result").inner_text()
    context.close()
