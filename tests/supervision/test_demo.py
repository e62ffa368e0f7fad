"""The supervision demo: a disqualified school whose student registration is refused."""

from __future__ import annotations

import pytest

from onex.catalog.models import Certificate
from onex.core.demo import load_demo_data
from onex.pilots.models import SchoolPilotStatus
from onex.supervision.models import (
    MonitoringPoint,
    Proceeding,
    ProceedingStatus,
    Rectification,
    SpotCheckRound,
    TargetKind,
)
from onex.supervision.selectors.lists import designable_schools

pytestmark = pytest.mark.django_db


def test_r23_demo_disqualified_school_is_refused_registration() -> None:
    report = load_demo_data()
    school_case = Proceeding.objects.select_related("school").get(target_kind=TargetKind.SCHOOL)
    assert school_case.status == ProceedingStatus.DISQUALIFIED and school_case.funds_recovery
    assert school_case.school is not None
    assert school_case.school.pilot_status == SchoolPilotStatus.DISQUALIFIED
    assert any(
        school_case.school.name in line and "取消试点资格" in line for line in report.refusals
    )
    assert Proceeding.objects.get(target_kind=TargetKind.ORG).status == ProceedingStatus.PROPOSED
    assert SpotCheckRound.objects.count() == 1 and Rectification.objects.count() == 1
    # Every certificate with a confirmed pilot school has monitoring points, up to the target.
    for certificate in Certificate.objects.all():
        points = MonitoringPoint.objects.filter(certificate=certificate).count()
        assert points or not designable_schools(certificate=certificate).exists()
    again = load_demo_data()
    assert not any(k in again.created for k in ("monitoring_points", "spot_check_rounds"))
