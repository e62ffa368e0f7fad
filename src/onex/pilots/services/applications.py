"""Writes of pilot applications: the school's draft, edits and attachments, and every move of
the review chain (R32), each run through ``workflows.APPLICATION`` by ``core.workflows.perform``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.catalog.models import Certificate
from onex.catalog.services.schools import resolve_training_levels
from onex.catalog.services.uploads import sniff_upload
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, NotFound
from onex.core.models import UnitKind
from onex.core.policy import policy_entry
from onex.core.workflows import MAX_REASON, perform
from onex.pilots.models import School, Specialty
from onex.pilots.models.applications import (
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationStatus,
    FacilityKind,
    PilotApplication,
)
from onex.pilots.selectors.applications import (
    application_missing_fields,
    application_scope,
    enrolment_prefill,
)
from onex.pilots.selectors.conditions import require_conditions
from onex.pilots.services.schools import (
    obligation_changed,
    obligation_of,
    require_school_in_pilot,
)
from onex.pilots.workflows import APPLICATION, application_audit_view

MAX_TEXT = 5000
MAX_ATTACHMENTS = 10


# --- services: input --------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationInput:
    """What a school fills in. ``enrolments`` None: prefill from the specialty's records."""

    levels: Sequence[str] = ()
    full_time_teachers: int = 0
    team_size: int = 0
    dual_qualified_teachers: int = 0
    industry_experts: int = 0
    enrolments: Mapping[str | int, int] | None = None
    facility_kind: str = ""
    facility_description: str = ""
    has_training_rooms: bool = False
    has_internship_sites: bool = False
    work_plan: str = ""
    planned_students: int = 0
    contact_name: str = ""
    contact_phone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_COUNTS = (
    ("full_time_teachers", gettext_lazy("专任教师数")),
    ("team_size", gettext_lazy("培训团队人数")),
    ("dual_qualified_teachers", gettext_lazy("双师型教师数")),
    ("industry_experts", gettext_lazy("行业企业专家数")),
    ("planned_students", gettext_lazy("计划学生数")),
)


def _clean_enrolments(raw: Mapping[str | int, int]) -> dict[str, int]:
    result: dict[str, int] = {}
    for year, students in raw.items():
        text = str(year).strip()
        if not (text.isdigit() and len(text) == 4):
            raise InvalidInput(_("招生年份应为四位数字。"), field="enrolments")
        try:
            number = int(students)
        except (TypeError, ValueError):
            raise InvalidInput(
                _("%(year)s 年招生人数应为整数。") % {"year": text}, field="enrolments"
            ) from None
        if number < 0 or number > 100000:
            raise InvalidInput(
                _("%(year)s 年招生人数应在 0 到 100000 之间。") % {"year": text},
                field="enrolments",
            )
        result[text] = number
    return dict(sorted(result.items()))


def _input_values(
    application: PilotApplication, data: ApplicationInput, *, school: School
) -> dict[str, Any]:
    """The fields a school's input sets, validated; the caller applies them."""
    for name, label in _COUNTS:
        value = getattr(data, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100000:
            raise InvalidInput(
                _("%(label)s应为 0 到 100000 之间的整数。") % {"label": label}, field=name
            )
    if data.dual_qualified_teachers > data.team_size:
        raise InvalidInput(
            _("双师型教师数（%(n)s）不能超过培训团队人数（%(team)s）。")
            % {"n": data.dual_qualified_teachers, "team": data.team_size},
            field="dual_qualified_teachers",
        )
    if data.industry_experts > data.team_size:
        raise InvalidInput(
            _("行业企业专家数（%(n)s）不能超过培训团队人数（%(team)s）。")
            % {"n": data.industry_experts, "team": data.team_size},
            field="industry_experts",
        )
    if data.facility_kind and data.facility_kind not in FacilityKind.values:
        raise InvalidInput(_("未知的设施来源。"), field="facility_kind")
    for name in ("facility_description", "work_plan"):
        if len(getattr(data, name)) > MAX_TEXT:
            raise InvalidInput(_("内容不能超过 %(n)s 个字符。") % {"n": MAX_TEXT}, field=name)
    if len(data.contact_name.strip()) > 64:
        raise InvalidInput(_("联系人不能超过 64 个字符。"), field="contact_name")
    phone = data.contact_phone.strip()
    if phone and (len(phone) > 32 or not all(c.isdigit() or c in "-+ ()" for c in phone)):
        raise InvalidInput(_("联系电话只能包含数字和 - + ( ) 空格。"), field="contact_phone")
    if data.enrolments is not None:
        enrolments = _clean_enrolments(data.enrolments)
    elif not application.enrolments:
        enrolments = enrolment_prefill(specialty=application.specialty)
    else:
        enrolments = dict(application.enrolments)
    return {
        # R34: vocational schools default to every level, undergraduate schools must choose.
        "levels": resolve_training_levels(school_type=school.school_type, chosen=list(data.levels)),
        "full_time_teachers": data.full_time_teachers,
        "team_size": data.team_size,
        "dual_qualified_teachers": data.dual_qualified_teachers,
        "industry_experts": data.industry_experts,
        "enrolments": enrolments,
        "facility_kind": data.facility_kind,
        "facility_description": data.facility_description.strip(),
        "has_training_rooms": bool(data.has_training_rooms),
        "has_internship_sites": bool(data.has_internship_sites),
        "work_plan": data.work_plan.strip(),
        "planned_students": data.planned_students,
        "contact_name": data.contact_name.strip(),
        "contact_phone": phone,
    }


# --- services: the school's part ------------------------------------------------------------


def application_create(
    *,
    actor: Actor,
    school: School,
    certificate: Certificate,
    specialty: Specialty,
    data: ApplicationInput,
) -> PilotApplication:
    """A school drafts an application for one certificate in one of its specialties.

    Not a move: there is no row to lock yet, so the school's own unit stands in for the scope.
    """
    if actor.kind == UnitKind.SCHOOL and actor.unit_id != school.unit_id:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    actor.require(
        actor.kind == UnitKind.SCHOOL and actor.unit_id == school.unit_id,
        _("只有申报学校可以填写和提交试点申请。"),
    )
    actor.require_write()
    if specialty.school_id != school.pk:
        raise InvalidInput(_("请选择本校开设的专业。"), field="specialty")
    require_school_in_pilot(school)  # R23: a disqualified school opens no applications
    application = PilotApplication(
        school=school,
        province=school.province,
        city=school.city,
        certificate=certificate,
        specialty=specialty,
        created_by=actor.user,
    )
    for name, value in _input_values(application, data, school=school).items():
        setattr(application, name, value)
    try:
        with transaction.atomic():
            application.save()
            ApplicationEvent.record(
                actor=actor,
                application=application,
                action="create",
                to_status=application.status,
            )
            audit_record(
                actor=actor,
                action="pilots.application.create",
                target=application,
                new=application_audit_view(application),
            )
    except IntegrityError:
        raise Conflict(
            _("本校该专业已有该证书的试点申请，请在原申请上修改。"), field="certificate"
        ) from None
    return application


def application_update(
    *, actor: Actor, application: PilotApplication, data: ApplicationInput
) -> PilotApplication:
    """Edit a draft or a returned application (the school only)."""
    return perform(
        APPLICATION,
        actor=actor,
        obj=application,
        action="update",
        changes=lambda locked: _input_values(locked, data, school=locked.school),
    )


def application_attach(
    *, actor: Actor, application: PilotApplication, title: str, upload: File[Any]
) -> ApplicationAttachment:
    """Attach a facilities document (PDF, PNG or JPG, at most 5 MB, checked by content)."""
    title = (title or "").strip()[:100] or _("设施证明材料")
    kind = sniff_upload(upload, allowed=("pdf", "png", "jpeg"), field_name="attachment")
    saved: list[ApplicationAttachment] = []

    def check(locked: PilotApplication) -> None:
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise InvalidInput(
                _("每份申请最多 %(n)s 个附件。") % {"n": MAX_ATTACHMENTS}, field="attachment"
            )

    def store(locked: PilotApplication) -> dict[str, Any]:
        attachment = ApplicationAttachment(
            application=locked,
            title=title,
            kind=kind,
            size=upload.size or 0,
            uploaded_by=actor.user,
        )
        attachment.file.save(upload.name or "attachment", upload, save=False)
        attachment.save()
        saved.append(attachment)
        return {"attachment": attachment.pk, "title": title, "kind": kind, "size": attachment.size}

    perform(
        APPLICATION,
        actor=actor,
        obj=application,
        action="attach",
        reason=title,
        check=check,
        related=store,
    )
    return saved[0]


def _require_complete(application: PilotApplication) -> None:
    require_school_in_pilot(application.school)  # R23
    missing = application_missing_fields(application)
    if missing:
        raise InvalidInput(
            _("申请表不完整，请补充：%(fields)s") % {"fields": "、".join(missing)},
            details={"missing": missing},
        )
    require_conditions(application)  # R26, R43


def _submission_values(application: PilotApplication) -> dict[str, Any]:
    # Read under the lock: the profile in force today decides whether a city reviews first.
    city_review = bool(
        policy_entry(
            "r32.city_first_review_required",
            province=application.province,
            batch_number=application.certificate.batch.number,
            on=timezone.localdate(),
        ).value
    )
    return {
        "city_review_required": city_review,
        "submitted_at": timezone.now(),
        "decision_reason": "",
    }


def application_submit(*, actor: Actor, application: PilotApplication) -> PilotApplication:
    """Send a draft or returned application into the chain (R32), checking R26/R43 first.

    Where the province's profile requires a municipal first review (Shanxi), the application
    goes to the city bureau; otherwise straight to the province.
    """
    return perform(
        APPLICATION,
        actor=actor,
        obj=application,
        action="submit",
        check=_require_complete,
        changes=_submission_values,
    )


# --- services: the city's first review (R32) ------------------------------------------------


def application_city_pass(
    *, actor: Actor, application: PilotApplication, note: str = ""
) -> PilotApplication:
    return perform(
        APPLICATION,
        actor=actor,
        obj=application,
        action="city_pass",
        reason=(note or "").strip()[:MAX_REASON],
        changes=lambda _locked: {"city_reviewed_at": timezone.now()},
    )


def application_city_return(
    *, actor: Actor, application: PilotApplication, reason: str
) -> PilotApplication:
    # perform refuses an empty reason after the who-may check; strip it for the stored copy.
    reason = (reason or "").strip()
    return perform(
        APPLICATION,
        actor=actor,
        obj=application,
        action="city_return",
        reason=reason,
        changes=lambda _locked: {"city_reviewed_at": timezone.now(), "decision_reason": reason},
    )


# --- services: the province's decision and publication (R32) -------------------------------


def application_confirm(*, actor: Actor, application: PilotApplication) -> PilotApplication:
    """The province confirms an eligible applicant; the conditions are judged again (R26/R43)."""
    return perform(
        APPLICATION,
        actor=actor,
        obj=application,
        action="confirm",
        check=lambda locked: require_conditions(locked),
        changes=lambda _locked: {"decided_at": timezone.now()},
        related=_start_pilot,
    )


def _start_pilot(application: PilotApplication) -> dict[str, Any] | None:
    # The first confirmed application makes the school a pilot school from today (its weekly
    # reports are expected from then on, R23/R41); a later confirmation changes nothing.
    today = timezone.localdate()
    started = School.objects.filter(pk=application.school_id, pilot_since__isnull=True).update(
        pilot_since=today
    )
    if not started:
        return None
    after = obligation_of(School.objects.get(pk=application.school_id))
    obligation_changed(replace(after, since=None), after)
    return {"school_pilot_since": today}


def _decide_against(
    *, actor: Actor, application: PilotApplication, reason: str, action: str
) -> PilotApplication:
    reason = (reason or "").strip()
    return perform(
        APPLICATION,
        actor=actor,
        obj=application,
        action=action,
        reason=reason,
        changes=lambda _locked: {"decided_at": timezone.now(), "decision_reason": reason},
    )


def application_return(
    *, actor: Actor, application: PilotApplication, reason: str
) -> PilotApplication:
    """The province sends the application back to the school with a reason; it can resubmit."""
    return _decide_against(actor=actor, application=application, reason=reason, action="return")


def application_reject(
    *, actor: Actor, application: PilotApplication, reason: str
) -> PilotApplication:
    """The province refuses the application for good (the school may file a new one)."""
    return _decide_against(actor=actor, application=application, reason=reason, action="reject")


def application_publish(
    *,
    actor: Actor,
    application: PilotApplication,
    published_on: dt.date | None = None,
) -> PilotApplication:
    """Put a confirmed pilot on the public list with its date (R32); R33's month starts here."""
    today = timezone.localdate()
    published_on = published_on or today
    if published_on > today:
        raise InvalidInput(_("公布日期不能晚于今天。"), field="published_on")
    return perform(
        APPLICATION,
        actor=actor,
        obj=application,
        action="publish",
        changes={"published_on": published_on},
    )


def applications_publish_confirmed(*, actor: Actor, published_on: dt.date | None = None) -> int:
    """Publish every confirmed application of the actor's province; returns how many."""
    actor.require(actor.kind == UnitKind.PROVINCE, _("只有省级教育行政部门可以公布试点名单。"))
    actor.require_write()
    pending = list(application_scope(actor=actor).filter(status=ApplicationStatus.CONFIRMED))
    with transaction.atomic():
        for application in pending:
            application_publish(actor=actor, application=application, published_on=published_on)
    return len(pending)
