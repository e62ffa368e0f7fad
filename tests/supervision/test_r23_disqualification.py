"""R23/R47: a school loses its pilot status; R41: its special funds are marked for recovery."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from onex.assessment.services import sites as site_services
from onex.assessment.services.students import student_upsert
from onex.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from onex.core.models import AuditEvent
from onex.core.policy import PolicyScope, policy_value_set
from onex.funding.models import AllocationStatus, FundSource
from onex.pilots.models import ApplicationStatus, PilotApplication, SchoolPilotStatus, Specialty
from onex.pilots.services import applications as application_services
from onex.supervision.models import ProceedingStatus
from onex.supervision.selectors.lists import proceeding_list
from onex.supervision.services import proceedings
from onex.supervision.services.proceedings import R47_REASONS, clean_reasons
from onex.supervision.workflows import PROCEEDING
from tests.factories_assessment import make_id
from tests.factories_funding import allocate
from tests.factories_pilots import good
from tests.factories_supervision import World
from tests.personas import Persona, division
from tests.workflow_support import assert_same_moves


def _client(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_r23_a_proposal_names_reasons_from_the_policy(world: World) -> None:
    p = world.p
    with pytest.raises(RuleViolation) as info:
        proceedings.proceeding_propose_school(
            actor=p.gd.actor, school=p.gd_school_obj, reasons=["late_lunch"], facts="x"
        )
    assert info.value.rule == "R23"
    with pytest.raises(RuleViolation):
        proceedings.proceeding_propose_school(
            actor=p.gd.actor, school=p.gd_school_obj, reasons=[], facts="x"
        )
    with pytest.raises(Forbidden):  # another province's school
        proceedings.proceeding_propose_school(
            actor=p.hb.actor, school=p.gd_school_obj, reasons=["slow_progress"], facts="x"
        )
    proceeding = world.school_proceeding()
    assert proceeding.reason_labels == ["连续三周未报送周报"]
    with pytest.raises(Conflict):  # one open proceeding at a time
        world.school_proceeding()


def test_r47_missed_reports_lax_exams_and_irregular_charges_are_grounds(world: World) -> None:
    assert clean_reasons(sorted(R47_REASONS), kind="school") == sorted(R47_REASONS)
    assert {"missed_weekly_reports", "lax_management", "irregular_charges"} == set(R47_REASONS)
    with pytest.raises(RuleViolation):
        clean_reasons(["overcharging"], kind="school")  # an org's ground, not a school's


def test_r23_no_decision_while_the_answer_period_runs_unanswered(world: World) -> None:
    p = world.p
    proceeding = world.school_proceeding()
    assert proceeding.answer_due > proceeding.proposed_on
    with pytest.raises(RuleViolation) as info:
        proceedings.proceeding_disqualify(actor=p.ministry.actor, proceeding=proceeding, note="x")
    assert info.value.rule == "R23"
    answered = proceedings.proceeding_answer(
        actor=p.gd_school.actor, proceeding=proceeding, answer="已整改"
    )
    assert answered.status == ProceedingStatus.ANSWERED
    decided = proceedings.proceeding_disqualify(
        actor=p.ministry.actor, proceeding=answered, note="属实"
    )
    assert decided.status == ProceedingStatus.DISQUALIFIED and decided.funds_recovery


def test_r23_no_answer_after_the_answer_period(world: World) -> None:
    p = world.p
    proceeding = world.answer_period_over(world.school_proceeding())
    with pytest.raises(RuleViolation) as info:
        proceedings.proceeding_answer(actor=p.gd_school.actor, proceeding=proceeding, answer="x")
    assert info.value.rule == "R23"


def test_r23_a_disqualified_school_registers_no_students_and_opens_no_applications(
    world: World,
) -> None:
    p = world.p
    ex = world.ex
    plan = ex.plan()
    student = ex.student()
    world.disqualified_school()
    school = p.gd_school_obj
    school.refresh_from_db()
    assert school.pilot_status == SchoolPilotStatus.DISQUALIFIED
    with pytest.raises(RuleViolation) as info:
        student_upsert(
            actor=p.gd_school.actor,
            school=school,
            name="新学生",
            id_type="resident",
            id_number=make_id(999),
            gender="male",
            specialty=None,
        )
    assert info.value.rule == "R23"
    with pytest.raises(RuleViolation) as info:
        ex.register(plan, student)
    assert info.value.rule == "R23"
    specialty = Specialty.objects.create(school=school, code="500101", name="电子商务")
    with pytest.raises(RuleViolation) as info:
        application_services.application_create(
            actor=p.gd_school.actor,
            school=school,
            certificate=ex.certificate,
            specialty=specialty,
            data=good(),
        )
    assert info.value.rule == "R23"
    with pytest.raises(RuleViolation) as info:
        site_services.site_application_submit(
            actor=p.gd_school.actor,
            school=school,
            certificate=ex.certificate,
            data=None,  # type: ignore[arg-type]  # refused before the input is read
        )
    assert info.value.rule == "R23"


def test_r23_the_public_pilot_list_shows_the_status_and_date(world: World) -> None:
    p = world.p
    PilotApplication.objects.filter(school=p.gd_school_obj).update(
        status=ApplicationStatus.PUBLISHED, published_on=dt.date(2020, 1, 1)
    )
    world.disqualified_school()
    page = Client().get(reverse("pilots:public_list"))
    assert 'data-pilot-status="disqualified"' in page.content.decode()
    api = Client().get("/api/v1/pilots/applications/public").json()
    row = next(r for r in api["items"] if r["school_code"] == p.gd_school_obj.code)
    assert row["school_pilot_status"] == "disqualified" and row["school_pilot_status_on"]


def test_r23_the_decider_is_the_ministry_unless_the_profile_names_the_province(
    world: World,
) -> None:
    p = world.p
    proceeding = world.answer_period_over(world.school_proceeding())
    assert PROCEEDING.allowed_actions(proceeding, p.gd.actor) == []
    with pytest.raises(Forbidden):
        proceedings.proceeding_disqualify(actor=p.gd.actor, proceeding=proceeding, note="x")
    policy_value_set(
        actor=p.ministry.actor,
        key="r23.province_decides_school",
        value=True,
        scope=PolicyScope.PROVINCE,
        province=division("440000"),
        effective_from=dt.date(2019, 1, 1),
    )
    assert set(PROCEEDING.allowed_actions(proceeding, p.gd.actor)) == {"disqualify", "dismiss"}
    assert PROCEEDING.allowed_actions(proceeding, p.ministry.actor) == []
    decided = proceedings.proceeding_disqualify(actor=p.gd.actor, proceeding=proceeding, note="x")
    assert decided.status == ProceedingStatus.DISQUALIFIED


def test_r23_reinstatement_is_a_decision_of_its_own_and_audited(world: World) -> None:
    p = world.p
    proceeding = world.disqualified_school()
    with pytest.raises(InvalidInput):  # a reason is required
        proceedings.proceeding_reinstate(actor=p.ministry.actor, proceeding=proceeding, reason="")
    reinstated = proceedings.proceeding_reinstate(
        actor=p.ministry.actor, proceeding=proceeding, reason="复核后撤销处理"
    )
    assert reinstated.status == ProceedingStatus.REINSTATED and reinstated.reinstated_on
    p.gd_school_obj.refresh_from_db()
    assert p.gd_school_obj.pilot_status == SchoolPilotStatus.ACTIVE
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"supervision.proceeding.reinstate", "pilots.school.pilot_status"} <= actions
    assert list(proceeding.events.values_list("action", flat=True)) == [
        "propose",
        "disqualify",
        "reinstate",
    ]
    world.ex.student()  # registers again


def test_r41_disqualified_schools_special_funds_are_listed_for_recovery(world: World) -> None:
    p = world.p
    proceeding = world.disqualified_school()
    assert list(proceeding_list(actor=p.ministry.actor, funds_recovery=True)) == [proceeding]
    page = _client(p.ministry).get(reverse("supervision:proceeding_list"), {"funds_recovery": "1"})
    assert p.gd_school_obj.name in page.content.decode()
    api = _client(p.ministry).get("/api/v1/supervision/proceedings", {"funds_recovery": True})
    assert api.json()["count"] == 1 and api.json()["items"][0]["funds_recovery"] is True


def test_r41_disqualifying_a_school_freezes_its_special_funds_for_recovery(world: World) -> None:
    special = allocate(world.p)
    own = allocate(world.p, source=FundSource.SCHOOL_OWN)
    world.disqualified_school()
    special.refresh_from_db()
    own.refresh_from_db()
    assert special.status == AllocationStatus.FOR_RECOVERY
    assert own.status == AllocationStatus.ACTIVE  # a school's own money is not the pilot's


def test_school_proceeding_table_api_and_page_agree(world: World) -> None:
    p = world.p
    proceeding = world.school_proceeding()

    def same() -> dict[str, set[str]]:
        return assert_same_moves(
            workflow=PROCEEDING,
            obj=proceeding,
            personas=p,
            api_url=f"/api/v1/supervision/proceedings/{proceeding.pk}",
            page_url=reverse("supervision:proceeding_detail", args=[proceeding.pk]),
        )

    seen = same()
    assert seen["gd_school"] == {"answer"}
    assert seen["ministry"] == {"disqualify", "dismiss"}
    assert not seen["gd"] and not seen["hb_school"] and not seen["org"]
    proceedings.proceeding_answer(actor=p.gd_school.actor, proceeding=proceeding, answer="申辩")
    seen = same()
    assert not seen["gd_school"] and seen["ministry"] == {"disqualify", "dismiss"}
    proceedings.proceeding_disqualify(actor=p.ministry.actor, proceeding=proceeding, note="x")
    assert same()["ministry"] == {"reinstate"}


def test_proceedings_are_scoped_to_the_target_and_the_territory(world: World) -> None:
    p = world.p
    proceeding = world.school_proceeding()
    url = f"/api/v1/supervision/proceedings/{proceeding.pk}"
    assert _client(p.gd_school).get(url).status_code == 200
    assert _client(p.hb_school).get(url).status_code == 404
    assert _client(p.hb).get(url).status_code == 404
    assert _client(p.org).get(url).status_code == 404
    assert _client(p.gd).get(url).status_code == 200
    page = _client(p.gd_school).post(
        reverse("supervision:proceeding_detail", args=[proceeding.pk]),
        {"action": "answer", "reason": "我校已整改"},
    )
    assert page.status_code == 302
    proceeding.refresh_from_db()
    assert proceeding.answer == "我校已整改"
    for persona in (p.ministry, p.gd, p.gd_school):
        listing = _client(persona).get(reverse("supervision:proceeding_list"), {"format": "xlsx"})
        assert listing.status_code == 200
    created = _client(p.hb).post(
        "/api/v1/supervision/proceedings/schools",
        {"school_id": p.hb_school_obj.pk, "reasons": ["slow_progress"], "facts": "进展缓慢"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    refused = _client(p.hb).post(
        "/api/v1/supervision/proceedings/schools",
        {"school_id": p.gd_school_obj.pk, "reasons": ["slow_progress"], "facts": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 404


def test_r23_a_proposal_in_december_does_not_wait_for_next_years_holidays(world: World) -> None:
    # The answer period runs into a year without calendar data: it is counted Monday to Friday
    # rather than refusing the proposal until the Ministry enters that year's holidays.
    with mock.patch(
        "onex.supervision.services.proceedings.timezone.localdate",
        return_value=dt.date(2027, 12, 28),
    ):
        proceeding = world.school_proceeding()
    assert proceeding.proposed_on == dt.date(2027, 12, 28)
    assert proceeding.answer_due.year == 2028
