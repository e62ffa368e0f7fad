"""R41: provinces make random spot checks; findings, rectifications with deadlines, closure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.core.calendar import add_working_days
from onex.core.errors import Conflict, Forbidden, InvalidInput
from onex.supervision.models import FindingResult, Rectification, RectificationStatus
from onex.supervision.selectors.lists import rectification_list
from onex.supervision.services import spotchecks
from onex.supervision.workflows import ITEM, RECTIFICATION, ROUND
from tests.factories_supervision import World
from tests.personas import Persona
from tests.workflow_support import assert_same_moves


def _client(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_r41_the_sample_is_reproducible_from_the_stored_seed_and_population(world: World) -> None:
    round_ = world.round(sample_size=1, seed="abc")
    assert round_.population == [world.p.gd_school_obj.pk]  # only Guangdong's confirmed pilots
    stored = list(round_.items.values_list("school_id", flat=True))
    assert spotchecks.round_redraw(round_) == stored
    assert spotchecks.draw_sample([5, 1, 9, 3, 7], "abc", 3) == spotchecks.draw_sample(
        [9, 7, 5, 3, 1], "abc", 3
    )
    page = _client(world.p.gd).get(reverse("supervision:round_detail", args=[round_.pk]))
    assert 'data-redraw="match"' in page.content.decode()
    api = _client(world.p.gd).get(f"/api/v1/supervision/spot-checks/{round_.pk}").json()
    assert api["redraw_matches"] is True and api["seed"] == "abc"


def test_r41_only_a_province_draws_and_no_more_than_its_pilot_schools(world: World) -> None:
    with pytest.raises(InvalidInput):
        world.round(sample_size=2)
    with pytest.raises(Forbidden):
        spotchecks.round_create(
            actor=world.p.ministry.actor, title="x", planned_on=timezone.localdate(), sample_size=1
        )


def test_r41_rectification_deadline_in_working_days_and_overdue_list(world: World) -> None:
    p = world.p
    round_ = world.round()
    item = round_.items.get()
    with pytest.raises(InvalidInput):
        spotchecks.item_record(actor=p.gd.actor, item=item, issues=True, findings="")
    with pytest.raises(Conflict):
        spotchecks.rectification_issue(actor=p.gd.actor, item=item, requirement="整改")
    item = spotchecks.item_record(actor=p.gd.actor, item=item, issues=True, findings="台账不全")
    assert item.result == FindingResult.ISSUES
    issued_on = dt.date(2026, 9, 25)  # before the National Day holiday
    r = spotchecks.rectification_issue(
        actor=p.gd.actor, item=item, requirement="补齐台账", issued_on=issued_on
    )
    assert r.due_on == add_working_days(issued_on, 20)
    assert r.due_on > issued_on + dt.timedelta(days=28)  # the holiday is skipped
    assert list(rectification_list(actor=p.gd.actor, overdue=True)) == [r]
    assert list(rectification_list(actor=p.gd_school.actor, overdue=True)) == [r]
    assert list(rectification_list(actor=p.hb.actor)) == []
    page = _client(p.gd).get(reverse("supervision:rectification_list"), {"overdue": "1"})
    assert p.gd_school_obj.name in page.content.decode()
    api = _client(p.gd).get("/api/v1/supervision/rectifications", {"overdue": True}).json()
    assert api["count"] == 1 and api["items"][0]["overdue"] is True

    spotchecks.rectification_submit(actor=p.gd_school.actor, rectification=r, report="已补齐")
    r = spotchecks.rectification_accept(actor=p.gd.actor, rectification=r)
    assert r.status == RectificationStatus.CLOSED and r.closed_on == timezone.localdate()
    assert list(rectification_list(actor=p.gd.actor, overdue=True)) == []


def test_r41_a_round_closes_only_once_every_school_is_recorded(world: World) -> None:
    p = world.p
    round_ = world.round()
    with pytest.raises(Conflict):
        spotchecks.round_close(actor=p.gd.actor, round_=round_)
    spotchecks.item_record(actor=p.gd.actor, item=round_.items.get(), issues=False)
    assert spotchecks.round_close(actor=p.gd.actor, round_=round_).status == "closed"


def test_spot_check_workflows_table_api_and_page_agree(world: World) -> None:
    p = world.p
    round_ = world.round()
    item = round_.items.get()
    seen = assert_same_moves(
        workflow=ROUND,
        obj=round_,
        personas=p,
        api_url=f"/api/v1/supervision/spot-checks/{round_.pk}",
        page_url=reverse("supervision:round_detail", args=[round_.pk]),
    )
    assert seen["gd"] == {"close"} and not seen["ministry"] and not seen["hb"]
    seen = assert_same_moves(
        workflow=ITEM,
        obj=item,
        personas=p,
        api_url=f"/api/v1/supervision/spot-check-items/{item.pk}",
        page_url=reverse("supervision:item_detail", args=[item.pk]),
    )
    assert seen["gd"] == {"pass", "flag"}
    assert all(not m for name, m in seen.items() if name != "gd")
    item = spotchecks.item_record(actor=p.gd.actor, item=item, issues=True, findings="问题")
    r = spotchecks.rectification_issue(actor=p.gd.actor, item=item, requirement="整改")

    def same() -> dict[str, set[str]]:
        return assert_same_moves(
            workflow=RECTIFICATION,
            obj=r,
            personas=p,
            api_url=f"/api/v1/supervision/rectifications/{r.pk}",
            page_url=reverse("supervision:rectification_detail", args=[r.pk]),
        )

    seen = same()
    assert seen["gd_school"] == {"submit"} and not seen["gd"] and not seen["hb_school"]
    spotchecks.rectification_submit(actor=p.gd_school.actor, rectification=r, report="已整改")
    seen = same()
    assert seen["gd"] == {"accept", "return"} and not seen["gd_school"] and not seen["ministry"]


def test_r41_the_school_reports_and_the_province_returns_through_the_page(world: World) -> None:
    p = world.p
    item = world.round().items.get()
    item = spotchecks.item_record(actor=p.gd.actor, item=item, issues=True, findings="问题")
    r = spotchecks.rectification_issue(actor=p.gd.actor, item=item, requirement="整改")
    url = reverse("supervision:rectification_detail", args=[r.pk])
    _client(p.gd_school).post(url, {"action": "submit", "reason": "已整改完毕"})
    r.refresh_from_db()
    assert (r.status, r.report) == (RectificationStatus.SUBMITTED, "已整改完毕")
    _client(p.gd).post(url, {"action": "return", "reason": "材料不全"})
    r.refresh_from_db()
    assert r.status == RectificationStatus.OPEN
    assert list(r.events.values_list("action", flat=True)) == ["issue", "submit", "return"]
    assert _client(p.hb).get(url).status_code == 404
    assert (
        _client(p.sz_school if hasattr(p, "sz_school") else p.hb_school).get(url).status_code == 404
    )


def test_r41_rounds_pages_and_exports(world: World) -> None:
    p = world.p
    created = _client(p.gd).post(
        reverse("supervision:round_list"),
        {"title": "冬季抽查", "planned_on": "2026-12-10", "sample_size": 1, "seed": ""},
    )
    assert created.status_code == 302
    assert Rectification.objects.count() == 0
    for persona in (p.gd, p.ministry):
        listing = _client(persona).get(reverse("supervision:round_list"), {"format": "xlsx"})
        assert listing.status_code == 200
    assert _client(p.gd_school).get(reverse("supervision:round_list")).status_code == 403
    api = _client(p.gd).post(
        "/api/v1/supervision/spot-checks",
        {"title": "API 抽查", "planned_on": "2026-12-11", "sample_size": 1},
        content_type="application/json",
    )
    assert api.status_code == 201 and len(api.json()["seed"]) == 16


def test_r41_a_rectification_in_december_is_ordered_before_next_years_holidays_are_known(
    world: World,
) -> None:
    # The State Council publishes next year's holidays late in the year: a province must still
    # be able to order a rectification whose deadline falls in a year with no calendar data.
    p = world.p
    item = world.round().items.get()
    item = spotchecks.item_record(actor=p.gd.actor, item=item, issues=True, findings="台账不全")
    issued_on = dt.date(2027, 12, 20)  # 2028 has neither package data nor entered notices
    r = spotchecks.rectification_issue(
        actor=p.gd.actor, item=item, requirement="补齐台账", issued_on=issued_on
    )
    assert r.due_on == add_working_days(issued_on, 20, assume_weekends=True).value
    assert r.due_on.year == 2028
