"""Filing weekly reports (R41): who files, late filing, drafts, amendments with versions."""

from __future__ import annotations

import pytest

from onex.core.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from onex.reporting.models import ReportKind, ReportStatus
from onex.reporting.selectors import report_get
from onex.reporting.services import report_file
from tests.factories_reporting import (
    Clock,
    file_on_time,
    file_weekly,
    make_pilot,
    monday,
    values,
)
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_r41_pilot_school_files_weekly_report_on_time(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(10))
    report = file_on_time(personas.gd_school, monday(1), clock)
    assert report.status == ReportStatus.SUBMITTED
    assert not report.is_late
    assert report.version == 1
    assert report.versions.count() == 1
    assert report.city_id == personas.gd_school_obj.city_id


def test_r41_late_filing_is_accepted_and_marked_late(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(10))
    report = file_weekly(personas.gd_school, monday(3))
    assert report.status == ReportStatus.SUBMITTED
    assert report.is_late


def test_r41_school_that_is_not_a_pilot_school_files_nothing(
    personas: Personas, clock: Clock
) -> None:
    with pytest.raises(RuleViolation) as refused:
        file_weekly(personas.gd_school, monday(1))
    assert refused.value.rule == "R41"


def test_r41_no_report_is_owed_before_the_school_became_a_pilot(
    personas: Personas, clock: Clock
) -> None:
    make_pilot(personas.gd_school_obj, monday(2))
    with pytest.raises(RuleViolation):
        file_weekly(personas.gd_school, monday(3))
    assert file_weekly(personas.gd_school, monday(2)).is_late


def test_r41_no_report_is_owed_after_the_school_stopped(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(8), until=monday(4))
    with pytest.raises(RuleViolation):
        file_weekly(personas.gd_school, monday(2))


def test_future_week_is_refused(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(8))
    with pytest.raises(InvalidInput):
        file_weekly(personas.gd_school, monday(-1))


def test_submission_needs_progress(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(8))
    with pytest.raises(InvalidInput):
        file_weekly(personas.gd_school, monday(1), progress="  ")


def test_draft_then_submit(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(8))
    draft = file_weekly(personas.gd_school, monday(0), submit=False, progress="")
    assert draft.status == ReportStatus.DRAFT
    assert draft.versions.count() == 0
    submitted = file_weekly(personas.gd_school, monday(0))
    assert submitted.pk == draft.pk
    assert submitted.status == ReportStatus.SUBMITTED


def test_amendment_keeps_every_version(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(8))
    first = file_on_time(personas.gd_school, monday(1), clock)
    amended = report_file(
        actor=personas.gd_school.actor,
        kind=ReportKind.WEEKLY,
        period_start=monday(1),
        values=values(students_trained=55),
        submit=True,
        note="更正培训人数",
    )
    assert amended.pk == first.pk
    assert amended.version == 2
    assert amended.students_trained == 55
    assert not amended.is_late  # an amendment keeps the first submission's time
    versions = list(amended.versions.order_by("version"))
    assert [v.students_trained for v in versions] == [40, 55]
    assert versions[1].note == "更正培训人数"


def test_officials_cannot_file_reports(personas: Personas, clock: Clock) -> None:
    with pytest.raises(Forbidden):
        file_weekly(personas.gd, monday(1))


def test_viewer_cannot_file(personas: Personas, clock: Clock) -> None:
    with pytest.raises(Forbidden):
        file_weekly(personas.gd_viewer, monday(1))


def test_other_province_sees_no_report(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(8))
    report = file_weekly(personas.gd_school, monday(1))
    assert report_get(actor=personas.gd.actor, pk=report.pk) == report
    assert report_get(actor=personas.gz_city.actor, pk=report.pk) == report
    for outsider in (personas.hb, personas.hb_school, personas.org):
        with pytest.raises(NotFound):
            report_get(actor=outsider.actor, pk=report.pk)
