"""The supervision demo: a disqualified school whose student registration is refused."""

from __future__ import annotations

import pytest

from onex.catalog.models import Certificate
from onex.core.actors import Actor
from onex.core.demo import load_demo_data
from onex.core.models import Role, Unit, UnitKind
from onex.pilots.models import SchoolPilotStatus
from onex.supervision.models import (
    MonitoringPoint,
    Proceeding,
    ProceedingStatus,
    Rectification,
    SpotCheckRound,
    TargetKind,
)
from onex.supervision.selectors.lists import coverage, designable_schools

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
    # R20: every demo certificate has confirmed pilot schools and monitoring points; all but two
    # reach the target, and those two show as too few on the coverage page.
    assert Certificate.objects.count() == 16
    for certificate in Certificate.objects.all():
        assert MonitoringPoint.objects.filter(certificate=certificate).exists()
    ministry = Unit.objects.get(kind=UnitKind.MINISTRY)
    rows = {
        r.certificate.code: r
        for r in coverage(actor=Actor(user=None, unit=ministry, role=Role.ADMIN))
    }
    assert {code for code, r in rows.items() if r.status != "covered"} == {"2-05", "1-06"}
    assert rows["2-05"].is_short and designable_schools(certificate=rows["2-05"].certificate)
    assert rows["1-06"].lacks_schools
    again = load_demo_data()
    assert not any(
        k in again.created for k in ("monitoring_pilots", "monitoring_points", "spot_check_rounds")
    )
