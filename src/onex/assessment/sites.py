"""Assessment plans, site conditions, site applications, registered sites, coverage.

Rules: R09 (plan published), R10 (school applies, org and province agree, site registered),
R11 (coverage of prefecture-level cities), R12 (no designated brands). Other apps call
``registered_sites`` and ``plan_for``/``plan_verdict``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.fees import fee_versions_to_review
from onex.assessment.models import (
    AssessmentPlan,
    BrandComplaint,
    BrandComplaintAttachment,
    BrandWord,
    ComplaintStatus,
    ExamFormat,
    Site,
    SiteApplication,
    SiteApplicationEvent,
    SiteApplicationStatus,
    SiteCertificate,
    SiteCondition,
    SiteStatus,
)
from onex.catalog.models import LEVEL_ORDER, Certificate, CertificateLevel, Level, Org
from onex.catalog.services import (
    require_org_agreement,
    require_org_filing,
    sniff_upload,
)
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School
from onex.pilots.models.applications import CONFIRMED_STATUSES
from onex.pilots.selectors.applications import application_scope

# --- permissions ---------------------------------------------------------------------------


def _require_org_member(actor: Actor, org: Org) -> None:
    actor.require(
        actor.is_system or (actor.kind == UnitKind.ORG and actor.unit_id == org.unit_id),
        _("只有该证书的培训评价组织可以执行此操作。"),
    )
    actor.require_write()


def _require_school_member(actor: Actor, school: School) -> None:
    actor.require(
        actor.is_system or (actor.kind == UnitKind.SCHOOL and actor.unit_id == school.unit_id),
        _("只有该学校的用户可以执行此操作。"),
    )
    actor.require_write()


def _require_province_of(actor: Actor, province_id: int) -> None:
    actor.require(
        actor.is_system or (actor.kind == UnitKind.PROVINCE and actor.province_id == province_id),
        _("只有所在省份的教育行政部门可以执行此操作。"),
    )
    actor.require_write()


def org_for_actor(actor: Actor) -> Org | None:
    if actor.kind != UnitKind.ORG or actor.unit is None:
        return None
    return Org.objects.filter(unit=actor.unit).first()


# --- small parsers -------------------------------------------------------------------------


def _percent(value: Decimal | int | str, field_name: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("请输入 0 到 100 之间的数字。"), field=field_name) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise InvalidInput(_("请输入 0 到 100 之间的数字。"), field=field_name)
    if number != number.quantize(Decimal("0.01")):
        raise InvalidInput(_("最多保留两位小数。"), field=field_name)
    return number.quantize(Decimal("0.01"))


def _positive(value: int, field_name: str, label: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidInput(_("%(label)s必须是正整数。") % {"label": label}, field=field_name)
    return value


def _clean_levels(certificate: Certificate, levels: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(levels))
    if not chosen:
        raise InvalidInput(_("请至少选择一个等级。"), field="levels")
    unknown = [lv for lv in chosen if lv not in Level.values]
    if unknown:
        raise InvalidInput(_("未知的等级。"), field="levels")
    offered = set(
        CertificateLevel.objects.filter(certificate=certificate).values_list("level", flat=True)
    )
    missing = [lv for lv in chosen if lv not in offered]
    if missing:
        labels = "、".join(str(Level(lv).label) for lv in missing)
        raise InvalidInput(
            _("证书“%(c)s”没有%(levels)s等级。") % {"c": certificate.name, "levels": labels},
            field="levels",
        )
    return sorted(chosen, key=LEVEL_ORDER.index)


# --- R09: assessment plans -----------------------------------------------------------------


@dataclass(frozen=True)
class PlanInput:
    exam_format: str
    duration_minutes: int
    theory_weight: Decimal | int | str
    practical_weight: Decimal | int | str
    theory_pass: Decimal | int | str
    practical_pass: Decimal | int | str
    mock_platform_url: str
    notes: str = ""


def _plan_view(plan: AssessmentPlan) -> dict[str, Any]:
    return {
        "certificate": plan.certificate_id,
        "exam_format": plan.exam_format,
        "duration_minutes": plan.duration_minutes,
        "theory_weight": plan.theory_weight,
        "practical_weight": plan.practical_weight,
        "theory_pass": plan.theory_pass,
        "practical_pass": plan.practical_pass,
        "mock_platform_url": plan.mock_platform_url,
    }


def _clean_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 300:
        raise InvalidInput(
            _("请填写以 http:// 或 https:// 开头的模拟考核平台地址。"), field="mock_platform_url"
        )
    return url


def plan_publish(*, actor: Actor, certificate: Certificate, data: PlanInput) -> AssessmentPlan:
    """The certificate's org publishes (or revises) its assessment plan (R09; R18 first)."""
    org = certificate.org
    _require_org_member(actor, org)
    if data.exam_format not in ExamFormat.values:
        raise InvalidInput(_("未知的考核形式。"), field="exam_format")
    duration = _positive(data.duration_minutes, "duration_minutes", _("考核时长"))
    if duration > 24 * 60:
        raise InvalidInput(_("考核时长不能超过 1440 分钟。"), field="duration_minutes")
    theory_weight = _percent(data.theory_weight, "theory_weight")
    practical_weight = _percent(data.practical_weight, "practical_weight")
    if theory_weight + practical_weight != 100:
        raise InvalidInput(
            _("理论权重与实操权重之和应为 100%%，当前为 %(sum)s%%。")
            % {"sum": theory_weight + practical_weight},
            field="practical_weight",
        )
    values = {
        "exam_format": data.exam_format,
        "duration_minutes": duration,
        "theory_weight": theory_weight,
        "practical_weight": practical_weight,
        "theory_pass": _percent(data.theory_pass, "theory_pass"),
        "practical_pass": _percent(data.practical_pass, "practical_pass"),
        "mock_platform_url": _clean_url(data.mock_platform_url),
        "notes": data.notes.strip(),
    }
    require_org_agreement(org)  # R18: no agreement, no activity
    return _publish(
        AssessmentPlan,
        _plan_view,
        actor=actor,
        action="assessment.plan.publish",
        certificate=certificate,
        org=org,
        values=values,
    )


_Published = TypeVar("_Published", AssessmentPlan, SiteCondition)


def _publish(
    model: type[_Published],
    view: Callable[[_Published], dict[str, Any]],
    *,
    actor: Actor,
    action: str,
    certificate: Certificate,
    org: Org,
    values: Mapping[str, Any],
) -> _Published:
    """Create or replace the certificate's one published plan or condition, audited old → new."""
    now = timezone.now()
    with transaction.atomic():
        row = model.objects.select_for_update().filter(certificate=certificate).first()
        old = view(row) if row else None
        if row is None:
            row = model(certificate=certificate, org=org, published_at=now)
        for name, value in values.items():
            setattr(row, name, value)
        row.org = org
        row.updated_at = now
        row.save()
        audit_record(actor=actor, action=action, target=row, old=old, new=view(row))
    return row


def plan_for(certificate: Certificate) -> AssessmentPlan | None:
    """The certificate's published assessment plan (public), or None."""
    return AssessmentPlan.objects.filter(certificate=certificate).first()


def plan_verdict(*, plan: AssessmentPlan, theory: Decimal, practical: Decimal) -> bool:
    """Pass when both parts reach the plan's pass lines (the exams engineer computes results)."""
    return theory >= plan.theory_pass and practical >= plan.practical_pass


def plan_list(*, q: str = "") -> QuerySet[AssessmentPlan]:
    """Published plans, public."""
    qs = AssessmentPlan.objects.select_related("certificate", "org")
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(certificate__name__icontains=term)
            | Q(certificate__code__iexact=term)
            | Q(org__name__icontains=term)
        )
    return qs.order_by("certificate__code")


# --- R12: brand words ----------------------------------------------------------------------

# Shipped defaults; admins edit the table (the first edit copies these in).
DEFAULT_BRAND_PHRASES: tuple[str, ...] = (
    "指定品牌",
    "指定厂家",
    "指定供应商",
    "型号",
    "必须采购",
    "须采购",
    "原厂",
    "授权经销商",
)
DEFAULT_BRAND_PATTERNS: tuple[str, ...] = (
    # Model designations such as IRB120, KR6-R900, S7-1200: letters followed by digits.
    r"\b[A-Za-z]{1,6}-?\d{2,}[A-Za-z0-9-]*\b",
    r"品牌[:：]",
)


def _normalize(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _seed_brand_words() -> None:
    for word in DEFAULT_BRAND_PHRASES:
        BrandWord.objects.get_or_create(word=word, defaults={"is_pattern": False})
    for pattern in DEFAULT_BRAND_PATTERNS:
        BrandWord.objects.get_or_create(word=pattern, defaults={"is_pattern": True})


def active_brand_words() -> tuple[list[str], list[str]]:
    """(phrases, patterns) in force. An empty table means the shipped defaults."""
    if not BrandWord.objects.exists():
        return list(DEFAULT_BRAND_PHRASES), list(DEFAULT_BRAND_PATTERNS)
    rows = list(BrandWord.objects.filter(is_active=True).values_list("word", "is_pattern"))
    return [w for w, p in rows if not p], [w for w, p in rows if p]


def find_brand_terms(text: str) -> list[str]:
    """Brand words and model designations found in ``text`` (R12)."""
    normalized = unicodedata.normalize("NFKC", text)
    compact = _normalize(text)
    phrases, patterns = active_brand_words()
    found = [p for p in phrases if p and _normalize(p).casefold() in compact.casefold()]
    for pattern in patterns:
        try:
            found.extend(m.group(0) for m in re.finditer(pattern, normalized, flags=re.IGNORECASE))
        except re.error:  # a bad admin pattern must not block every publication
            continue
    return list(dict.fromkeys(found))


def check_brand_free(texts: Iterable[str], *, field: str) -> None:
    found: list[str] = []
    for text in texts:
        found.extend(find_brand_terms(text))
    found = list(dict.fromkeys(found))
    if found:
        raise RuleViolation(
            "R12",
            _(
                "站点条件不得要求指定品牌或型号，发现“%(terms)s”。"
                "请按功能和通用技术要求描述设备设施。"
            )
            % {"terms": "”“".join(found)},
            field=field,
            details={"terms": found},
        )


def _require_ministry_admin(actor: Actor) -> None:
    actor.require_kind(UnitKind.MINISTRY)
    actor.require(actor.is_admin, _("只有管理员可以维护品牌禁用词。"))


def brand_word_add(*, actor: Actor, word: str, is_pattern: bool = False) -> BrandWord:
    _require_ministry_admin(actor)
    word = word.strip()
    if not word or len(word) > 100:
        raise InvalidInput(_("请填写 1 到 100 个字符。"), field="word")
    if is_pattern:
        try:
            re.compile(word)
        except re.error:
            raise InvalidInput(_("正则表达式无效。"), field="word") from None
    with transaction.atomic():
        _seed_brand_words()  # the first admin edit must not silently drop the defaults
        row, _created = BrandWord.objects.update_or_create(
            word=word, defaults={"is_active": True, "is_pattern": is_pattern}
        )
        audit_record(
            actor=actor,
            action="assessment.brand_word.add",
            target=row,
            new={"word": word, "is_pattern": is_pattern},
        )
    return row


def brand_word_set_active(*, actor: Actor, word: BrandWord, is_active: bool) -> BrandWord:
    _require_ministry_admin(actor)
    with transaction.atomic():
        row = BrandWord.objects.select_for_update().get(pk=word.pk)
        old = row.is_active
        row.is_active = is_active
        row.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="assessment.brand_word.set_active",
            target=row,
            old={"is_active": old},
            new={"is_active": is_active},
        )
    return row


def brand_word_list() -> list[BrandWord]:
    """Rows for the admin page; with an empty table, the defaults (unsaved) so admins see them."""
    rows = list(BrandWord.objects.all())
    if rows:
        return rows
    return [BrandWord(word=w, is_pattern=False) for w in DEFAULT_BRAND_PHRASES] + [
        BrandWord(word=p, is_pattern=True) for p in DEFAULT_BRAND_PATTERNS
    ]


def brand_word_get(*, pk: int) -> BrandWord:
    return fetch(BrandWord.objects.all(), pk=pk)


# --- R10/R12: site conditions --------------------------------------------------------------


def _clean_equipment(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(items, start=1):
        function = str(item.get("function", "")).strip()
        spec = str(item.get("spec", "")).strip()
        raw_quantity = item.get("quantity", 0)
        try:
            quantity = int(str(raw_quantity).strip())
        except (TypeError, ValueError):
            quantity = 0
        if not function or quantity <= 0:
            raise InvalidInput(
                _("第 %(n)s 项设备：请填写功能和正整数数量。") % {"n": index}, field="equipment"
            )
        cleaned.append({"function": function[:100], "spec": spec[:300], "quantity": quantity})
    return cleaned


def _condition_view(condition: SiteCondition) -> dict[str, Any]:
    return {
        "certificate": condition.certificate_id,
        "rooms": condition.rooms,
        "seats": condition.seats,
        "equipment": condition.equipment,
        "notes": condition.notes,
    }


def condition_publish(
    *,
    actor: Actor,
    certificate: Certificate,
    rooms: int,
    seats: int,
    equipment: Sequence[Mapping[str, Any]],
    notes: str = "",
) -> SiteCondition:
    """The org publishes the site conditions for a certificate, by function only (R10, R12)."""
    org = certificate.org
    _require_org_member(actor, org)
    rooms = _positive(rooms, "rooms", _("考场数量"))
    seats = _positive(seats, "seats", _("考位数量"))
    items = _clean_equipment(equipment)
    if not items:
        raise InvalidInput(_("请至少列出一项设备设施。"), field="equipment")
    # R12: no brand or model may be required, in any text of the conditions.
    check_brand_free([f"{i['function']} {i['spec']}" for i in items], field="equipment")
    check_brand_free([notes], field="notes")
    require_org_agreement(org)
    return _publish(
        SiteCondition,
        _condition_view,
        actor=actor,
        action="assessment.condition.publish",
        certificate=certificate,
        org=org,
        values={"rooms": rooms, "seats": seats, "equipment": items, "notes": notes.strip()},
    )


def condition_for(certificate: Certificate) -> SiteCondition | None:
    return SiteCondition.objects.filter(certificate=certificate).first()


# --- R12: brand complaints -----------------------------------------------------------------


def complaint_submit(
    *,
    actor: Actor,
    school: School,
    org: Org,
    text: str,
    certificate: Certificate | None = None,
    attachments: Sequence[File] = (),
) -> BrandComplaint:
    """A school reports an org for bundling designated-brand purchases (R12)."""
    _require_school_member(actor, school)
    text = text.strip()
    if len(text) < 5:
        raise InvalidInput(_("请具体描述反映的问题（至少 5 个字）。"), field="text")
    if certificate is not None and certificate.org_id != org.pk:
        raise InvalidInput(_("该证书不属于所选培训评价组织。"), field="certificate")
    if len(attachments) > 5:
        raise InvalidInput(_("最多上传 5 个附件。"), field="attachments")
    for upload in attachments:
        sniff_upload(upload, allowed=("pdf", "png", "jpeg"), field_name="attachments")
    with transaction.atomic():
        complaint = BrandComplaint.objects.create(
            school=school,
            province_id=school.province_id,
            org=org,
            certificate=certificate,
            text=text,
            created_by=actor.user,
        )
        for upload in attachments:
            row = BrandComplaintAttachment(complaint=complaint, size=upload.size or 0)
            row.file.save(upload.name or "attachment", upload, save=False)
            row.save()
        audit_record(
            actor=actor,
            action="assessment.complaint.submit",
            target=complaint,
            new={
                "school": school.pk,
                "org": org.pk,
                "certificate": certificate.pk if certificate else None,
                "attachments": len(attachments),
            },
        )
    return complaint


def complaint_handle(*, actor: Actor, complaint: BrandComplaint, note: str) -> BrandComplaint:
    """The school's province (or the Ministry) records how the complaint was handled."""
    actor.require(
        actor.is_system
        or actor.kind == UnitKind.MINISTRY
        or (actor.kind == UnitKind.PROVINCE and actor.province_id == complaint.province_id),
        _("只有学校所在省份的教育行政部门或教育部可以处理。"),
    )
    actor.require_write()
    note = note.strip()
    if not note:
        raise InvalidInput(_("请填写处理意见。"), field="note")
    with transaction.atomic():
        locked = BrandComplaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status != ComplaintStatus.OPEN:
            raise Conflict(_("该反映已处理。"))
        locked.status = ComplaintStatus.HANDLED
        locked.handled_note = note
        locked.handled_by = actor.unit
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "handled_note", "handled_by", "handled_at"])
        audit_record(
            actor=actor,
            action="assessment.complaint.handle",
            target=locked,
            old={"status": ComplaintStatus.OPEN},
            new={"status": locked.status, "note": note},
        )
    return locked


def complaint_list(*, actor: Actor, status: str = "", q: str = "") -> QuerySet[BrandComplaint]:
    """Visible to the Ministry, the school's province and the school itself (not the org)."""
    scope = actor.region_q(province="province", city=None, unit="school__unit")
    if actor.kind in (UnitKind.ORG, UnitKind.LEARNER, UnitKind.CITY):
        scope = Q(pk__in=[])
    qs = BrandComplaint.objects.filter(scope).select_related(
        "school", "org", "certificate", "province", "handled_by"
    )
    if status in ComplaintStatus.values:
        qs = qs.filter(status=status)
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(school__name__icontains=term) | Q(org__name__icontains=term) | Q(text__icontains=term)
        )
    return qs.order_by("-created_at", "-pk")


def complaint_get(*, actor: Actor, pk: int) -> BrandComplaint:
    return fetch(complaint_list(actor=actor), pk=pk)


# --- R10: site applications ----------------------------------------------------------------


@dataclass(frozen=True)
class SiteInput:
    levels: Sequence[str]
    address: str
    seats: int
    rooms: int
    notes: str = ""


def _application_view(application: SiteApplication) -> dict[str, Any]:
    return {
        "school": application.school_id,
        "certificate": application.certificate_id,
        "levels": application.levels,
        "address": application.address,
        "seats": application.seats,
        "rooms": application.rooms,
        "status": application.status,
    }


def _site_event(
    application: SiteApplication, actor: Actor, action: str, from_status: str, reason: str = ""
) -> None:
    SiteApplicationEvent.record(
        actor=actor,
        application=application,
        action=action,
        from_status=from_status,
        to_status=application.status,
        reason=reason,
    )


def _check_site_input(certificate: Certificate, data: SiteInput) -> dict[str, Any]:
    address = data.address.strip()
    if not address:
        raise InvalidInput(_("请填写站点地址。"), field="address")
    levels = _clean_levels(certificate, data.levels)
    seats = _positive(data.seats, "seats", _("考位数"))
    rooms = _positive(data.rooms, "rooms", _("考场数"))
    condition = condition_for(certificate)
    if condition is None:
        raise RuleViolation(
            "R10",
            _("培训评价组织尚未公布证书“%(c)s”的考核站点条件，暂不能申报。")
            % {"c": certificate.name},
            field="certificate",
        )
    # R10: the school applies against the published conditions.
    if seats < condition.seats:
        raise RuleViolation(
            "R10",
            _("考位数 %(have)s 低于站点条件要求的 %(need)s 个。")
            % {"have": seats, "need": condition.seats},
            field="seats",
        )
    if rooms < condition.rooms:
        raise RuleViolation(
            "R10",
            _("考场数 %(have)s 低于站点条件要求的 %(need)s 个。")
            % {"have": rooms, "need": condition.rooms},
            field="rooms",
        )
    return {
        "levels": levels,
        "address": address[:300],
        "seats": seats,
        "rooms": rooms,
        "notes": data.notes.strip(),
    }


_LIVE = (
    SiteApplicationStatus.SUBMITTED,
    SiteApplicationStatus.ORG_APPROVED,
    SiteApplicationStatus.RETURNED,
)


def site_application_submit(
    *, actor: Actor, school: School, certificate: Certificate, data: SiteInput
) -> SiteApplication:
    """A school applies to be an assessment site for a certificate (R10)."""
    _require_school_member(actor, school)
    values = _check_site_input(certificate, data)
    with transaction.atomic():
        # Lock the school's row so two parallel submissions cannot both pass the check.
        School.objects.select_for_update().get(pk=school.pk)
        if SiteApplication.objects.filter(
            school=school, certificate=certificate, status__in=_LIVE
        ).exists():
            raise Conflict(_("该证书已有办理中的站点申请，请在原申请上修改。"))
        application = SiteApplication.objects.create(
            school=school,
            certificate=certificate,
            org_id=certificate.org_id,
            province_id=school.province_id,
            city_id=school.city_id,
            submitted_at=timezone.now(),
            **values,
        )
        _site_event(application, actor, "submit", "")
        audit_record(
            actor=actor,
            action="assessment.site_application.submit",
            target=application,
            new=_application_view(application),
        )
    return application


def _locked_application(application: SiteApplication) -> SiteApplication:
    return (
        SiteApplication.objects.select_for_update()
        .select_related("org", "certificate", "school", "province")
        .get(pk=application.pk)
    )


def site_application_resubmit(
    *, actor: Actor, application: SiteApplication, data: SiteInput
) -> SiteApplication:
    """The school corrects a returned application and submits it again to the org."""
    _require_school_member(actor, application.school)
    values = _check_site_input(application.certificate, data)
    with transaction.atomic():
        locked = _locked_application(application)
        if locked.status != SiteApplicationStatus.RETURNED:
            raise Conflict(_("只有已退回的申请可以重新提交。"))
        old = _application_view(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.status = SiteApplicationStatus.SUBMITTED
        locked.return_reason = ""
        locked.submitted_at = timezone.now()
        locked.save()
        _site_event(locked, actor, "resubmit", SiteApplicationStatus.RETURNED)
        audit_record(
            actor=actor,
            action="assessment.site_application.resubmit",
            target=locked,
            old=old,
            new=_application_view(locked),
        )
    return locked


def site_application_org_approve(*, actor: Actor, application: SiteApplication) -> SiteApplication:
    """The org agrees to the school as a site; the province decides next (R10)."""
    _require_org_member(actor, application.org)
    with transaction.atomic():
        locked = _locked_application(application)
        if locked.status != SiteApplicationStatus.SUBMITTED:
            raise Conflict(_("只有待组织审核的申请可以通过。"))
        require_org_agreement(locked.org)
        locked.status = SiteApplicationStatus.ORG_APPROVED
        locked.save(update_fields=["status"])
        _site_event(locked, actor, "org_approve", SiteApplicationStatus.SUBMITTED)
        audit_record(
            actor=actor,
            action="assessment.site_application.org_approve",
            target=locked,
            old={"status": SiteApplicationStatus.SUBMITTED},
            new={"status": locked.status},
        )
    return locked


def site_application_return(
    *, actor: Actor, application: SiteApplication, reason: str
) -> SiteApplication:
    """The org (at its step) or the province (at its step) returns the application."""
    reason = reason.strip()
    with transaction.atomic():
        locked = _locked_application(application)
        # Who may return depends on whose step it is now, so decide on the locked row.
        if locked.status == SiteApplicationStatus.SUBMITTED:
            _require_org_member(actor, locked.org)
        elif locked.status == SiteApplicationStatus.ORG_APPROVED:
            _require_province_of(actor, locked.province_id)
        else:
            raise Conflict(_("该申请当前状态不能退回。"))
        if not reason:
            raise InvalidInput(_("退回时必须填写原因。"), field="reason")
        old_status = locked.status
        locked.status = SiteApplicationStatus.RETURNED
        locked.return_reason = reason
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "return_reason", "decided_at"])
        _site_event(locked, actor, "return", old_status, reason)
        audit_record(
            actor=actor,
            action="assessment.site_application.return",
            target=locked,
            old={"status": old_status},
            new={"status": locked.status, "reason": reason},
        )
    return locked


def _next_site_code(province: Division) -> str:
    # The caller holds the province row's lock, so serials are handed out one at a time.
    prefix = province.code[:2]
    codes = Site.objects.filter(code__startswith=prefix, code__regex=r"^\d{6}$").values_list(
        "code", flat=True
    )
    serial = max((int(code[2:]) for code in codes), default=0) + 1
    if serial > 9999:
        raise Conflict(_("本省站点编码已用尽。"))
    return f"{prefix}{serial:04d}"


def site_application_province_approve(
    *, actor: Actor, application: SiteApplication
) -> SiteApplication:
    """The province approves: the site is registered with a code (R10; R38 filing required)."""
    _require_province_of(actor, application.province_id)
    with transaction.atomic():
        locked = _locked_application(application)
        if locked.status != SiteApplicationStatus.ORG_APPROVED:
            raise Conflict(_("只有培训评价组织已同意的申请可以由省级审核通过。"))
        require_org_agreement(locked.org)
        require_org_filing(locked.org, locked.province, locked.certificate)  # R38
        Division.objects.select_for_update().get(pk=locked.province_id)
        now = timezone.now()
        site = Site.objects.select_for_update().filter(school_id=locked.school_id).first()
        old_site = (
            {"code": site.code, "address": site.address, "seats": site.seats} if site else None
        )
        if site is None:
            site = Site(
                school_id=locked.school_id,
                province_id=locked.province_id,
                city_id=locked.city_id,
                code=_next_site_code(locked.province),
                registered_at=now,
            )
        site.address = locked.address
        site.seats = locked.seats
        site.rooms = locked.rooms
        site.status = SiteStatus.ACTIVE
        site.save()
        for level in locked.levels:
            SiteCertificate.objects.get_or_create(
                site=site,
                certificate_id=locked.certificate_id,
                level=level,
                defaults={"application": locked},
            )
        locked.status = SiteApplicationStatus.APPROVED
        locked.site = site
        locked.decided_at = now
        locked.save(update_fields=["status", "site", "decided_at"])
        _site_event(locked, actor, "approve", SiteApplicationStatus.ORG_APPROVED, site.code)
        audit_record(
            actor=actor,
            action="assessment.site_application.approve",
            target=locked,
            old={"status": SiteApplicationStatus.ORG_APPROVED, "site": old_site},
            new={
                "status": locked.status,
                "site": site.code,
                "certificate": locked.certificate_id,
                "levels": locked.levels,
            },
        )
    return locked


def _application_scope(actor: Actor) -> Q:
    extra: list[tuple[str, Q]] = []
    if actor.unit is not None:
        extra = [
            (UnitKind.ORG, Q(org__unit=actor.unit)),
            (UnitKind.SCHOOL, Q(school__unit=actor.unit)),
        ]
    return actor.region_q(province="province", city="city", extra=extra)


def site_application_list(
    *, actor: Actor, status: str = "", q: str = "", certificate: Certificate | None = None
) -> QuerySet[SiteApplication]:
    qs = SiteApplication.objects.filter(_application_scope(actor)).select_related(
        "school", "certificate", "org", "province", "city", "site"
    )
    if status in SiteApplicationStatus.values:
        qs = qs.filter(status=status)
    if certificate is not None:
        qs = qs.filter(certificate=certificate)
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(school__name__icontains=term)
            | Q(certificate__name__icontains=term)
            | Q(address__icontains=term)
        )
    return qs.order_by("-submitted_at", "-pk")


def site_application_get(*, actor: Actor, pk: int) -> SiteApplication:
    return fetch(site_application_list(actor=actor), pk=pk)


def site_applications_to_review(*, actor: Actor) -> QuerySet[SiteApplication]:
    """The actor's to-do: the org's submitted ones, the province's org-approved ones."""
    if actor.kind == UnitKind.ORG:
        return site_application_list(actor=actor, status=SiteApplicationStatus.SUBMITTED)
    if actor.kind == UnitKind.PROVINCE:
        return site_application_list(actor=actor, status=SiteApplicationStatus.ORG_APPROVED)
    return SiteApplication.objects.none()


# --- registered sites (public once registered: R10 "on the platform") ------------------------


def registered_sites(
    *,
    province: Division | None = None,
    certificate: Certificate | None = None,
    level: str | None = None,
) -> QuerySet[Site]:
    """Active registered sites, optionally for a province and a certificate (and level)."""
    qs = Site.objects.filter(status=SiteStatus.ACTIVE)
    if province is not None:
        qs = qs.filter(province=province)
    if certificate is not None or level is not None:
        lines = SiteCertificate.objects.all()
        if certificate is not None:
            lines = lines.filter(certificate=certificate)
        if level is not None:
            lines = lines.filter(level=level)
        qs = qs.filter(pk__in=lines.values("site_id"))
    return qs.select_related("school", "province", "city").order_by("code")


def site_list(
    *,
    q: str = "",
    province: Division | None = None,
    certificate: Certificate | None = None,
) -> QuerySet[Site]:
    qs = registered_sites(province=province, certificate=certificate).prefetch_related(
        "certificates__certificate"
    )
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(code__iexact=term)
            | Q(school__name__icontains=term)
            | Q(address__icontains=term)
            | Q(city__name__icontains=term)
        )
    return qs


def site_get(*, pk: int) -> Site:
    return fetch(site_list(), pk=pk)


def site_certificate_lines(site: Site) -> list[tuple[Certificate, list[str]]]:
    """(certificate, level labels) of a site, from its prefetched lines."""
    grouped: dict[int, tuple[Certificate, list[str]]] = {}
    for line in site.certificates.all():
        entry = grouped.setdefault(line.certificate_id, (line.certificate, []))
        entry[1].append(str(line.get_level_display()))
    return list(grouped.values())


# --- R11: coverage -------------------------------------------------------------------------


def confirmed_pilot_counts(
    *, province_id: int | None = None, certificate_id: int | None = None
) -> dict[tuple[int, int, int], int]:
    """Confirmed pilot schools per (province, certificate, city).

    Adapter over the pilots app: its ``application_scope`` selector (with the platform's national
    reach) in the confirmed statuses, since it offers no per-city count of confirmed pilots.
    """
    qs = application_scope(actor=Actor.system()).filter(status__in=CONFIRMED_STATUSES)
    if province_id is not None:
        qs = qs.filter(province_id=province_id)
    if certificate_id is not None:
        qs = qs.filter(certificate_id=certificate_id)
    rows = qs.values("province_id", "certificate_id", "city_id").annotate(
        n=Count("school_id", distinct=True)
    )
    return {(r["province_id"], r["certificate_id"], r["city_id"]): r["n"] for r in rows}


@dataclass(frozen=True)
class CoverageRow:
    province: Division
    city: Division
    certificate: Certificate
    pilot_schools: int
    sites: int

    @property
    def covered(self) -> bool:
        return self.sites > 0


@dataclass
class CoverageReport:
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def gaps(self) -> list[CoverageRow]:
        return [r for r in self.rows if not r.covered]

    @property
    def cities(self) -> int:
        return len(self.rows)

    def gaps_by_province(self) -> list[tuple[str, int, int]]:
        """(province name, cities needing a site, of which uncovered) for the national chart."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.rows:
            entry = totals[row.province.name]
            entry[0] += 1
            entry[1] += 0 if row.covered else 1
        return [(name, t[0], t[1]) for name, t in sorted(totals.items())]

    def by_city(self) -> list[tuple[str, int, int]]:
        """(city name, pilot schools, sites) summed over certificates, for a province's chart."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.rows:
            entry = totals[row.city.name]
            entry[0] += 1
            entry[1] += 0 if row.covered else 1
        return [(name, t[0], t[1]) for name, t in sorted(totals.items())]


def _coverage_province(actor: Actor, province: Division | None) -> Division | None:
    if actor.is_national or actor.kind == UnitKind.ORG:
        return province
    if actor.kind in (UnitKind.PROVINCE, UnitKind.CITY) and actor.unit is not None:
        own = actor.unit.province
        if province is not None and own is not None and province.pk != own.pk:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        return own
    actor.require(False, _("只有教育行政部门和培训评价组织可以查看站点覆盖情况。"))
    return None


def coverage_report(
    *,
    actor: Actor,
    province: Division | None = None,
    certificate: Certificate | None = None,
    gaps_only: bool = False,
) -> CoverageReport:
    """R11: per province, certificate and prefecture-level city with confirmed pilot schools,
    the number of registered sites for that certificate there; rows with none are the gaps.

    Scope: national actors see every province, a province (or city bureau) its province, an org
    its own certificates.
    """
    province = _coverage_province(actor, province)
    counts = confirmed_pilot_counts(
        province_id=province.pk if province else None,
        certificate_id=certificate.pk if certificate else None,
    )
    if actor.kind == UnitKind.ORG:
        own = set(Certificate.objects.filter(org__unit=actor.unit).values_list("pk", flat=True))
        counts = {k: v for k, v in counts.items() if k[1] in own}
    if actor.kind == UnitKind.CITY:
        counts = {k: v for k, v in counts.items() if k[2] == actor.city_id}
    if not counts:
        return CoverageReport()
    lines = SiteCertificate.objects.filter(
        site__status=SiteStatus.ACTIVE,
        certificate_id__in={k[1] for k in counts},
        site__province_id__in={k[0] for k in counts},
    ).values("site__province_id", "certificate_id", "site__city_id", "site_id")
    sites: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for line in lines:
        key = (line["site__province_id"], line["certificate_id"], line["site__city_id"])
        sites[key].add(line["site_id"])
    divisions = Division.objects.in_bulk({k[0] for k in counts} | {k[2] for k in counts})
    certificates = Certificate.objects.in_bulk({k[1] for k in counts})
    rows = [
        CoverageRow(
            province=divisions[p],
            city=divisions[c],
            certificate=certificates[cert],
            pilot_schools=n,
            sites=len(sites.get((p, cert, c), ())),
        )
        for (p, cert, c), n in counts.items()
        if divisions[c].level == DivisionLevel.CITY
    ]
    rows.sort(key=lambda r: (r.province.code, r.certificate.code, r.city.code))
    if gaps_only:
        rows = [r for r in rows if not r.covered]
    return CoverageReport(rows=rows)


# --- to-dos for the dashboard --------------------------------------------------------------


@dataclass(frozen=True)
class SiteTodo:
    title: str
    count: int
    url_name: str
    query: str = ""


def site_and_fee_todos(*, actor: Actor) -> list[SiteTodo]:
    """What awaits this actor in sites, fees and brand complaints (counts > 0 only)."""
    todos: list[SiteTodo] = []
    applications = site_applications_to_review(actor=actor).count()
    if applications:
        todos.append(
            SiteTodo(_("待审核的考核站点申请"), applications, "assessment:site_application_list")
        )
    if actor.kind == UnitKind.PROVINCE:
        pending = fee_versions_to_review(actor=actor).count()
        if pending:
            todos.append(
                SiteTodo(_("待核定的考核费用标准"), pending, "assessment:fee_list", "pending=1")
            )
    if actor.kind in (UnitKind.PROVINCE, UnitKind.MINISTRY):
        complaints = complaint_list(actor=actor, status=ComplaintStatus.OPEN).count()
        if complaints:
            todos.append(
                SiteTodo(
                    _("待处理的指定品牌问题反映"),
                    complaints,
                    "assessment:complaint_list",
                    "status=open",
                )
            )
    if actor.kind == UnitKind.SCHOOL:
        returned = site_application_list(actor=actor, status=SiteApplicationStatus.RETURNED).count()
        if returned:
            todos.append(
                SiteTodo(
                    _("被退回的考核站点申请"),
                    returned,
                    "assessment:site_application_list",
                    "status=returned",
                )
            )
    return todos
