"""Activity filings (R02): filed before the event, flagged inside the lead time, refused after
it; only an org with an accepted provincial filing (R38) files; provinces read their calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from onex.catalog.models import OrgFiling
from onex.core.errors import Forbidden, NotFound, RuleViolation
from onex.core.policy import policy_entry
from onex.training.models import ActivityFilingEvent, ActivityStatus
from onex.training.selectors.activities import activity_get, activity_month
from onex.training.services.activities import activity_acknowledge, activity_cancel
from tests.factories_training import TODAY, World, world_fixture  # noqa: F401 (fixture)
from tests.personas import division

pytestmark = pytest.mark.django_db


def test_r02_filing_on_or_after_the_first_day_is_refused(world: World) -> None:
    for starts_on in (TODAY, TODAY - dt.timedelta(days=3)):
        with pytest.raises(RuleViolation) as refused:
            world.activity(starts_on=starts_on, ends_on=starts_on)
        assert refused.value.rule == "R02"
    assert not world.p.org_obj.activities.exists()


def test_r02_filing_inside_the_lead_time_is_flagged_not_refused(world: World) -> None:
    # Filed on Tuesday 1 December for Thursday 3 December: 2 working days, 5 required.
    filing = world.activity(starts_on=dt.date(2026, 12, 3), ends_on=dt.date(2026, 12, 3))

    assert filing.late is True
    assert (filing.lead_working_days, filing.lead_required) == (2, 5)
    assert filing.status == ActivityStatus.FILED
    assert ActivityFilingEvent.objects.get(filing=filing).reason  # the flag is on the timeline


def test_r02_filing_well_ahead_is_not_flagged(world: World) -> None:
    filing = world.activity()

    assert filing.late is False and filing.lead_working_days >= 5


def test_r02_lead_time_is_a_platform_default() -> None:
    assert policy_entry("r02.org_filing_lead_working_days").is_platform_default


def test_r02_org_without_an_accepted_provincial_filing_files_nothing(world: World) -> None:
    OrgFiling.objects.update(status="returned")

    with pytest.raises(RuleViolation) as refused:
        world.activity()

    assert refused.value.rule == "R38"


def test_r02_schools_outside_the_province_are_refused(world: World) -> None:
    with pytest.raises(Exception, match="不在该省"):
        world.activity(schools=[world.p.hb_school_obj])


def test_other_province_and_uninvolved_schools_do_not_see_the_activity(world: World) -> None:
    filing = world.activity()

    with pytest.raises(NotFound):
        activity_get(actor=world.p.hb.actor, pk=filing.pk)
    with pytest.raises(NotFound):
        activity_get(actor=world.p.hb_school.actor, pk=filing.pk)
    with pytest.raises(NotFound):
        activity_get(actor=world.sz_school.actor, pk=filing.pk)  # a school not involved
    assert activity_get(actor=world.p.gd.actor, pk=filing.pk) == filing
    assert activity_get(actor=world.p.gd_school.actor, pk=filing.pk) == filing  # involved


def test_province_acknowledges_and_org_cancels(world: World) -> None:
    filing = world.activity()
    with pytest.raises(Forbidden):
        activity_acknowledge(actor=world.p.org.actor, filing=filing)

    filing = activity_acknowledge(actor=world.p.gd.actor, filing=filing)
    assert filing.status == ActivityStatus.ACKNOWLEDGED
    with pytest.raises(Forbidden):
        activity_cancel(actor=world.p.gd.actor, filing=filing, reason="x")
    filing = activity_cancel(actor=world.p.org.actor, filing=filing, reason="场地调整")
    assert filing.status == ActivityStatus.CANCELLED


def test_month_view_places_activities_on_their_days(world: World) -> None:
    filing = world.activity()

    weeks = activity_month(actor=world.p.gd.actor, year=2026, month=12)
    days = {cell.day: cell.activities for week in weeks for cell in week if cell.day}

    assert days[dt.date(2026, 12, 28)] == [filing] and days[dt.date(2026, 12, 29)] == [filing]
    assert days[dt.date(2026, 12, 27)] == []
    assert activity_month(actor=world.p.hb.actor, year=2026, month=12)[4][0].activities == []


def test_calendar_list_export_and_ical_pages(world: World) -> None:
    world.activity(starts_on=dt.date(2026, 12, 3), ends_on=dt.date(2026, 12, 3))
    client = Client()
    client.force_login(world.p.gd.user)

    calendar = client.get(reverse("training:activity_calendar"), {"month": "2026-12"})
    listing = client.get(reverse("training:activity_list"), {"late": "1"})
    export = client.get(reverse("training:activity_list"), {"format": "xlsx"})
    ical = client.get(reverse("training:activity_ics"))

    assert "物流管理标准宣贯会" in calendar.content.decode()
    assert "临近活动备案" in listing.content.decode()
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    assert b"BEGIN:VEVENT" in ical.content and b"DTSTART;VALUE=DATE:20261203" in ical.content


def test_api_files_and_refuses_a_late_filing(world: World) -> None:
    client = Client()
    client.force_login(world.p.org.user)
    body = {
        "province": "440000",
        "kind": "meeting",
        "title": "推进会",
        "starts_on": "2020-01-01",
        "ends_on": "2020-01-01",
        "venue": "广州",
        "schools": [world.p.gd_school_obj.pk],
    }

    refused = client.post("/api/v1/training/activities", body, content_type="application/json")
    ok = client.post(
        "/api/v1/training/activities",
        {**body, "starts_on": "2099-01-05", "ends_on": "2099-01-05"},
        content_type="application/json",
    )

    assert refused.status_code == 422 and refused.json()["rule"] == "R02"
    assert ok.status_code == 201 and ok.json()["late"] is False
    assert division("440000").code == ok.json()["province_code"]
