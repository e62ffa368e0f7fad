"""Assessment plans (R09), site conditions and brands (R12), site applications (R10)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from onex.assessment.models import (
    AssessmentPlan,
    BrandComplaint,
    BrandWord,
    ComplaintStatus,
    ExamFormat,
    Site,
    SiteApplication,
    SiteApplicationStatus,
    SiteCertificate,
    SiteCondition,
)
from onex.assessment.selectors import sites as site_selectors
from onex.assessment.services import sites as site_services
from onex.catalog.models import Level
from onex.core.audit import audit_verify_chain
from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from onex.core.models import AuditEvent
from tests.factories import letter
from tests.factories_assessment_sites import (
    World,
    build_world,
    world_fixture,  # noqa: F401 (fixture)
)
from tests.personas import Personas, make_org, make_user


def plan_input(**overrides: Any) -> site_services.PlanInput:
    values: dict[str, Any] = {
        "exam_format": ExamFormat.MIXED,
        "duration_minutes": 150,
        "theory_weight": "40",
        "practical_weight": "60",
        "theory_pass": "60",
        "practical_pass": "60",
        "mock_platform_url": "https://mock.example.com/logistics",
    }
    values.update(overrides)
    return site_services.PlanInput(**values)


# --- R09 -----------------------------------------------------------------------------------


def test_r09_org_publishes_plan_with_structured_pass_rule(world: World) -> None:
    plan = site_services.plan_publish(
        actor=world.p.org.actor, certificate=world.certificate, data=plan_input()
    )
    assert plan.theory_pass == Decimal("60.00") and plan.practical_weight == Decimal("60.00")
    assert site_selectors.plan_for(world.certificate) == plan
    assert site_selectors.plan_verdict(plan=plan, theory=Decimal("60"), practical=Decimal("75"))
    assert not site_selectors.plan_verdict(
        plan=plan, theory=Decimal("59.5"), practical=Decimal("100")
    )
    # Revising keeps one plan per certificate and audits old and new values.
    site_services.plan_publish(
        actor=world.p.org.actor,
        certificate=world.certificate,
        data=plan_input(theory_pass="70"),
    )
    assert AssessmentPlan.objects.count() == 1
    event = AuditEvent.objects.filter(action="assessment.plan.publish").order_by("seq").last()
    assert event is not None and event.old["theory_pass"] == "60.00"
    assert audit_verify_chain().ok


def test_r09_plan_without_agreement_is_refused(personas: Personas) -> None:
    world = build_world(personas, ready=False)
    with pytest.raises(RuleViolation) as exc:
        site_services.plan_publish(
            actor=personas.org.actor, certificate=world.certificate, data=plan_input()
        )
    assert exc.value.rule == "R18"
    assert not AssessmentPlan.objects.exists()


def test_r09_only_the_certificates_org_publishes_its_plan(world: World) -> None:
    other_org = make_user("other-org", make_org("中国物流与采购联合会", "91110000MA0000001F").unit)
    for persona in (other_org, world.p.gd, world.p.gd_school, world.p.ministry):
        with pytest.raises(Forbidden):
            site_services.plan_publish(
                actor=persona.actor, certificate=world.certificate, data=plan_input()
            )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("practical_weight", "50"),  # weights do not add up to 100
        ("theory_pass", "101"),
        ("duration_minutes", 0),
        ("mock_platform_url", "javascript:alert(1)"),
        ("exam_format", "oral"),
    ],
)
def test_r09_bad_plan_input_is_refused_at_the_field(world: World, field: str, value: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        site_services.plan_publish(
            actor=world.p.org.actor,
            certificate=world.certificate,
            data=plan_input(**{field: value}),
        )
    assert exc.value.field == field
    assert not AssessmentPlan.objects.exists()


# --- R12 -----------------------------------------------------------------------------------


def _publish(world: World, spec: str, notes: str = "") -> SiteCondition:
    return site_services.condition_publish(
        actor=world.p.org.actor,
        certificate=world.certificate,
        rooms=2,
        seats=30,
        equipment=[{"function": "工业机器人", "spec": spec, "quantity": 4}],
        notes=notes,
    )


@pytest.mark.parametrize(
    "spec",
    ["须为指定品牌产品", "型号不限于本公司", "学校必须采购本公司软件", "ABB IRB120 六轴机器人"],
)
def test_r12_conditions_naming_a_brand_or_model_are_refused(world: World, spec: str) -> None:
    before = SiteCondition.objects.get(certificate=world.certificate).equipment
    with pytest.raises(RuleViolation) as exc:
        _publish(world, spec)
    assert exc.value.rule == "R12"
    assert exc.value.field == "equipment"
    # The published conditions are untouched.
    assert SiteCondition.objects.get(certificate=world.certificate).equipment == before


def test_r12_conditions_by_function_are_published(world: World) -> None:
    condition = _publish(world, "六轴，负载 ≥3kg，重复定位精度 ±0.02mm")
    assert condition.equipment[0]["function"] == "工业机器人"


def test_r12_admin_brand_word_is_enforced_and_can_be_switched_off(world: World) -> None:
    _publish(world, "配套示教器")
    word = site_services.brand_word_add(actor=world.p.ministry.actor, word="示教器")
    with pytest.raises(RuleViolation) as exc:
        _publish(world, "配套示教器")
    assert exc.value.rule == "R12" and "示教器" in str(exc.value.message)
    # The first edit kept the shipped defaults.
    assert BrandWord.objects.filter(word="指定品牌", is_active=True).exists()
    site_services.brand_word_set_active(actor=world.p.ministry.actor, word=word, is_active=False)
    _publish(world, "配套示教器")


def test_r12_brand_words_are_edited_by_ministry_admins_only(world: World) -> None:
    for persona in (world.p.gd, world.p.org, world.p.aggregator):
        with pytest.raises(Forbidden):
            site_services.brand_word_add(actor=persona.actor, word="某品牌")


def test_r12_school_reports_brand_bundling_and_province_handles_it(world: World) -> None:
    p = world.p
    complaint = site_services.complaint_submit(
        actor=p.gd_school.actor,
        school=p.gd_school_obj,
        org=p.org_obj,
        certificate=world.certificate,
        text="评价组织要求考核站点采购其指定品牌的实训设备。",
        attachments=[letter("材料.pdf")],
    )
    assert complaint.attachments.count() == 1
    assert list(site_selectors.complaint_list(actor=p.gd.actor)) == [complaint]
    assert list(site_selectors.complaint_list(actor=p.ministry.actor)) == [complaint]
    assert list(site_selectors.complaint_list(actor=p.gd_school.actor)) == [complaint]
    # Other provinces, other schools and the org itself do not see it.
    for persona in (p.hb, p.hb_school, p.org, p.learner):
        assert not site_selectors.complaint_list(actor=persona.actor).exists()
        with pytest.raises(NotFound):
            site_selectors.complaint_get(actor=persona.actor, pk=complaint.pk)
    with pytest.raises(Forbidden):
        site_services.complaint_handle(actor=p.gd_viewer.actor, complaint=complaint, note="已约谈")
    with pytest.raises(Forbidden):
        site_services.complaint_handle(actor=p.gd_school.actor, complaint=complaint, note="已约谈")
    handled = site_services.complaint_handle(
        actor=p.gd.actor, complaint=complaint, note="已约谈并责令整改"
    )
    assert handled.status == ComplaintStatus.HANDLED
    with pytest.raises(Conflict):
        site_services.complaint_handle(actor=p.gd.actor, complaint=complaint, note="再次")


def test_r12_complaint_only_by_the_school_itself(world: World) -> None:
    p = world.p
    for persona in (p.hb_school, p.org, p.gd):
        with pytest.raises(Forbidden):
            site_services.complaint_submit(
                actor=persona.actor, school=p.gd_school_obj, org=p.org_obj, text="强制捆绑采购设备"
            )
    assert not BrandComplaint.objects.exists()


# --- R10 -----------------------------------------------------------------------------------


def test_r10_site_is_registered_after_org_and_province_agree(world: World) -> None:
    p = world.p
    application = world.apply()
    assert application.status == SiteApplicationStatus.SUBMITTED
    # The province cannot skip the org's step.
    with pytest.raises(Conflict):
        site_services.site_application_province_approve(actor=p.gd.actor, application=application)
    application = site_services.site_application_org_approve(
        actor=p.org.actor, application=application
    )
    assert application.status == SiteApplicationStatus.ORG_APPROVED
    application = site_services.site_application_province_approve(
        actor=p.gd.actor, application=application
    )
    assert application.status == SiteApplicationStatus.APPROVED
    site = application.site
    assert site is not None
    assert site.code == "440001"
    assert site.seats == 40 and site.address.startswith("广州市")
    assert set(SiteCertificate.objects.filter(site=site).values_list("level", flat=True)) == {
        Level.JUNIOR,
        Level.INTERMEDIATE,
    }
    assert list(
        site_selectors.registered_sites(certificate=world.certificate, level=Level.JUNIOR)
    ) == [site]
    assert not site_selectors.registered_sites(level=Level.SENIOR).exists()
    actions = list(application.events.values_list("action", flat=True))
    assert actions == ["submit", "org_approve", "approve"]


def test_r10_site_codes_are_unique_serials_within_the_province(world: World) -> None:
    p = world.p
    for school in (p.gd_school_obj, p.sz_school_obj):
        persona = p.gd_school if school == p.gd_school_obj else make_user("sz-school", school.unit)
        app = site_services.site_application_submit(
            actor=persona.actor,
            school=school,
            certificate=world.certificate,
            data=site_services.SiteInput(
                levels=[Level.JUNIOR], address="校内实训楼", seats=30, rooms=2
            ),
        )
        site_services.site_application_org_approve(actor=p.org.actor, application=app)
        site_services.site_application_province_approve(actor=p.gd.actor, application=app)
    assert sorted(Site.objects.values_list("code", flat=True)) == ["440001", "440002"]


def test_r10_province_approval_needs_the_orgs_filing_there(world: World) -> None:
    # R38: the org has a Guangdong filing only; a Hubei school's application stops at Hubei.
    p = world.p
    application = world.apply(school=p.hb_school_obj)
    site_services.site_application_org_approve(actor=p.org.actor, application=application)
    with pytest.raises(RuleViolation) as exc:
        site_services.site_application_province_approve(actor=p.hb.actor, application=application)
    assert exc.value.rule == "R38"
    application.refresh_from_db()
    assert application.status == SiteApplicationStatus.ORG_APPROVED
    assert not Site.objects.exists()


def test_r10_application_below_published_conditions_is_refused(world: World) -> None:
    with pytest.raises(RuleViolation) as exc:
        world.apply(seats=10)
    assert exc.value.rule == "R10" and exc.value.field == "seats"
    assert "10" in str(exc.value.message) and "30" in str(exc.value.message)
    assert not SiteApplication.objects.exists()


def test_r10_no_application_before_conditions_are_published(personas: Personas) -> None:
    world = build_world(personas, ready=False)
    world.sign_agreement()
    with pytest.raises(RuleViolation) as exc:
        world.apply()
    assert exc.value.rule == "R10"


def test_r10_returned_application_is_corrected_and_resubmitted(world: World) -> None:
    p = world.p
    application = world.apply()
    with pytest.raises(InvalidInput):
        site_services.site_application_return(
            actor=p.org.actor, application=application, reason=" "
        )
    application = site_services.site_application_return(
        actor=p.org.actor, application=application, reason="请补充考场照片"
    )
    assert application.status == SiteApplicationStatus.RETURNED
    # A second application for the same certificate is a conflict while one is live.
    with pytest.raises(Conflict):
        world.apply()
    application = site_services.site_application_resubmit(
        actor=p.gd_school.actor,
        application=application,
        data=site_services.SiteInput(
            levels=[Level.JUNIOR], address="实训楼 4 层", seats=50, rooms=3
        ),
    )
    assert application.status == SiteApplicationStatus.SUBMITTED and application.seats == 50
    site_services.site_application_org_approve(actor=p.org.actor, application=application)
    application = site_services.site_application_return(
        actor=p.gd.actor, application=application, reason="地址需与备案一致"
    )
    assert [e.reason for e in application.events.all() if e.reason] == [
        "请补充考场照片",
        "地址需与备案一致",
    ]


def test_site_application_scoping_and_refusals(world: World) -> None:
    p = world.p
    application = world.apply()
    visible = [
        (p.gd, True),
        (p.gd_viewer, True),
        (p.gz_city, True),
        (p.org, True),
        (p.gd_school, True),
        (p.ministry, True),
        (p.hb, False),
        (p.hb_school, False),
        (p.learner, False),
    ]
    for persona, sees in visible:
        assert site_selectors.site_application_list(actor=persona.actor).exists() is sees, (
            persona.user
        )
        if not sees:
            with pytest.raises(NotFound):
                site_selectors.site_application_get(actor=persona.actor, pk=application.pk)
    # Visible but not allowed: 403.
    for persona in (p.gd, p.gd_school, p.ministry, p.gz_city):
        with pytest.raises(Forbidden):
            site_services.site_application_org_approve(actor=persona.actor, application=application)
    site_services.site_application_org_approve(actor=p.org.actor, application=application)
    for persona in (p.gd_viewer, p.org, p.gz_city):
        with pytest.raises(Forbidden):
            site_services.site_application_province_approve(
                actor=persona.actor, application=application
            )
    # Another province does not see the application at all: 404, not 403.
    with pytest.raises(NotFound):
        site_services.site_application_province_approve(actor=p.hb.actor, application=application)


def test_school_applies_only_for_itself(world: World) -> None:
    p = world.p
    with pytest.raises(Forbidden):
        site_services.site_application_submit(
            actor=p.hb_school.actor,
            school=p.gd_school_obj,
            certificate=world.certificate,
            data=site_services.SiteInput(levels=[Level.JUNIOR], address="x", seats=40, rooms=2),
        )


def test_unknown_level_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as exc:
        site_services.site_application_submit(
            actor=world.p.gd_school.actor,
            school=world.p.gd_school_obj,
            certificate=world.certificate,
            data=site_services.SiteInput(levels=[Level.SENIOR], address="x", seats=40, rooms=2),
        )
    assert exc.value.field == "levels"
