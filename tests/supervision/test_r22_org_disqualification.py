"""R22: the Ministry disqualifies an org; its open exam plans freeze, its old certificates stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from onex.assessment.services import exams as exam_services
from onex.assessment.workflows import PLAN
from onex.catalog.models import OrgStatus
from onex.certificates.services.issue import certificate_enter
from onex.core.errors import Forbidden, RuleViolation
from onex.supervision.models import ProceedingStatus
from onex.supervision.selectors.lists import frozen_plans
from onex.supervision.services import proceedings
from onex.supervision.workflows import PROCEEDING
from tests.factories_certificates import ID_A
from tests.factories_supervision import World
from tests.personas import Persona, division
from tests.workflow_support import assert_same_moves


def _client(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_r22_only_the_ministry_proposes_with_r22_reasons(world: World) -> None:
    p = world.p
    with pytest.raises(Forbidden):
        proceedings.proceeding_propose_org(
            actor=p.gd.actor, org=p.org_obj, reasons=["bad_assessment"], facts="x"
        )
    with pytest.raises(RuleViolation) as info:
        proceedings.proceeding_propose_org(
            actor=p.ministry.actor, org=p.org_obj, reasons=["slow_progress"], facts="x"
        )
    assert info.value.rule == "R22"


def test_r22_a_disqualified_org_schedules_nothing_and_its_open_plans_freeze(world: World) -> None:
    p = world.p
    ex = world.ex
    plan = ex.plan()
    student = ex.student()
    ex.register(plan, student)
    issued = certificate_enter(
        actor=p.org.actor,
        certificate=ex.certificate,
        level="junior",
        province=division("440000"),
        holder_name="王小明",
        id_type="resident",
        id_number=ID_A,
        issued_on=dt.date(2020, 6, 1),
        entered_on=dt.date(2020, 6, 3),
    )
    assert set(PLAN.allowed_actions(plan, p.org.actor)) == {"close_registration"}
    decided = world.disqualified_org()
    p.org_obj.refresh_from_db()
    assert p.org_obj.status == OrgStatus.EXITED and p.org_obj.status_changed_on
    plan.refresh_from_db()
    assert PLAN.allowed_actions(plan, p.org.actor) == []  # frozen
    with pytest.raises(RuleViolation) as info:
        exam_services.plan_close_registration(actor=p.org.actor, plan=plan)
    assert info.value.rule == "R22"
    with pytest.raises(RuleViolation) as info:
        ex.register(plan, ex.student())
    assert info.value.rule == "R22"
    with pytest.raises(RuleViolation) as info:
        ex.plan(open_=False)
    assert info.value.rule == "R22"
    with pytest.raises(RuleViolation) as info:
        certificate_enter(
            actor=p.org.actor,
            certificate=ex.certificate,
            level="junior",
            province=division("440000"),
            holder_name="李四",
            id_type="resident",
            id_number=ID_A,
            issued_on=dt.date(2020, 6, 1),
            entered_on=dt.date(2020, 6, 3),
        )
    assert info.value.rule == "R22"

    frozen = frozen_plans(p.org_obj)
    assert [f.plan.pk for f in frozen] == [plan.pk]
    assert [r.candidate.name for r in frozen[0].candidates] == [student.name]
    page = _client(p.ministry).get(reverse("supervision:proceeding_detail", args=[decided.pk]))
    assert student.name in page.content.decode()
    api = _client(p.ministry).get(f"/api/v1/supervision/proceedings/{decided.pk}/frozen-plans")
    assert api.json()[0]["candidates"][0]["name"] == student.name

    # Certificates issued before stay valid; the public page names the org's status and date.
    issued.refresh_from_db()
    assert issued.status == "valid"
    body = (
        Client()
        .get("/api/v1/public/certificates/verify", {"number": issued.number, "name": "王小明"})
        .json()
    )
    assert (body["status"], body["org_status"]) == ("valid", "exited")
    assert body["org_status_on"] == str(p.org_obj.status_changed_on)
    verify = Client().post(
        reverse("verify:index"), {"form": "verify", "v-number": issued.number, "v-name": "王小明"}
    )
    assert 'data-org-status="exited"' in verify.content.decode()


def test_r22_reinstated_org_acts_again(world: World) -> None:
    p = world.p
    decided = world.disqualified_org()
    proceedings.proceeding_reinstate(actor=p.ministry.actor, proceeding=decided, reason="复核")
    p.org_obj.refresh_from_db()
    assert p.org_obj.status == OrgStatus.ACTIVE
    assert world.ex.plan().status == "registration_open"


def test_org_proceeding_table_api_and_page_agree(world: World) -> None:
    p = world.p
    proceeding = world.org_proceeding()

    def same() -> dict[str, set[str]]:
        return assert_same_moves(
            workflow=PROCEEDING,
            obj=proceeding,
            personas=p,
            api_url=f"/api/v1/supervision/proceedings/{proceeding.pk}",
            page_url=reverse("supervision:proceeding_detail", args=[proceeding.pk]),
        )

    seen = same()
    assert seen["org"] == {"answer"} and seen["ministry"] == {"disqualify", "dismiss"}
    assert not seen["gd"] and not seen["gd_school"]
    assert _client(p.gd).get(f"/api/v1/supervision/proceedings/{proceeding.pk}").status_code == 404
    answered = proceedings.proceeding_answer(
        actor=p.org.actor, proceeding=proceeding, answer="说明"
    )
    dismissed = proceedings.proceeding_dismiss(
        actor=p.ministry.actor, proceeding=answered, note="说明合理"
    )
    assert dismissed.status == ProceedingStatus.DISMISSED
    assert all(not m for m in same().values())
