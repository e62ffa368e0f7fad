"""Pilot applications: conditions (R26, R43), the review chain (R32), the provincial summary
table (R27) and the distribution by field (R28).

Selectors read and are scoped to the actor; services write, one keyword-only function per
transition, each locked, audited and recorded on the application's timeline.

Other apps call:
- ``first_published_on(school)`` — the date the school's first application was published (R33);
  ``first_published_on_map(schools)`` the same for many schools in one query;
- ``confirmed_pilot_exists(school=..., certificate=..., level=..., specialty=...)`` — R44: only
  schools and specialties the province confirmed may organise exams.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.catalog.models import LEVEL_ORDER, Certificate, Level
from onex.catalog.services.schools import resolve_training_levels
from onex.catalog.services.uploads import sniff_upload
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from onex.core.imports import zh
from onex.core.models import UnitKind
from onex.core.params import id_param
from onex.core.policy import ProfileEntry, policy_entry, policy_profile
from onex.core.registry import TodoItem, todo_url
from onex.core.scoping import fetch
from onex.core.workflows import MAX_REASON, perform
from onex.core.xlsx import export_response, write_xlsx
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School, SchoolType, Specialty, SpecialtyEnrolment
from onex.pilots.models.applications import (
    CONFIRMED_STATUSES,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationStatus,
    FacilityKind,
    PilotApplication,
    SummaryRow,
    SummarySource,
    SummarySubmission,
)
from onex.pilots.workflows import APPLICATION, application_audit_view

RATIO_PLACES = Decimal("0.0001")
MAX_TEXT = 5000
MAX_ATTACHMENTS = 10

# --- helpers of the two functions other apps depend on --------------------------------------


def first_published_on_map(schools: Iterable[School | int]) -> dict[int, dt.date]:
    """School pk → the date its first application appeared on the public list (R33 counts from
    it), in one aggregate query whatever the number of schools; unpublished schools are absent."""
    ids = [school.pk if isinstance(school, School) else int(school) for school in schools]
    if not ids:
        return {}
    rows = (
        PilotApplication.objects.filter(
            school_id__in=ids, status=ApplicationStatus.PUBLISHED, published_on__isnull=False
        )
        .order_by()
        .values("school_id")
        .annotate(first=Min("published_on"))
    )
    return {row["school_id"]: row["first"] for row in rows}


def first_published_on(school: School) -> dt.date | None:
    """The date the school's first application appeared on the public list (R33 counts from it)."""
    return first_published_on_map([school]).get(school.pk)


def confirmed_pilot_exists(
    *,
    school: School,
    certificate: Certificate,
    level: str | None = None,
    specialty: Specialty | None = None,
) -> bool:
    """R44: whether the province confirmed the school (and specialty, level) for the certificate."""
    qs = PilotApplication.objects.filter(
        school=school, certificate=certificate, status__in=CONFIRMED_STATUSES
    )
    if specialty is not None:
        qs = qs.filter(specialty=specialty)
    if level is None:
        return qs.exists()
    # Levels are a short JSON list; JSON containment is not portable to SQLite, so compare here.
    return any(level in (levels or []) for levels in qs.values_list("levels", flat=True))


# --- ratios and labels ----------------------------------------------------------------------


def ratio(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def ratio_text(value: Decimal) -> str:
    """45.45%, 50%: the summary table's and the verdicts' way of writing a ratio."""
    text = f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def dual_qualified_ratio(application: PilotApplication) -> Decimal:
    return ratio(application.dual_qualified_teachers, application.team_size)


def industry_expert_ratio(application: PilotApplication) -> Decimal:
    return ratio(application.industry_experts, application.team_size)


def levels_label(levels: Iterable[str], *, sep: str = "、") -> str:
    labels = dict(Level.choices)
    chosen = set(levels)
    return sep.join(zh(labels[lv]) for lv in LEVEL_ORDER if lv in chosen)


# --- conditions: R26 (national) and R43 (Hubei) ---------------------------------------------

CONDITION_KEYS: tuple[str, ...] = (
    "r26.dual_qualified_ratio_min",
    "r26.industry_expert_ratio_min",
    "r26.consecutive_enrolment_years",
    "r26.facilities_required",
    "r43.min_full_time_teachers",
    "r43.training_rooms_required",
    "r43.internship_sites_required",
)

# The autumn intake is the year's enrolment: before September the current year's intake has not
# happened yet, so "the last N years" end with the previous year (001 二.1 "近 3 年连续招生").
INTAKE_MONTH = 9


def enrolment_years(*, on: dt.date, count: int) -> list[int]:
    last = on.year if on.month >= INTAKE_MONTH else on.year - 1
    return list(range(last - max(count, 1) + 1, last + 1))


@dataclass(frozen=True)
class Verdict:
    """One condition judged against the effective profile, with where the threshold comes from."""

    key: str
    rule: str
    label: str
    actual: str
    required: str
    passed: bool
    applies: bool
    source: str
    field: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "rule": self.rule,
            "label": self.label,
            "actual": self.actual,
            "required": self.required,
            "passed": self.passed,
            "applies": self.applies,
            "source": self.source,
            "field": self.field,
        }


def _decimal(entry: ProfileEntry) -> Decimal:
    assert isinstance(entry.value, Decimal)
    return entry.value


def _int(entry: ProfileEntry) -> int:
    assert isinstance(entry.value, int)
    return int(entry.value)


def _source(entry: ProfileEntry) -> str:
    note = entry.row.note if entry.row is not None and entry.row.note else ""
    return f"{entry.source_label}（{note}）" if note else entry.source_label


def _consecutive_years(enrolments: Mapping[str, Any], years: Sequence[int]) -> int:
    """How many of ``years``, counted back from the last, enrolled students without a gap."""
    run = 0
    for year in reversed(years):
        try:
            students = int(enrolments.get(str(year)) or 0)
        except (TypeError, ValueError):
            students = 0
        if students <= 0:
            break
        run += 1
    return run


def evaluate_conditions(
    application: PilotApplication, *, on: dt.date | None = None
) -> list[Verdict]:
    """Every condition of R26 and R43 with the actual value, the required value and its source.

    Thresholds come from the profile in force for the application's province and batch on ``on``
    (default today): the national notice's values unless the province (e.g. Hubei) overrides.
    A requirement switched off in the profile (0 teachers, "no" for rooms) is shown, not judged.
    """
    on = on or timezone.localdate()
    profile = policy_profile(
        province=application.province,
        batch_number=application.certificate.batch.number,
        on=on,
    )
    verdicts: list[Verdict] = []

    dual_min = _decimal(profile["r26.dual_qualified_ratio_min"])
    team = application.team_size
    verdicts.append(
        Verdict(
            key="r26.dual_qualified_ratio_min",
            rule="R26",
            label=_("“双师型”教师比例"),
            actual=_("%(ratio)s（%(n)s/%(team)s 人）")
            % {
                "ratio": ratio_text(ratio(application.dual_qualified_teachers, team)),
                "n": application.dual_qualified_teachers,
                "team": team,
            },
            required=_("不低于 %(min)s") % {"min": ratio_text(dual_min)},
            # Compared as fractions, not rounded percentages: 49.996% is below 50%.
            passed=team > 0 and Decimal(application.dual_qualified_teachers) >= dual_min * team,
            applies=True,
            source=_source(profile["r26.dual_qualified_ratio_min"]),
            field="dual_qualified_teachers",
        )
    )
    expert_min = _decimal(profile["r26.industry_expert_ratio_min"])
    verdicts.append(
        Verdict(
            key="r26.industry_expert_ratio_min",
            rule="R26",
            label=_("行业企业专家比例"),
            actual=_("%(ratio)s（%(n)s/%(team)s 人）")
            % {
                "ratio": ratio_text(ratio(application.industry_experts, team)),
                "n": application.industry_experts,
                "team": team,
            },
            required=_("不低于 %(min)s") % {"min": ratio_text(expert_min)},
            passed=team > 0 and Decimal(application.industry_experts) >= expert_min * team,
            applies=True,
            source=_source(profile["r26.industry_expert_ratio_min"]),
            field="industry_experts",
        )
    )
    years_needed = _int(profile["r26.consecutive_enrolment_years"])
    years = enrolment_years(on=on, count=years_needed)
    run = _consecutive_years(application.enrolments or {}, years)
    verdicts.append(
        Verdict(
            key="r26.consecutive_enrolment_years",
            rule="R26",
            label=_("相关专业连续招生年数"),
            actual=_("连续 %(n)s 年（%(first)s–%(last)s 年）")
            % {"n": run, "first": years[0], "last": years[-1]},
            required=_("近 %(n)s 年连续招生") % {"n": years_needed},
            passed=years_needed == 0 or run >= years_needed,
            applies=years_needed > 0,
            source=_source(profile["r26.consecutive_enrolment_years"]),
            field="enrolments",
        )
    )
    facilities_required = bool(profile["r26.facilities_required"].value)
    has_facilities = bool(application.facility_kind and application.facility_description.strip())
    verdicts.append(
        Verdict(
            key="r26.facilities_required",
            rule="R26",
            label=_("教学和实习实训设施（自有、租用或共用）"),
            actual=(
                str(application.get_facility_kind_display()) if has_facilities else _("未填写")
            ),
            required=_("须具备") if facilities_required else _("不要求"),
            passed=has_facilities or not facilities_required,
            applies=facilities_required,
            source=_source(profile["r26.facilities_required"]),
            field="facility_description",
        )
    )
    min_teachers = _int(profile["r43.min_full_time_teachers"])
    verdicts.append(
        Verdict(
            key="r43.min_full_time_teachers",
            rule="R43",
            label=_("能独立承担教学任务的专任教师"),
            actual=_("%(n)s 人") % {"n": application.full_time_teachers},
            required=(_("不少于 %(n)s 人") % {"n": min_teachers}) if min_teachers else _("不要求"),
            passed=application.full_time_teachers >= min_teachers,
            applies=min_teachers > 0,
            source=_source(profile["r43.min_full_time_teachers"]),
            field="full_time_teachers",
        )
    )
    for key, label, value, field_name in (
        (
            "r43.training_rooms_required",
            _("相关实训室"),
            application.has_training_rooms,
            "has_training_rooms",
        ),
        (
            "r43.internship_sites_required",
            _("相关实习实训场所"),
            application.has_internship_sites,
            "has_internship_sites",
        ),
    ):
        required = bool(profile[key].value)
        verdicts.append(
            Verdict(
                key=key,
                rule="R43",
                label=label,
                actual=_("有") if value else _("无"),
                required=_("须具备") if required else _("不要求"),
                passed=value or not required,
                applies=required,
                source=_source(profile[key]),
                field=field_name,
            )
        )
    return verdicts


def require_conditions(application: PilotApplication, *, on: dt.date | None = None) -> None:
    """Refuse with the rule of the first failed condition; the message names every failure."""
    failed = [v for v in evaluate_conditions(application, on=on) if not v.passed]
    if not failed:
        return
    parts = [
        _("%(label)s：实际 %(actual)s，要求 %(required)s〔%(rule)s〕")
        % {"label": v.label, "actual": v.actual, "required": v.required, "rule": v.rule}
        for v in failed
    ]
    raise RuleViolation(
        failed[0].rule,
        _("不符合试点申报条件。") + "；".join(parts) + "。",
        field=failed[0].field,
        details={"failed": [v.as_dict() for v in failed]},
    )


# --- selectors ------------------------------------------------------------------------------


def application_scope(*, actor: Actor) -> QuerySet[PilotApplication]:
    """Applications the actor may see: national all, a province or city its own region, a school
    its own, an org those for its certificates; learners none."""
    q = actor.region_q(
        province="province",
        city="city",
        unit="school__unit",
        extra=[(UnitKind.ORG, Q(certificate__org__unit=actor.unit_id))],
    )
    return PilotApplication.objects.filter(q)


def school_of(actor: Actor) -> School | None:
    """The school a school actor acts for (None for every other kind)."""
    if actor.kind != UnitKind.SCHOOL or actor.unit_id is None:
        return None
    return School.objects.select_related("province", "city").filter(unit_id=actor.unit_id).first()


def _with_related(qs: QuerySet[PilotApplication]) -> QuerySet[PilotApplication]:
    return qs.select_related(
        "school", "province", "city", "certificate", "certificate__batch", "specialty"
    )


def application_list(
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = None,
    certificate: int | str | None = None,
    province: str | None = None,
) -> QuerySet[PilotApplication]:
    qs = _with_related(application_scope(actor=actor))
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(school__name__icontains=q)
            | Q(school__code__startswith=q)
            | Q(certificate__name__icontains=q)
            | Q(specialty__name__icontains=q)
        )
    if status:
        if status not in ApplicationStatus.values:
            return qs.none()
        qs = qs.filter(status=status)
    if certificate not in (None, ""):
        text = str(certificate).strip()
        qs = qs.filter(Q(certificate__code=text) | Q(certificate_id=id_param(text) or 0))
    if province:
        qs = qs.filter(province__code=province)
    return qs.order_by("-updated_at", "-pk")


def application_get(*, actor: Actor, pk: int | str) -> PilotApplication:
    """One application, or NotFound outside the actor's jurisdiction."""
    return fetch(_with_related(application_scope(actor=actor)), pk=pk)


def application_timeline(application: PilotApplication) -> list[dict[str, Any]]:
    """The events as ``includes/timeline.html`` shows them."""
    labels = dict(ApplicationStatus.choices)
    actions = ACTION_LABELS
    events = application.events.select_related("user", "unit").order_by("at", "pk")
    return [
        {
            "at": e.at,
            "action": str(actions.get(e.action, e.action)),
            "actor": " · ".join(
                part
                for part in (
                    e.unit.name if e.unit else _("系统"),
                    (e.user.display_name or e.user.username) if e.user else "",
                )
                if part
            ),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": str(labels.get(e.to_status, e.to_status)),
        }
        for e in events
    ]


def applications_awaiting_review(*, actor: Actor) -> QuerySet[PilotApplication]:
    """What waits for this actor's decision: a city its first reviews, a province confirmations."""
    if actor.kind == UnitKind.CITY:
        status = ApplicationStatus.CITY_REVIEW
    elif actor.kind == UnitKind.PROVINCE:
        status = ApplicationStatus.SUBMITTED
    else:
        return PilotApplication.objects.none()
    return _with_related(application_scope(actor=actor)).filter(status=status)


def applications_returned(*, actor: Actor) -> QuerySet[PilotApplication]:
    """A school's applications sent back for changes."""
    if actor.kind != UnitKind.SCHOOL:
        return PilotApplication.objects.none()
    return _with_related(application_scope(actor=actor)).filter(status=ApplicationStatus.RETURNED)


def public_pilot_list(
    *,
    province: str | None = None,
    certificate: str | None = None,
    q: str | None = None,
) -> QuerySet[PilotApplication]:
    """The public list of published pilots (R32): no login, so no personal data leaves here."""
    qs = _with_related(PilotApplication.objects.filter(status=ApplicationStatus.PUBLISHED))
    if province:
        qs = qs.filter(province__code=province)
    if certificate:
        qs = qs.filter(certificate__code=certificate)
    if q:
        q = q.strip()
        qs = qs.filter(Q(school__name__icontains=q) | Q(certificate__name__icontains=q))
    return qs.order_by("province__code", "certificate__code", "school__name", "pk")


def public_filter_options() -> dict[str, list[tuple[str, str]]]:
    published = PilotApplication.objects.filter(status=ApplicationStatus.PUBLISHED)
    provinces = (
        published.order_by("province__code")
        .values_list("province__code", "province__name")
        .distinct()
    )
    certificates = (
        published.order_by("certificate__code")
        .values_list("certificate__code", "certificate__name")
        .distinct()
    )
    return {"provinces": list(provinces), "certificates": list(certificates)}


def enrolment_prefill(*, specialty: Specialty, on: dt.date | None = None) -> dict[str, int]:
    """The specialty's recorded enrolment for the years R26 looks at (profile's year count)."""
    on = on or timezone.localdate()
    count = _int(
        policy_entry("r26.consecutive_enrolment_years", province=specialty.school.province, on=on)
    )
    years = enrolment_years(on=on, count=count)
    rows = SpecialtyEnrolment.objects.filter(specialty=specialty, year__in=years)
    found = {row.year: row.students for row in rows}
    return {str(year): found.get(year, 0) for year in years}


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


ACTION_LABELS: dict[str, Any] = {
    "create": gettext_lazy("创建申请"),
    **{move.action: move.label for move in APPLICATION.moves},
}


def application_moves(*, actor: Actor, application: PilotApplication) -> list[str]:
    """The actions the actor may take now: the page's buttons and the API's ``moves``."""
    return APPLICATION.allowed_actions(application, actor)


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


def application_missing_fields(application: PilotApplication) -> list[str]:
    """Labels of the parts still empty; a submission needs them all."""
    checks = {
        _("培训团队人数"): application.team_size > 0,
        _("试点工作方案"): bool(application.work_plan.strip()),
        _("计划学生数"): application.planned_students > 0,
        _("联系人"): bool(application.contact_name.strip()),
        _("联系电话"): bool(application.contact_phone.strip()),
        _("培训等级"): bool(application.levels),
    }
    return [label for label, ok in checks.items() if not ok]


def _require_complete(application: PilotApplication) -> None:
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
    )


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


# --- summary table (R27) ----------------------------------------------------------------------

SUMMARY_HEADERS: tuple[str, ...] = (
    "省份",
    "学校",
    "学校标识码",
    "学校类型",
    "证书",
    "等级",
    "专业",
    "专任教师数",
    "双师型教师比例",
    "行业专家比例",
    "计划学生数",
    "联系人",
    "电话",
)


def summary_headers() -> list[str]:
    # The official form's Chinese headers whatever the UI language: the importer matches them.
    return [zh(_(h)) for h in SUMMARY_HEADERS]


def _can_see_summaries(actor: Actor) -> bool:
    return actor.is_national or actor.kind == UnitKind.PROVINCE


def _summary_province(actor: Actor, province: Division | None) -> Division:
    """The province whose table is asked for: a province its own; national actors name one."""
    actor.require(_can_see_summaries(actor), _("只有省级和国家级用户可以查看汇总表。"))
    if actor.kind == UnitKind.PROVINCE:
        if province is not None and province.pk != actor.province_id:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        assert actor.unit is not None and actor.unit.province is not None
        return actor.unit.province
    if province is None or province.level != DivisionLevel.PROVINCE:
        raise InvalidInput(_("请选择省份。"), field="province")
    return province


def summary_table_rows(*, actor: Actor, province: Division | None = None) -> list[list[Any]]:
    """The province's confirmed pilots as the thirteen columns of 附件2 (R27)."""
    province = _summary_province(actor, province)
    type_labels = dict(SchoolType.choices)
    qs = _with_related(
        application_scope(actor=actor).filter(province=province, status__in=CONFIRMED_STATUSES)
    ).order_by("school__code", "certificate__code", "specialty__code", "pk")
    return [
        [
            province.name,
            a.school.name,
            a.school.code,
            zh(type_labels.get(a.school.school_type, a.school.school_type)),
            a.certificate.name,
            levels_label(a.levels),
            a.specialty.name,
            a.full_time_teachers,
            ratio_text(dual_qualified_ratio(a)),
            ratio_text(industry_expert_ratio(a)),
            a.planned_students,
            a.contact_name,
            a.contact_phone,
        ]
        for a in qs
    ]


def summary_filename(province: Division) -> str:
    return _("%(province)s试点院校情况汇总表") % {"province": province.name}


def summary_export(*, actor: Actor, province: Division | None = None) -> HttpResponse:
    province = _summary_province(actor, province)
    rows = summary_table_rows(actor=actor, province=province)
    return export_response(
        filename=summary_filename(province),
        headers=summary_headers(),
        rows=rows,
        sheet=zh(_("试点院校情况汇总表")),
    )


def summary_deadline_entry(province: Division, *, on: dt.date | None = None) -> ProfileEntry:
    return policy_entry("r27.summary_table_deadline", province=province, on=on)


def summary_deadline(province: Division, *, on: dt.date | None = None) -> dt.date | None:
    value = summary_deadline_entry(province, on=on).value
    return value if isinstance(value, dt.date) else None


def summary_submit(*, actor: Actor, scan: File, note: str = "") -> SummarySubmission:
    """A province sends its summary table: the generated xlsx as it stands now and the stamped
    scan (PDF or image). After the profile's deadline the submission is accepted but flagged."""
    actor.require(actor.kind == UnitKind.PROVINCE, _("只有省级教育行政部门可以报送汇总表。"))
    actor.require_write()
    assert actor.unit is not None and actor.unit.province is not None
    province = actor.unit.province
    sniff_upload(scan, allowed=("pdf", "png", "jpeg"), field_name="scan")
    note = (note or "").strip()
    if len(note) > 300:
        raise InvalidInput(_("说明不能超过 300 个字符。"), field="note")
    today = timezone.localdate()
    with transaction.atomic():
        rows = summary_table_rows(actor=actor, province=province)
        if not rows:
            raise InvalidInput(_("本省还没有已确认的试点院校，汇总表为空，不能报送。"))
        deadline = summary_deadline(province, on=today)
        submission = SummarySubmission(
            province=province,
            source=SummarySource.GENERATED,
            row_count=len(rows),
            deadline=deadline,
            is_late=deadline is not None and today > deadline,
            note=note,
            submitted_by=actor.user,
            unit=actor.unit,
            submitted_at=timezone.now(),
        )
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            write_xlsx(
                path=tmp.name,
                headers=summary_headers(),
                rows=rows,
                sheet=zh(_("试点院校情况汇总表")),
            )
            with open(tmp.name, "rb") as handle:
                submission.snapshot.save(f"{province.code}.xlsx", File(handle), save=False)
        submission.scan.save(scan.name or "scan", scan, save=False)
        submission.save()
        SummaryRow.objects.bulk_create(
            [_summary_row(submission, i, values) for i, values in enumerate(rows, start=1)]
        )
        audit_record(
            actor=actor,
            action="pilots.summary.submit",
            target=submission,
            new={
                "province": province.code,
                "rows": len(rows),
                "deadline": deadline,
                "is_late": submission.is_late,
            },
        )
    return submission


def _parse_ratio_text(text: str) -> Decimal:
    return (Decimal(text.rstrip("%")) / 100).quantize(RATIO_PLACES)


def _summary_row(submission: SummarySubmission, position: int, values: Sequence[Any]) -> SummaryRow:
    return SummaryRow(
        submission=submission,
        position=position,
        province_name=values[0],
        school_name=values[1],
        school_code=values[2],
        school_type=values[3],
        certificate_name=values[4],
        levels=values[5],
        specialty_name=values[6],
        full_time_teachers=values[7],
        dual_qualified_ratio=(
            values[8] if isinstance(values[8], Decimal) else _parse_ratio_text(values[8])
        ),
        industry_expert_ratio=(
            values[9] if isinstance(values[9], Decimal) else _parse_ratio_text(values[9])
        ),
        planned_students=values[10],
        contact_name=values[11] or "",
        contact_phone=values[12] or "",
    )


def summary_row_values(row: SummaryRow) -> list[Any]:
    return [
        row.province_name,
        row.school_name,
        row.school_code,
        row.school_type,
        row.certificate_name,
        row.levels,
        row.specialty_name,
        row.full_time_teachers,
        ratio_text(row.dual_qualified_ratio),
        ratio_text(row.industry_expert_ratio),
        row.planned_students,
        row.contact_name,
        row.contact_phone,
    ]


def summary_submissions(*, actor: Actor) -> QuerySet[SummarySubmission]:
    """National actors see every province's submissions; a province its own; others none."""
    qs = SummarySubmission.objects.select_related("province", "submitted_by", "unit")
    if actor.is_national:
        return qs
    if actor.kind == UnitKind.PROVINCE:
        return qs.filter(province_id=actor.province_id)
    return qs.none()


def summary_submission_get(*, actor: Actor, pk: int | str) -> SummarySubmission:
    return fetch(summary_submissions(actor=actor), pk=pk)


def latest_submissions(*, actor: Actor) -> list[SummarySubmission]:
    """Each province's most recent submission: what the national table is built from."""
    qs = summary_submissions(actor=actor)
    latest = qs.values("province").annotate(last=Max("pk")).values_list("last", flat=True)
    return list(qs.filter(pk__in=list(latest)).order_by("province__code"))


def national_summary_rows(*, actor: Actor, province: Division | None = None) -> list[list[Any]]:
    """The national table: every province's latest submission, in province code order."""
    actor.require(actor.is_national, _("只有国家级用户可以导出全国汇总表。"))
    submissions = latest_submissions(actor=actor)
    if province is not None:
        submissions = [s for s in submissions if s.province_id == province.pk]
    rows = SummaryRow.objects.filter(submission__in=submissions).order_by(
        "submission__province__code", "position"
    )
    return [summary_row_values(row) for row in rows]


def national_summary_export(*, actor: Actor, province: Division | None = None) -> HttpResponse:
    rows = national_summary_rows(actor=actor, province=province)
    return export_response(
        filename=_("全国试点院校情况汇总表"),
        headers=summary_headers(),
        rows=rows,
        sheet=zh(_("试点院校情况汇总表")),
    )


def summary_import(
    *, actor: Actor, rows: Sequence[Mapping[str, Any]], snapshot: bytes | None = None
) -> list[SummarySubmission]:
    """Load provinces' tables sent outside the platform (the aggregator's importer calls this).

    One submission per province in the file, in the order its rows appear; caller holds the
    transaction. ``rows`` carry the importer's parsed values keyed by column key.
    """
    actor.require(actor.is_national, _("只有国家级用户可以导入省级汇总表。"))
    actor.require_write()
    by_province: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    provinces: dict[int, Division] = {}
    for values in rows:
        province: Division = values["province"]
        provinces[province.pk] = province
        by_province[province.pk].append(values)
    created: list[SummarySubmission] = []
    now = timezone.now()
    snapshot_name = ""
    for pk, province_rows in by_province.items():
        province = provinces[pk]
        submission = SummarySubmission.objects.create(
            province=province,
            source=SummarySource.IMPORTED,
            row_count=len(province_rows),
            deadline=summary_deadline(province),
            is_late=False,
            note=_("由汇总机构导入"),
            submitted_by=actor.user,
            unit=actor.unit,
            submitted_at=now,
        )
        if snapshot:
            # Its own copy, stored once for all provinces of the file: the import job's file
            # is sealed and deleted after the retention period, the submission's stays.
            if snapshot_name:
                submission.snapshot.name = snapshot_name
            else:
                submission.snapshot.save("imported.xlsx", ContentFile(snapshot), save=False)
                snapshot_name = submission.snapshot.name or ""
            submission.save(update_fields=["snapshot"])
        SummaryRow.objects.bulk_create(
            [
                _summary_row(
                    submission,
                    i,
                    [
                        province.name,
                        v["school_name"],
                        v["school_code"],
                        v["school_type"],
                        v["certificate_name"],
                        v["levels"],
                        v["specialty_name"],
                        v["full_time_teachers"],
                        v["dual_qualified_ratio"],
                        v["industry_expert_ratio"],
                        v["planned_students"],
                        v["contact_name"],
                        v["contact_phone"],
                    ],
                )
                for i, v in enumerate(province_rows, start=1)
            ]
        )
        audit_record(
            actor=actor,
            action="pilots.summary.import",
            target=submission,
            new={"province": province.code, "rows": len(province_rows)},
        )
        created.append(submission)
    return created


# --- distribution by field (R28) ------------------------------------------------------------


@dataclass(frozen=True)
class FieldShare:
    field: str
    count: int
    share: Decimal
    flagged: bool

    @property
    def share_text(self) -> str:
        return ratio_text(self.share)


@dataclass(frozen=True)
class Distribution:
    province: Division | None
    total: int
    threshold: Decimal
    threshold_source: str
    rows: list[FieldShare]

    @property
    def threshold_text(self) -> str:
        return ratio_text(self.threshold)

    @property
    def flagged(self) -> list[FieldShare]:
        return [r for r in self.rows if r.flagged]

    def chart(self) -> dict[str, Any]:
        """The data ``static/onex/charts.js`` draws."""
        return {
            "title": _("试点按证书领域分布"),
            "seriesName": _("试点数"),
            "categories": [r.field for r in self.rows],
            "values": [r.count for r in self.rows],
            "kind": "bar",
        }


def pilot_distribution(*, actor: Actor, province: Division | None = None) -> Distribution:
    """Confirmed pilots (school × certificate × specialty) by certificate field; a field whose
    share exceeds the profile's threshold is flagged (R28: pilots should not concentrate)."""
    actor.require(_can_see_summaries(actor), _("只有省级和国家级用户可以查看试点分布。"))
    qs = application_scope(actor=actor).filter(status__in=CONFIRMED_STATUSES)
    if actor.kind == UnitKind.PROVINCE:
        assert actor.unit is not None
        province = actor.unit.province
    elif province is not None:
        qs = qs.filter(province=province)
    counts = list(
        qs.values("certificate__field").annotate(n=Count("pk")).order_by("-n", "certificate__field")
    )
    total = sum(row["n"] for row in counts)
    entry = policy_entry("r28.field_concentration_share_max", province=province)
    threshold = _decimal(entry)
    rows = []
    for row in counts:
        share = ratio(row["n"], total)
        rows.append(
            FieldShare(
                field=row["certificate__field"] or _("未分类"),
                count=row["n"],
                share=share,
                # Exact comparison (count / total > threshold) so rounding never hides a flag.
                flagged=Decimal(row["n"]) > threshold * total,
            )
        )
    return Distribution(
        province=province,
        total=total,
        threshold=threshold,
        threshold_source=_source(entry),
        rows=rows,
    )


# --- to-do items for the dashboard ------------------------------------------------------------


def application_todos(*, actor: Actor) -> list[TodoItem]:
    """Dashboard to-dos: reviews awaiting a city or province, returned applications of a school."""
    items: list[TodoItem] = []
    if not actor.can_write:
        return items
    awaiting = applications_awaiting_review(actor=actor).count()
    if awaiting:
        status = (
            ApplicationStatus.CITY_REVIEW
            if actor.kind == UnitKind.CITY
            else ApplicationStatus.SUBMITTED
        )
        items.append(
            TodoItem(
                title=_("待市级初审的试点申请")
                if actor.kind == UnitKind.CITY
                else _("待省级确认的试点申请"),
                count=awaiting,
                url=todo_url("pilots:application_list", f"status={status}"),
                tone="warning",
            )
        )
    returned = applications_returned(actor=actor).count()
    if returned:
        items.append(
            TodoItem(
                title=_("已退回待修改的试点申请"),
                count=returned,
                url=todo_url("pilots:application_list", f"status={ApplicationStatus.RETURNED}"),
                tone="danger",
                note=_("请按退回原因修改后重新提交。"),
            )
        )
    return items
