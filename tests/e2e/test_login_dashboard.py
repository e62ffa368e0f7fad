"""Browser test: demo-gd logs in through the real login page and sees the province dashboard.

Drives Debian's chromium through Playwright's Python API (never `playwright install`).
Set ONEX_SCREENSHOT_DIR to keep the screenshots (desktop and a 390 px phone) for review.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice

from onex.core.accounts import user_create
from onex.core.actors import Actor
from onex.core.models import Role, UnitKind
from onex.geo.loader import ensure_divisions
from tests.personas import make_school, make_unit

USERNAME = "demo-gd"
PASSWORD = "onex-demo-pass"
RECOVERY_CODES = ("e2erecovery01", "e2erecovery02")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_gd() -> None:
    ensure_divisions()
    unit = make_unit(UnitKind.PROVINCE, "广东省教育厅", province="440000")
    user = user_create(
        actor=Actor.system(),
        username=USERNAME,
        password=PASSWORD,
        unit=unit,
        role=Role.ADMIN,
        display_name="广东省管理员",
    )
    # A province administrator must pass a second factor: two single-use recovery codes.
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in RECOVERY_CODES:
        device.token_set.create(token=code)
    make_school("广州番禺职业技术学院", "4144012345", "440000", "440100")
    make_school("深圳职业技术学院", "4144030001", "440000", "440300")
    make_school("广东轻工职业技术学院", "4144012346", "440000", "440100")


def second_factor(page: Any, base: str, code: str) -> None:
    page.wait_for_url(lambda url: url.startswith(base + reverse("mfa_verify")))
    page.fill("input[name=otp_token]", code)
    page.get_by_role("button", name="验证", exact=True).click()
    page.wait_for_url(base + reverse("dashboard"))


def english(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


def test_demo_gd_logs_in_and_sees_the_province_dashboard(
    browser: Any, live_server: Any, demo_gd: None, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("ONEX_SCREENSHOT_DIR") or tmp_path)
    # Reduced motion: charts draw without animation, so screenshots show the bars.
    context = browser.new_context(
        locale="zh-CN", reduced_motion="reduce", viewport={"width": 1280, "height": 860}
    )
    page = context.new_page()
    # The Content-Security-Policy forbids inline scripts and eval: nothing may trip it.
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    # Anonymous visitors get the public home page, which leads to the login page.
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="证书查询与验证").is_visible()
    page.get_by_role("link", name="工作人员登录").click()
    page.wait_for_url(live_server.url + reverse("login"))

    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    second_factor(page, live_server.url, RECOVERY_CODES[0])

    heading = page.locator("h1")
    assert "广东省" in heading.inner_text()
    assert "省级工作台" in heading.inner_text()
    assert page.get_by_role("heading", name="待办").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # ECharts drew the schools-per-city chart from the page's JSON (served locally, no CDN).
    page.locator("[data-chart] canvas").first.wait_for(state="visible")
    page.screenshot(path=str(shots / "onex-dashboard.png"), full_page=True)
    # js-flag.js (the former inline script) ran, and no page so far violated the CSP.
    assert "js" in (page.locator("html").get_attribute("class") or "").split()
    assert not violations, violations

    # Keyboard: the first Tab lands on the skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # htmx (served locally) refreshes the to-do panel in place with the CSRF header set.
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as hx:
        page.get_by_role("button", name="刷新").click()
    assert hx.value.ok
    assert hx.value.request.headers.get("x-csrftoken")
    page.get_by_role("heading", name="待办").wait_for()

    page.get_by_role("button", name="English", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    translated = english("省级工作台")
    if translated != "省级工作台":  # English catalogue compiled (make messages)
        page.get_by_role("heading", name=translated).wait_for()
        assert "省级工作台" not in page.locator("h1").inner_text()
    page.screenshot(path=str(shots / "onex-dashboard-en.png"), full_page=True)
    context.close()

    # A phone: the side navigation collapses behind a real button and opens with it.
    phone = browser.new_context(
        locale="zh-CN",
        reduced_motion="reduce",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    phone_page = phone.new_page()
    phone_page.goto(live_server.url + reverse("login"))
    phone_page.fill("input[name=username]", USERNAME)
    phone_page.fill("input[name=password]", PASSWORD)
    phone_page.get_by_role("button", name="登录", exact=True).click()
    second_factor(phone_page, live_server.url, RECOVERY_CODES[1])
    nav = phone_page.locator("#site-nav")
    toggle = phone_page.locator(".nav-toggle")
    assert not nav.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    phone_page.screenshot(path=str(shots / "onex-dashboard-phone.png"), full_page=True)
    toggle.click()
    assert nav.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    # Nothing wider than the screen: tables and charts must not force sideways scrolling.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone_page.screenshot(path=str(shots / "onex-dashboard-phone-menu.png"), full_page=True)
    phone.close()
