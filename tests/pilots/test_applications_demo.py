"""Demo data of pilot applications: every state, the R33 overdue case, idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from onex.core.actors import Actor
from onex.pilots.models import (
    ApplicationEvent,
    ApplicationStatus,
    PilotApplication,
    School,
    SummarySubmission,
)
from onex.pilots.selectors import applications as application_selectors
from onex.pilots.selectors import conditions
from onex.pilots.selectors import summary as summary_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())


def test_demo_applications_are_idempotent(demo: None) -> None:
    first = (
        PilotApplication.objects.count(),
        ApplicationEvent.objects.count(),
        SummarySubmission.objects.count(),
    )
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    assert first == (
        PilotApplication.objects.count(),
        ApplicationEvent.objects.count(),
        SummarySubmission.objects.count(),
    )


def test_demo_covers_every_state_in_three_provinces(demo: None) -> None:
    states = set(PilotApplication.objects.values_list("status", flat=True))
    assert states == set(ApplicationStatus.values)
    provinces = set(PilotApplication.objects.values_list("province__code", flat=True))
    assert provinces == {"440000", "140000", "420000"}
    returned = PilotApplication.objects.get(status=ApplicationStatus.RETURNED)
    assert returned.decision_reason


def test_demo_shanxi_passes_city_first_review(demo: None) -> None:
    published = PilotApplication.objects.get(
        province__code="140000", status=ApplicationStatus.PUBLISHED
    )
    assert published.city_review_required
    assert published.events.filter(action="city_pass").exists()
    assert PilotApplication.objects.filter(status=ApplicationStatus.CITY_REVIEW).exists()


def test_demo_hubei_forty_percent_passes_against_hubei_profile(demo: None) -> None:
    # The school also pilots other certificates (the monitoring-point pilots): its 2-01 plan.
    application = PilotApplication.objects.get(
        school__name="武汉职业技术学院", certificate__code="2-01"
    )
    assert application.status == ApplicationStatus.PUBLISHED
    assert application.dual_qualified_teachers * 10 == application.team_size * 4
    failing = PilotApplication.objects.get(
        school__name="武汉船舶职业技术学院", certificate__code="2-05"
    )
    assert any(v.rule == "R43" and not v.passed for v in conditions.evaluate_conditions(failing))


def test_demo_r33_school_published_three_months_ago(demo: None) -> None:
    school = School.objects.get(name="顺德职业技术学院")
    assert application_selectors.first_published_on(school) == timezone.localdate() - dt.timedelta(
        days=90
    )


def test_demo_guangdong_summary_and_concentration(demo: None) -> None:
    submission = SummarySubmission.objects.get(province__code="440000")
    # The table as it stood when the province sent it: every confirmed pilot of the province,
    # the monitoring-point pilots included.
    rows = summary_selectors.summary_table_rows(actor=Actor.system(), province=submission.province)
    assert submission.row_count == len(rows) > 4 and submission.scan
    result = summary_selectors.pilot_distribution(
        actor=Actor.system(), province=submission.province
    )
    assert [r.field for r in result.flagged] == ["财经商贸"]


def test_demo_timelines_are_in_date_order(demo: None) -> None:
    """No demo application is published before it was submitted (issue item 26)."""
    for application in PilotApplication.objects.all():
        events = list(application.events.order_by("pk"))
        times = [e.at for e in events]
        assert times == sorted(times), application
        assert application.created_at <= times[0] + dt.timedelta(seconds=1), application
        if application.submitted_at is not None:
            assert application.created_at <= application.submitted_at, application
        if application.published_on is not None:
            assert application.submitted_at is not None
            assert application.submitted_at.date() <= application.published_on, application
            assert all(timezone.localdate(t) <= application.published_on for t in times)
