"""Browser test: the Ministry clicks a province on the overview's map of China and lands on its
cities; a province with a city map (广东, 福建) draws it, a municipality (no city map) says so."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from tests.factories_reporting import make_pilot
from tests.personas import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "e2eoverview01"


def log_in_with_recovery_code(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: url.startswith(base + reverse("mfa_verify")))
    page.fill("input[name=otp_token]", CODE)
    page.get_by_role("button", name="验证", exact=True).click()
    page.wait_for_url(base + reverse("dashboard"))


def chart_pixel(page: Any, lng: float, lat: float) -> tuple[float, float]:
    """Where a point (longitude, latitude) of the drawn map is on the page."""
    box = page.locator("[data-chart=overview-map]").bounding_box()
    x, y = page.evaluate(
        """([lng, lat]) => {
            const el = document.querySelector('[data-chart=overview-map]');
            const chart = echarts.getInstanceByDom(el);
            return chart.convertToPixel({seriesIndex: 0}, [lng, lat]);
        }""",
        [lng, lat],
    )
    return box["x"] + x, box["y"] + y


def drawn_map(page: Any) -> Any:
    return page.evaluate(
        """() => {
            const el = document.querySelector('[data-chart=city-chart]');
            const chart = echarts.getInstanceByDom(el);
            return chart.getOption().series[0].map;
        }"""
    )


def test_ministry_clicks_a_province_and_sees_its_cities(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("ONEX_SCREENSHOT_DIR") or tmp_path)
    p = Personas()
    # A pilot school in 广东 this year: the province has a row, so the map draws.
    make_pilot(p.gd_school_obj, timezone.localdate() - dt.timedelta(days=30))
    device = StaticDevice.objects.create(user=p.ministry.user, name="recovery", confirmed=True)
    device.token_set.create(token=CODE)
    context = browser.new_context(
        locale="zh-CN", reduced_motion="reduce", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in_with_recovery_code(page, live_server.url, p.ministry.user.username)

    page.goto(live_server.url + reverse("reporting:overview") + "?metric=schools")
    page.locator("[data-chart=overview-map] canvas").first.wait_for(state="visible")
    page.wait_for_function("() => echarts.getMap('china') !== undefined")
    # Guangzhou's longitude and latitude: a click there is a click on 广东.
    page.mouse.click(*chart_pixel(page, 113.27, 23.13))
    page.wait_for_url(lambda url: "province=440000" in url)
    assert "广东省 · 各城市概况" in page.locator("h1").inner_text()
    page.locator("[data-chart=city-chart] canvas").first.wait_for(state="visible")
    assert page.get_by_role("link", name="广州市").is_visible()
    assert drawn_map(page) == "广东"
    assert page.locator("[data-city-map=none]").count() == 0
    page.screenshot(path=str(shots / "onex-overview-cities-map.png"), full_page=True)

    # A municipality has no city map: a notice, a bar chart and the table.
    page.goto(live_server.url + reverse("reporting:overview") + "?province=110000")
    page.locator("[data-chart=city-chart] canvas").first.wait_for(state="visible")
    assert page.locator("[data-city-map=none]").is_visible()
    page.screenshot(path=str(shots / "onex-overview-cities-table.png"), full_page=True)

    page.goto(live_server.url + reverse("reporting:overview") + "?province=350000")
    page.locator("[data-chart=city-chart] canvas").first.wait_for(state="visible")
    assert drawn_map(page) == "福建"
    assert not [e for e in errors if "Content Security Policy" in e]
