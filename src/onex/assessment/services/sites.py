"""Assessment plans, site conditions, site applications, registered sites, coverage.

Rules: R09 (plan published), R10 (school applies, org and province agree, site registered),
R11 (coverage of prefecture-level cities), R12 (no designated brands). Other apps call
``registered_sites`` and ``plan_for``/``plan_verdict``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import (
    AssessmentPlan,
    BrandComplaint,
    BrandComplaintAttachment,
    BrandWord,
    ComplaintEvent,
    ExamFormat,
    Site,
    SiteApplication,
    SiteApplicationEvent,
    SiteApplicationStatus,
    SiteCertificate,
    SiteCondition,
    SiteStatus,
)
from onex.assessment.selectors.sites import (
    DEFAULT_BRAND_PATTERNS,
    DEFAULT_BRAND_PHRASES,
    condition_for,
    find_brand_terms,
)
from onex.assessment.workflows import COMPLAINT, SITE_APPLICATION, site_application_audit_view
from onex.catalog.models import LEVEL_ORDER, Certificate, CertificateLevel, Level, Org
from onex.catalog.services.filings import require_org_filing
from onex.catalog.services.orgs import require_org_agreement
from onex.catalog.services.uploads import sniff_upload
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.workflows import perform
from onex.geo.models import Division
from onex.pilots.models import School
from onex.pilots.services.schools import require_school_in_pilot

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


# --- R12: brand words ----------------------------------------------------------------------


def _seed_brand_words() -> None:
    for word in DEFAULT_BRAND_PHRASES:
        BrandWord.objects.get_or_create(word=word, defaults={"is_pattern": False})
    for pattern in DEFAULT_BRAND_PATTERNS:
        BrandWord.objects.get_or_create(word=pattern, defaults={"is_pattern": True})


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


# --- R12: brand complaints -----------------------------------------------------------------


def complaint_submit(
    *,
    actor: Actor,
    school: School,
    org: Org,
    text: str,
    certificate: Certificate | None = None,
    attachments: Sequence[File[Any]] = (),
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
        ComplaintEvent.record(
            actor=actor,
            complaint=complaint,
            action="submit",
            from_status="",
            to_status=complaint.status,
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
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("请填写处理意见。"), field="note")
    return perform(
        COMPLAINT,
        actor=actor,
        obj=complaint,
        action="handle",
        reason=note,
        changes={"handled_note": note, "handled_by": actor.unit, "handled_at": timezone.now()},
    )


# --- R10: site applications ----------------------------------------------------------------


@dataclass(frozen=True)
class SiteInput:
    levels: Sequence[str]
    address: str
    seats: int
    rooms: int
    notes: str = ""


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
    require_school_in_pilot(school)  # R23: a disqualified school opens no applications
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
        SiteApplicationEvent.record(
            actor=actor,
            application=application,
            action="submit",
            from_status="",
            to_status=application.status,
        )
        audit_record(
            actor=actor,
            action="assessment.site_application.submit",
            target=application,
            new=site_application_audit_view(application),
        )
    return application


def site_application_resubmit(
    *, actor: Actor, application: SiteApplication, data: SiteInput
) -> SiteApplication:
    """The school corrects a returned application and submits it again to the org."""
    return perform(
        SITE_APPLICATION,
        actor=actor,
        obj=application,
        action="resubmit",
        changes=lambda locked: {
            **_check_site_input(locked.certificate, data),
            "return_reason": "",
            "submitted_at": timezone.now(),
        },
    )


def site_application_org_approve(*, actor: Actor, application: SiteApplication) -> SiteApplication:
    """The org agrees to the school as a site; the province decides next (R10)."""
    return perform(
        SITE_APPLICATION,
        actor=actor,
        obj=application,
        action="org_approve",
        check=lambda locked: require_org_agreement(locked.org),
    )


def site_application_return(
    *, actor: Actor, application: SiteApplication, reason: str
) -> SiteApplication:
    """The org (at its step) or the province (at its step) returns the application."""
    reason = (reason or "").strip()
    return perform(
        SITE_APPLICATION,
        actor=actor,
        obj=application,
        action="return",
        reason=reason,
        changes={"return_reason": reason, "decided_at": timezone.now()},
    )


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


def _check_province_approval(application: SiteApplication) -> None:
    require_org_agreement(application.org)
    require_org_filing(application.org, application.province, application.certificate)  # R38


def _register_site(application: SiteApplication) -> dict[str, Any]:
    """Create or update the school's one site and add the application's levels to it."""
    Division.objects.select_for_update().get(pk=application.province_id)
    now = timezone.now()
    site = Site.objects.select_for_update().filter(school_id=application.school_id).first()
    if site is None:
        site = Site(
            school_id=application.school_id,
            province_id=application.province_id,
            city_id=application.city_id,
            code=_next_site_code(application.province),
            registered_at=now,
        )
    site.address = application.address
    site.seats = application.seats
    site.rooms = application.rooms
    site.status = SiteStatus.ACTIVE
    site.save()
    for level in application.levels:
        SiteCertificate.objects.get_or_create(
            site=site,
            certificate_id=application.certificate_id,
            level=level,
            defaults={"application": application},
        )
    return {"site": site, "decided_at": now}


def site_application_province_approve(
    *, actor: Actor, application: SiteApplication
) -> SiteApplication:
    """The province approves: the site is registered with a code (R10; R38 filing required)."""
    return perform(
        SITE_APPLICATION,
        actor=actor,
        obj=application,
        action="approve",
        check=_check_province_approval,
        changes=_register_site,
    )


# --- registered sites (public once registered: R10 "on the platform") ------------------------


# --- R11: coverage -------------------------------------------------------------------------


# --- to-dos for the dashboard --------------------------------------------------------------
