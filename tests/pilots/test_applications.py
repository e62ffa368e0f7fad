"""Pilot applications: conditions (R26, R43), the review chain (R32), refusals per role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onex.catalog.models import Level
from onex.core.actors import Actor
from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from onex.core.models import AuditEvent, PolicyScope, Role
from onex.core.policy import policy_value_set
from onex.pilots.models import (
    ApplicationStatus,
    PilotApplication,
    SchoolType,
    SpecialtyEnrolment,
)
from onex.pilots.selectors import applications as application_selectors
from onex.pilots.selectors import conditions
from onex.pilots.selectors import timeline as timeline_selectors
from onex.pilots.services import applications as application_services
from tests.factories_pilots import (
    Shanxi,
    certificate,
    confirmed,
    draft,
    good,
    recent_years,
    specialty,
    upload,
)
from tests.personas import Personas, division, make_school, make_user

pytestmark = pytest.mark.django_db

FORTY_PERCENT = good(team_size=10, dual_qualified_teachers=4)


def verdicts(application: PilotApplication) -> dict[str, conditions.Verdict]:
    return {v.key: v for v in conditions.evaluate_conditions(application)}


# --- R26: national conditions ----------------------------------------------------------------


def test_r26_guangdong_refuses_40_percent_dual_qualified(
    personas: Personas, profiles: None
) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas, FORTY_PERCENT)

    with pytest.raises(RuleViolation) as exc:
        application_services.application_submit(
            actor=personas.gd_school.actor, application=application
        )

    assert exc.value.rule_id == "R26"
    assert exc.value.field == "dual_qualified_teachers"
    assert "40%" in str(exc.value.message) and "50%" in str(exc.value.message)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.dual_qualified_teachers == 4  # nothing the school entered is lost


def test_r26_verdict_shows_actual_required_and_national_source(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas, FORTY_PERCENT)

    verdict = verdicts(application)["r26.dual_qualified_ratio_min"]

    assert not verdict.passed
    assert verdict.actual.startswith("40%")
    assert "50%" in verdict.required
    assert verdict.source == "系统默认（政策文件）"


def test_r26_industry_experts_below_20_percent_refused(personas: Personas) -> None:
    application = draft(
        personas.gd_school, personas.gd_school_obj, personas, good(industry_experts=1)
    )

    with pytest.raises(RuleViolation) as exc:
        application_services.application_submit(
            actor=personas.gd_school.actor, application=application
        )

    assert exc.value.rule_id == "R26"
    assert exc.value.field == "industry_experts"
    assert "10%" in str(exc.value.message) and "20%" in str(exc.value.message)


def test_r26_enrolment_gap_in_last_three_years_refused(personas: Personas) -> None:
    years = recent_years()
    spec = specialty(personas.gd_school_obj, years=[years[0], years[2]])
    application = draft(personas.gd_school, personas.gd_school_obj, personas, spec=spec)
    assert application.enrolments[str(years[1])] == 0  # prefilled from SpecialtyEnrolment

    with pytest.raises(RuleViolation) as exc:
        application_services.application_submit(
            actor=personas.gd_school.actor, application=application
        )

    assert exc.value.rule_id == "R26"
    assert exc.value.field == "enrolments"


def test_r26_enrolment_prefilled_from_specialty_records(personas: Personas) -> None:
    spec = specialty(personas.gd_school_obj, students=52)
    application = draft(personas.gd_school, personas.gd_school_obj, personas, spec=spec)

    assert application.enrolments == {str(y): 52 for y in recent_years()}
    assert verdicts(application)["r26.consecutive_enrolment_years"].passed


def test_r26_facilities_required(personas: Personas) -> None:
    application = draft(
        personas.gd_school,
        personas.gd_school_obj,
        personas,
        good(facility_kind="", facility_description=""),
    )

    with pytest.raises(RuleViolation) as exc:
        application_services.application_submit(
            actor=personas.gd_school.actor, application=application
        )

    assert exc.value.rule_id == "R26"
    assert exc.value.field == "facility_description"


def test_r26_rented_or_shared_facilities_count(personas: Personas) -> None:
    application = draft(
        personas.gd_school, personas.gd_school_obj, personas, good(facility_kind="shared")
    )

    assert verdicts(application)["r26.facilities_required"].passed


def test_r26_threshold_follows_a_province_override(personas: Personas) -> None:
    policy_value_set(
        actor=personas.gd.actor,
        key="r26.dual_qualified_ratio_min",
        value="0.40",
        scope=PolicyScope.PROVINCE,
        province=division("440000"),
        effective_from=dt.date(2020, 1, 1),
    )
    application = draft(personas.gd_school, personas.gd_school_obj, personas, FORTY_PERCENT)

    assert verdicts(application)["r26.dual_qualified_ratio_min"].passed
    assert verdicts(application)["r26.dual_qualified_ratio_min"].source == "省级设置"


# --- R43: Hubei's conditions -----------------------------------------------------------------


def test_r43_hubei_accepts_40_percent_dual_qualified(personas: Personas, profiles: None) -> None:
    application = draft(personas.hb_school, personas.hb_school_obj, personas, FORTY_PERCENT)

    submitted = application_services.application_submit(
        actor=personas.hb_school.actor, application=application
    )

    assert submitted.status == ApplicationStatus.SUBMITTED
    verdict = verdicts(submitted)["r26.dual_qualified_ratio_min"]
    assert "30%" in verdict.required
    assert "鄂教职成办〔2020〕1号" in verdict.source


def test_r43_hubei_requires_ten_full_time_teachers(personas: Personas, profiles: None) -> None:
    nine = good(full_time_teachers=9)
    hubei = draft(personas.hb_school, personas.hb_school_obj, personas, nine)

    with pytest.raises(RuleViolation) as exc:
        application_services.application_submit(actor=personas.hb_school.actor, application=hubei)

    assert exc.value.rule_id == "R43"
    assert exc.value.field == "full_time_teachers"
    assert "9 人" in str(exc.value.message) and "10 人" in str(exc.value.message)
    # The same nine teachers are enough where the national profile applies.
    guangdong = draft(personas.gd_school, personas.gd_school_obj, personas, nine)
    assert application_services.application_submit(
        actor=personas.gd_school.actor, application=guangdong
    )


def test_r43_hubei_requires_training_rooms(personas: Personas, profiles: None) -> None:
    application = draft(
        personas.hb_school, personas.hb_school_obj, personas, good(has_training_rooms=False)
    )

    with pytest.raises(RuleViolation) as exc:
        application_services.application_submit(
            actor=personas.hb_school.actor, application=application
        )

    assert exc.value.rule_id == "R43"
    assert exc.value.field == "has_training_rooms"


def test_r43_hubei_requires_internship_sites(personas: Personas, profiles: None) -> None:
    application = draft(
        personas.hb_school, personas.hb_school_obj, personas, good(has_internship_sites=False)
    )

    with pytest.raises(RuleViolation) as exc:
        application_services.application_submit(
            actor=personas.hb_school.actor, application=application
        )

    assert exc.value.rule_id == "R43"
    assert exc.value.field == "has_internship_sites"


def test_r43_conditions_not_applied_in_guangdong(personas: Personas, profiles: None) -> None:
    application = draft(
        personas.gd_school,
        personas.gd_school_obj,
        personas,
        good(has_training_rooms=False, has_internship_sites=False, full_time_teachers=0),
    )

    found = verdicts(application)

    assert all(found[k].passed and not found[k].applies for k in conditions.CONDITION_KEYS[4:])


def test_r43_province_confirmation_judges_again(personas: Personas, profiles: None) -> None:
    application = draft(personas.hb_school, personas.hb_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.hb_school.actor, application=application
    )
    # Hubei raises its teacher minimum after the school submitted.
    policy_value_set(
        actor=Actor.system(),
        key="r43.min_full_time_teachers",
        value=20,
        scope=PolicyScope.PROVINCE,
        province=division("420000"),
        effective_from=dt.date(2020, 1, 1),
    )

    with pytest.raises(RuleViolation) as exc:
        application_services.application_confirm(actor=personas.hb.actor, application=application)

    assert exc.value.rule_id == "R43"


# --- R34 levels and bad input ----------------------------------------------------------------


def test_vocational_school_trains_every_level_by_default(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)

    assert application.levels == [Level.JUNIOR, Level.INTERMEDIATE, Level.SENIOR]


def test_undergraduate_school_must_choose_levels(personas: Personas) -> None:
    school = make_school(
        "东莞理工学院", "4144090012", "440000", "441900", SchoolType.APPLIED_UNDERGRADUATE
    )
    persona = make_user("dg-school", school.unit)

    with pytest.raises(RuleViolation) as exc:
        draft(persona, school, personas)
    assert exc.value.rule_id == "R34"

    chosen = draft(persona, school, personas, good(levels=[Level.SENIOR, Level.JUNIOR]))
    assert chosen.levels == [Level.JUNIOR, Level.SENIOR]


def test_more_dual_qualified_than_team_is_refused_and_nothing_saved(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as exc:
        draft(
            personas.gd_school,
            personas.gd_school_obj,
            personas,
            good(team_size=5, dual_qualified_teachers=6),
        )

    assert exc.value.field == "dual_qualified_teachers"
    assert not PilotApplication.objects.exists()


def test_incomplete_application_cannot_be_submitted(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas, good(work_plan=""))

    with pytest.raises(InvalidInput) as exc:
        application_services.application_submit(
            actor=personas.gd_school.actor, application=application
        )

    assert "试点工作方案" in str(exc.value.message)


def test_specialty_of_another_school_is_refused(personas: Personas) -> None:
    other = specialty(personas.sz_school_obj)

    with pytest.raises(InvalidInput):
        draft(personas.gd_school, personas.gd_school_obj, personas, spec=other)


def test_second_live_application_for_same_certificate_and_specialty_conflicts(
    personas: Personas,
) -> None:
    draft(personas.gd_school, personas.gd_school_obj, personas)

    with pytest.raises(Conflict):
        draft(personas.gd_school, personas.gd_school_obj, personas)


def test_attachment_type_is_checked_by_content(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)

    with pytest.raises(InvalidInput):
        application_services.application_attach(
            actor=personas.gd_school.actor,
            application=application,
            title="租赁协议",
            upload=upload("协议.pdf", b"MZ not a pdf"),
        )
    attachment = application_services.application_attach(
        actor=personas.gd_school.actor,
        application=application,
        title="租赁协议",
        upload=upload(),
    )

    assert attachment.kind == "pdf"
    assert application.attachments.count() == 1


# --- R32: the review chain -------------------------------------------------------------------


def test_r32_guangdong_application_goes_straight_to_the_province(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)

    submitted = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )

    assert submitted.status == ApplicationStatus.SUBMITTED
    assert not submitted.city_review_required


def test_r32_shanxi_application_passes_city_first_review_then_province(
    personas: Personas, shanxi: Shanxi
) -> None:
    application = draft(shanxi.school, shanxi.school_obj, personas)
    application = application_services.application_submit(
        actor=shanxi.school.actor, application=application
    )
    assert application.status == ApplicationStatus.CITY_REVIEW

    # The province cannot decide before the city's first review.
    with pytest.raises(Conflict):
        application_services.application_confirm(
            actor=shanxi.province.actor, application=application
        )

    application = application_services.application_city_pass(
        actor=shanxi.city.actor, application=application
    )
    assert application.status == ApplicationStatus.SUBMITTED
    application = application_services.application_confirm(
        actor=shanxi.province.actor, application=application
    )
    application = application_services.application_publish(
        actor=shanxi.province.actor, application=application
    )

    assert application.status == ApplicationStatus.PUBLISHED
    assert application.published_on == timezone.localdate()
    assert [e.action for e in application.events.order_by("pk")] == [
        "create",
        "submit",
        "city_pass",
        "confirm",
        "publish",
    ]
    assert list(application_selectors.public_pilot_list(province="140000")) == [application]
    audited = set(
        AuditEvent.objects.filter(target_id=str(application.pk)).values_list("action", flat=True)
    )
    assert {
        "pilots.application.create",
        "pilots.application.submit",
        "pilots.application.city_pass",
        "pilots.application.confirm",
        "pilots.application.publish",
    } <= audited


def test_r32_city_refused_when_province_does_not_require_first_review(
    personas: Personas,
) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )

    with pytest.raises(RuleViolation) as exc:
        application_services.application_city_pass(
            actor=personas.gz_city.actor, application=application
        )

    assert exc.value.rule_id == "R32"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_r32_another_city_gets_404(personas: Personas, shanxi: Shanxi) -> None:
    application = draft(shanxi.school, shanxi.school_obj, personas)
    application = application_services.application_submit(
        actor=shanxi.school.actor, application=application
    )

    with pytest.raises(NotFound):
        application_services.application_city_pass(
            actor=shanxi.other_city.actor, application=application
        )
    with pytest.raises(NotFound):
        application_selectors.application_get(actor=shanxi.other_city.actor, pk=application.pk)


def test_r32_city_return_sends_back_to_school_with_reason(
    personas: Personas, shanxi: Shanxi
) -> None:
    application = draft(shanxi.school, shanxi.school_obj, personas)
    application = application_services.application_submit(
        actor=shanxi.school.actor, application=application
    )

    with pytest.raises(InvalidInput):
        application_services.application_city_return(
            actor=shanxi.city.actor, application=application, reason=" "
        )
    application = application_services.application_city_return(
        actor=shanxi.city.actor, application=application, reason="实训室面积证明不清晰"
    )

    assert application.status == ApplicationStatus.RETURNED
    assert application.decision_reason == "实训室面积证明不清晰"


def test_r32_returned_application_is_edited_and_resubmitted(personas: Personas) -> None:
    school = personas.gd_school
    application = draft(school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=school.actor, application=application
    )
    application = application_services.application_return(
        actor=personas.gd.actor, application=application, reason="请补充校企合作协议"
    )
    assert application.status == ApplicationStatus.RETURNED

    application = application_services.application_update(
        actor=school.actor, application=application, data=good(planned_students=80)
    )
    application = application_services.application_submit(
        actor=school.actor, application=application
    )

    assert application.status == ApplicationStatus.SUBMITTED
    assert application.planned_students == 80
    timeline = timeline_selectors.application_timeline(application)
    assert [t["action"] for t in timeline] == [
        "创建申请",
        "提交申请",
        "省级退回",
        "修改申请",
        "提交申请",
    ]
    assert timeline[2]["reason"] == "请补充校企合作协议"
    assert "广东省教育厅" in timeline[2]["actor"]


def test_r32_submitted_application_cannot_be_edited(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )

    with pytest.raises(Conflict):
        application_services.application_update(
            actor=personas.gd_school.actor, application=application, data=good()
        )


def test_r32_rejected_application_is_final(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )
    application = application_services.application_reject(
        actor=personas.gd.actor, application=application, reason="证书与专业不对应"
    )

    assert application.status == ApplicationStatus.REJECTED
    with pytest.raises(Conflict):
        application_services.application_submit(
            actor=personas.gd_school.actor, application=application
        )
    # A new application for the same certificate and specialty may follow.
    assert draft(personas.gd_school, personas.gd_school_obj, personas)


def test_r32_another_province_gets_404(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )

    with pytest.raises(NotFound):
        application_services.application_confirm(actor=personas.hb.actor, application=application)
    with pytest.raises(NotFound):
        application_selectors.application_get(actor=personas.hb.actor, pk=application.pk)


def test_r32_school_editing_another_schools_application_gets_404(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    sz = make_user("sz-school", personas.sz_school_obj.unit)

    with pytest.raises(NotFound):
        application_services.application_update(
            actor=sz.actor, application=application, data=good()
        )
    with pytest.raises(NotFound):
        application_services.application_submit(actor=sz.actor, application=application)
    with pytest.raises(NotFound):
        draft(sz, personas.gd_school_obj, personas)


def test_r32_viewer_gets_403(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )

    with pytest.raises(Forbidden):
        application_services.application_confirm(
            actor=personas.gd_viewer.actor, application=application
        )
    school_viewer = make_user("gd-school-viewer", personas.gd_school_obj.unit, Role.VIEWER)
    with pytest.raises(Forbidden):
        draft(school_viewer, personas.gd_school_obj, personas, cert=certificate(personas, "2-01"))


def test_r32_school_and_ministry_cannot_confirm(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )

    with pytest.raises(Forbidden):
        application_services.application_confirm(
            actor=personas.gd_school.actor, application=application
        )
    with pytest.raises(Forbidden):
        application_services.application_confirm(
            actor=personas.ministry.actor, application=application
        )
    with pytest.raises(Forbidden):
        application_services.application_city_pass(actor=personas.gd.actor, application=application)


def test_r32_province_cannot_edit_school_application(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )

    with pytest.raises(Forbidden):
        application_services.application_update(
            actor=personas.gd.actor, application=application, data=good()
        )


def test_r32_only_confirmed_applications_are_published(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )

    with pytest.raises(Conflict):
        application_services.application_publish(actor=personas.gd.actor, application=application)
    assert not application_selectors.public_pilot_list().exists()


# --- functions other apps call ---------------------------------------------------------------


def test_first_published_on_is_the_earliest_publication(personas: Personas) -> None:
    school = personas.gd_school_obj
    assert application_selectors.first_published_on(school) is None
    first = confirmed(personas, personas.gd_school, school, personas.gd)
    application_services.application_publish(
        actor=personas.gd.actor, application=first, published_on=dt.date(2020, 3, 1)
    )
    second = confirmed(
        personas, personas.gd_school, school, personas.gd, cert=certificate(personas, "2-01")
    )
    application_services.application_publish(actor=personas.gd.actor, application=second)

    assert application_selectors.first_published_on(school) == dt.date(2020, 3, 1)


def test_confirmed_pilot_exists_by_level_and_specialty(personas: Personas) -> None:
    school = personas.gd_school_obj
    cert = certificate(personas)
    application = draft(personas.gd_school, school, personas, good(levels=[Level.JUNIOR]))
    assert not application_selectors.confirmed_pilot_exists(school=school, certificate=cert)
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )
    application_services.application_confirm(actor=personas.gd.actor, application=application)

    assert application_selectors.confirmed_pilot_exists(school=school, certificate=cert)
    assert application_selectors.confirmed_pilot_exists(
        school=school, certificate=cert, level=Level.JUNIOR, specialty=application.specialty
    )
    other = specialty(school, code="530301", name="财务管理")
    assert not application_selectors.confirmed_pilot_exists(
        school=school, certificate=cert, specialty=other
    )
    assert not application_selectors.confirmed_pilot_exists(
        school=personas.sz_school_obj, certificate=cert, level=Level.JUNIOR
    )


def test_enrolment_counts_the_autumn_intake() -> None:
    assert conditions.enrolment_years(on=dt.date(2019, 9, 20), count=3) == [2017, 2018, 2019]
    assert conditions.enrolment_years(on=dt.date(2020, 3, 1), count=3) == [2017, 2018, 2019]


def test_enrolment_records_do_not_change_a_submitted_application(personas: Personas) -> None:
    spec = specialty(personas.gd_school_obj)
    application = draft(personas.gd_school, personas.gd_school_obj, personas, spec=spec)
    SpecialtyEnrolment.objects.filter(specialty=spec).delete()

    application.refresh_from_db()
    assert conditions.evaluate_conditions(application)[2].passed
