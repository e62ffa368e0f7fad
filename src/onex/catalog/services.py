"""Writes of the catalogue and orgs: one keyword-only function per action, each audited.

Rules enforced here (IDs of the rule catalogue, ``onex.core.rules``): R13 (ceiling data), R18
(agreement before any activity), R19 (no unauthorized endorsement in notices), R24 (batches,
unique codes), R25 (eligible school types), R34 (levels by school type), R38 (provincial filing
before activity in a province). Later issues call ``require_org_agreement``, ``org_can_act``,
``require_org_filing``, ``require_eligible_school_type`` and
``resolve_training_levels``/``levels_allowed_for_school_type``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import (
    AGREEMENT_CLAUSES,
    DEFAULT_UNAUTHORIZED_PHRASES,
    LEVEL_ORDER,
    Batch,
    Certificate,
    CertificateLevel,
    FilingStatus,
    Gender,
    Level,
    Org,
    OrgAgreement,
    OrgFiling,
    OrgFilingEvent,
    OrgNotice,
    OrgStatus,
    OrgType,
    Standard,
    UnauthorizedPhrase,
    validate_standard_content,
)
from onex.catalog.queries import active_unauthorized_phrases
from onex.catalog.workflows import FILING, filing_audit_view
from onex.core.accounts import unit_create
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.personal import IdType, birth_date_from_resident_id, validate_credit_code
from onex.core.workflows import perform
from onex.geo.models import Division, DivisionLevel

# --- permissions ---------------------------------------------------------------------------


def _require_ministry(actor: Actor) -> None:
    # The Ministry (or the platform itself) publishes the catalogue; the aggregator only reads.
    actor.require_kind(UnitKind.MINISTRY)


def _require_org_member(actor: Actor, org: Org) -> None:
    actor.require(
        actor.is_system or (actor.kind == UnitKind.ORG and actor.unit_id == org.unit_id),
        _("只有该培训评价组织的用户可以执行此操作。"),
    )
    actor.require_write()


# --- orgs: R18 -----------------------------------------------------------------------------


def org_create(
    *,
    actor: Actor,
    name: str,
    credit_code: str,
    org_type: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Org:
    _require_ministry(actor)
    if org_type not in OrgType.values:
        raise InvalidInput(_("未知的组织类型。"), field="org_type")
    code = validate_credit_code(credit_code)
    if Org.objects.filter(credit_code=code).exists():
        raise InvalidInput(_("该统一社会信用代码已登记。"), field="credit_code")
    if Org.objects.filter(name=name).exists():
        raise InvalidInput(_("该组织名称已登记。"), field="name")
    with transaction.atomic():
        unit = unit_create(actor=actor, kind=UnitKind.ORG, name=name)
        org = Org.objects.create(
            unit=unit,
            name=name,
            credit_code=code,
            org_type=org_type,
            address=address,
            contact_name=contact_name,
            contact_phone=contact_phone,
        )
        audit_record(
            actor=actor,
            action="catalog.org.create",
            target=org,
            new={"name": name, "credit_code": code, "org_type": org_type},
        )
    return org


def agreement_sign(
    *,
    actor: Actor,
    org: Org,
    signed_on: dt.date,
    counterparty: str = "",
    public_welfare: bool = True,
    advancement: bool = True,
    compliance: bool = True,
    exit: bool = True,
    liability: bool = True,
) -> OrgAgreement:
    """Record the agreement signed with the Ministry's commissioned body (R18).

    An agreement missing a clause is recorded as signed but does not let the org act.
    """
    _require_ministry(actor)
    clauses = {
        "clause_public_welfare": public_welfare,
        "clause_advancement": advancement,
        "clause_compliance": compliance,
        "clause_exit": exit,
        "clause_liability": liability,
    }
    with transaction.atomic():
        agreement = OrgAgreement.objects.create(
            org=org, signed_on=signed_on, counterparty=counterparty, **clauses
        )
        audit_record(
            actor=actor,
            action="catalog.agreement.sign",
            target=agreement,
            new={"org": org.pk, "signed_on": signed_on, "counterparty": counterparty, **clauses},
        )
    return agreement


def org_can_act(org: Org) -> bool:
    """True when the org is active and has an agreement in force with every clause (R18)."""
    if org.status != OrgStatus.ACTIVE:
        return False
    return any(
        agreement.is_complete for agreement in org.agreements.filter(terminated_on__isnull=True)
    )


def require_org_agreement(org: Org) -> None:
    """Refuse any org activity (filing, exams, certificates) without a complete agreement (R18)."""
    if org.status != OrgStatus.ACTIVE:
        raise RuleViolation(
            "R22",
            _("培训评价组织“%(org)s”当前状态为%(status)s，不能开展试点活动。")
            % {"org": org.name, "status": org.get_status_display()},
        )
    if not org_can_act(org):
        raise RuleViolation(
            "R18",
            _(
                "培训评价组织“%(org)s”尚未与教育部委托机构签署包含公益性、先进性、合规性、"
                "退出机制和违约责任条款的协议，不能开展试点活动。"
            )
            % {"org": org.name},
        )


def require_org_filing(
    org: Org, province: Division | int, certificate: Certificate | None = None
) -> None:
    """Refuse activity in a province where the org has no accepted filing (R38).

    With ``certificate``, the accepted filing must be for that certificate.
    """
    province_id = province.pk if isinstance(province, Division) else province
    filings = OrgFiling.objects.filter(
        org=org, province_id=province_id, status=FilingStatus.ACCEPTED
    )
    if certificate is not None:
        filings = filings.filter(certificate=certificate)
    if not filings.exists():
        name = Division.objects.filter(pk=province_id).values_list("name", flat=True).first()
        raise RuleViolation(
            "R38",
            _("培训评价组织“%(org)s”在%(province)s没有已通过的备案%(cert)s，不能在该省开展活动。")
            % {
                "org": org.name,
                "province": name or "",
                "cert": (_("（证书：%(c)s）") % {"c": certificate.name}) if certificate else "",
            },
            details={
                "province": province_id,
                "certificate": certificate.pk if certificate else None,
            },
        )


# --- catalogue: R24, R13 -------------------------------------------------------------------


def batch_create(*, actor: Actor, number: int, published_on: dt.date, document: str = "") -> Batch:
    _require_ministry(actor)
    if number < 1:
        raise InvalidInput(_("批次号必须为正整数。"), field="number")
    with transaction.atomic():
        if Batch.objects.filter(number=number).exists():
            raise InvalidInput(_("该批次已存在。"), field="number")
        batch = Batch.objects.create(number=number, published_on=published_on, document=document)
        audit_record(
            actor=actor,
            action="catalog.batch.create",
            target=batch,
            new={"number": number, "published_on": published_on, "document": document},
        )
    return batch


def batch_update(
    *, actor: Actor, batch: Batch, published_on: dt.date, document: str | None = None
) -> bool:
    """Correct a batch's publication date (and document); True when something changed."""
    _require_ministry(actor)
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        old = {"published_on": locked.published_on, "document": locked.document}
        locked.published_on = published_on
        if document is not None:
            locked.document = document
        new = {"published_on": locked.published_on, "document": locked.document}
        if new == old:
            return False
        locked.save(update_fields=["published_on", "document"])
        audit_record(
            actor=actor,
            action="catalog.batch.update",
            target=locked,
            old=old,
            new={"number": locked.number, **new},
        )
    batch.published_on, batch.document = locked.published_on, locked.document
    return True


def _clean_specialties(specialties: Iterable[str] | str) -> str:
    if isinstance(specialties, str):
        specialties = specialties.splitlines()
    seen: list[str] = []
    for raw in specialties:
        name = str(raw).strip()
        if name and name not in seen:
            seen.append(name)
    return "\n".join(seen)


def certificate_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    org: Org,
    batch: Batch,
    position: int | None = None,
    field: str = "",
    description: str = "",
    specialties: Iterable[str] | str = (),
) -> Certificate:
    _require_ministry(actor)
    code = code.strip()
    if not code or not name.strip():
        raise InvalidInput(_("证书代码和名称不能为空。"), field="code")
    with transaction.atomic():
        # R24: a code names one certificate in the whole catalogue, across batches.
        if Certificate.objects.filter(code=code).exists():
            raise RuleViolation(
                "R24", _("证书代码 %(code)s 已存在于证书目录中。") % {"code": code}, field="code"
            )
        certificate = Certificate.objects.create(
            code=code,
            name=name.strip(),
            org=org,
            batch=batch,
            position=position,
            field=field,
            description=description,
            specialties=_clean_specialties(specialties),
        )
        audit_record(
            actor=actor,
            action="catalog.certificate.create",
            target=certificate,
            new={"code": code, "name": name, "org": org.pk, "batch": batch.number},
        )
    return certificate


_CERTIFICATE_FIELDS = frozenset(
    {
        "name",
        "position",
        "field",
        "description",
        "specialties",
        "textbook_updated_on",
        "case_library_updated_on",
        "question_bank_updated_on",
    }
)
# The org keeps its learning resources current (R08, R22); only these dates are its to set.
_ORG_CERTIFICATE_FIELDS = frozenset(
    {"textbook_updated_on", "case_library_updated_on", "question_bank_updated_on"}
)


def certificate_update(
    *, actor: Actor, certificate: Certificate, changes: Mapping[str, Any]
) -> Certificate:
    unknown = set(changes) - _CERTIFICATE_FIELDS
    if unknown:
        raise InvalidInput(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if actor.kind == UnitKind.ORG and set(changes) <= _ORG_CERTIFICATE_FIELDS:
        _require_org_member(actor, certificate.org)
    else:
        _require_ministry(actor)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "specialties":
                value = _clean_specialties(value)
            if name == "name" and not str(value).strip():
                raise InvalidInput(_("证书名称不能为空。"), field="name")
            old[name] = getattr(locked, name)
            new[name] = value
            setattr(locked, name, value)
        locked.save(update_fields=list(changes) or None)
        audit_record(
            actor=actor, action="catalog.certificate.update", target=locked, old=old, new=new
        )
    return locked


def _as_money(value: Decimal | int | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("金额格式无效。"), field="cost_ceiling") from None
    if not amount.is_finite():
        raise InvalidInput(_("金额格式无效。"), field="cost_ceiling")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(_("金额最多保留两位小数（元）。"), field="cost_ceiling")
    if amount < 0:
        raise RuleViolation("R13", _("成本上限不能为负数。"), field="cost_ceiling")
    if amount >= Decimal("1e8"):
        raise InvalidInput(_("金额超出范围。"), field="cost_ceiling")
    return amount.quantize(Decimal("0.01"))


def certificate_level_set(
    *,
    actor: Actor,
    certificate: Certificate,
    level: str,
    cost_ceiling: Decimal | int | str | None = None,
    description: str | None = None,
) -> CertificateLevel:
    """Create or update one level of a certificate with its cost ceiling (R13 data)."""
    _require_ministry(actor)
    if level not in Level.values:
        raise InvalidInput(_("未知的等级。"), field="level")
    amount = _as_money(cost_ceiling)
    with transaction.atomic():
        row = (
            CertificateLevel.objects.select_for_update()
            .filter(certificate=certificate, level=level)
            .first()
        )
        old = {"cost_ceiling": row.cost_ceiling, "description": row.description} if row else None
        if row is None:
            row = CertificateLevel(certificate=certificate, level=level)
        row.cost_ceiling = amount
        if description is not None:
            row.description = description
        row.save()
        audit_record(
            actor=actor,
            action="catalog.level.set",
            target=row,
            old=old,
            new={
                "certificate": certificate.code,
                "level": level,
                "cost_ceiling": amount,
                "description": row.description,
            },
        )
    return row


def standard_publish(
    *,
    actor: Actor,
    certificate: Certificate,
    version: str,
    published_on: dt.date,
    content: Mapping[str, Any],
    pdf: File | None = None,
) -> Standard:
    """Publish a version of the certificate's standard (the Ministry or the owning org)."""
    if actor.kind == UnitKind.ORG:
        _require_org_member(actor, certificate.org)
    else:
        _require_ministry(actor)
    try:
        validate_standard_content(dict(content))
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="content") from None
    if pdf is not None:
        kind = sniff_upload(pdf, allowed=("pdf",), field_name="pdf")
        assert kind == "pdf"
    with transaction.atomic():
        if Standard.objects.filter(certificate=certificate, version=version).exists():
            raise InvalidInput(_("该版本已发布。"), field="version")
        standard = Standard(
            certificate=certificate, version=version, published_on=published_on, content=content
        )
        if pdf is not None:
            standard.pdf.save(pdf.name or "standard.pdf", pdf, save=False)
        standard.save()
        audit_record(
            actor=actor,
            action="catalog.standard.publish",
            target=standard,
            new={"certificate": certificate.code, "version": version, "published_on": published_on},
        )
    return standard


# --- R25, R34: school types ----------------------------------------------------------------

# School type values of onex.pilots.models.SchoolType, spelled here because catalog sits upstream
# of pilots and imports none of its modules (a pilots test checks every type is classified).
_ANY_LEVEL_TYPES = frozenset({"secondary_vocational", "higher_vocational"})
# 003 三.5: undergraduate pilots choose levels "according to the specialty"; the Open University
# is not named there, so it chooses explicitly too (the stricter reading; a policy question).
_CHOOSE_LEVEL_TYPES = frozenset(
    {"vocational_undergraduate", "applied_undergraduate", "open_university"}
)
# R25 (001 二, 003 三.1, 004 二): higher and secondary vocational schools, vocational
# undergraduate pilots, applied undergraduate universities and the Open University. Technical
# schools (技工学校, "technical") are run under the human-resources ministry and excluded.
ELIGIBLE_SCHOOL_TYPES = _ANY_LEVEL_TYPES | _CHOOSE_LEVEL_TYPES


def school_type_is_eligible(school_type: str) -> bool:
    """R25: whether a school of this type may be a pilot school."""
    return school_type in ELIGIBLE_SCHOOL_TYPES


def require_eligible_school_type(school_type: str, *, field: str = "school_type") -> None:
    """R25, the one place that decides it: registration, correction, bulk import and pilot
    applications all call this, so the rule and its message cannot drift apart."""
    if school_type_is_eligible(school_type):
        return
    if school_type == "technical":
        message = _(
            "技工学校不在试点范围内：试点院校为高等职业学校、中等职业学校（不含技工学校）、"
            "本科层次职业教育试点学校、应用型本科高校及国家开放大学。"
        )
    else:
        message = _("该类型学校不在试点院校范围内。")
    raise RuleViolation("R25", message, field=field)


def levels_allowed_for_school_type(school_type: str) -> tuple[str, ...]:
    """Levels a school of this type may train for (R34); empty for an ineligible type."""
    return LEVEL_ORDER if school_type_is_eligible(school_type) else ()


def levels_must_be_chosen(school_type: str) -> bool:
    """Undergraduate schools must name their levels; vocational schools default to all (R34)."""
    return school_type in _CHOOSE_LEVEL_TYPES


def resolve_training_levels(*, school_type: str, chosen: Sequence[str]) -> list[str]:
    """The levels a pilot application trains for (R34), in 初级→高级 order.

    Vocational schools with no choice train every level; undergraduate schools must choose.
    """
    require_eligible_school_type(school_type)
    allowed = levels_allowed_for_school_type(school_type)
    unknown = [lv for lv in chosen if lv not in allowed]
    if unknown:
        raise InvalidInput(_("未知的等级：%(l)s") % {"l": ", ".join(unknown)}, field="levels")
    if not chosen:
        if levels_must_be_chosen(school_type):
            raise RuleViolation(
                "R34",
                _("本科层次职业教育试点学校和应用型本科高校须根据专业实际选择培训等级。"),
                field="levels",
            )
        return list(allowed)
    return [lv for lv in LEVEL_ORDER if lv in set(chosen)]


# --- uploads: type by magic bytes ----------------------------------------------------------

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_MAGIC: tuple[tuple[str, bytes], ...] = (
    ("pdf", b"%PDF-"),
    ("png", b"\x89PNG\r\n\x1a\n"),
    ("jpeg", b"\xff\xd8\xff"),
)
_EXTENSIONS = {"pdf": {".pdf"}, "png": {".png"}, "jpeg": {".jpg", ".jpeg"}}


def sniff_upload(upload: File, *, allowed: Sequence[str], field_name: str) -> str:
    """Check size (≤5 MB) and type by content, not by name; return the detected kind.

    The extension must agree with the content too, so a browser never renders a file as a type
    other than the one checked.
    """
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("文件不能超过 5 MB。"), field=field_name)
    if size == 0:
        raise InvalidInput(_("文件为空。"), field=field_name)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for k, magic in _MAGIC if head.startswith(magic)), None)
    if kind is None or kind not in allowed:
        names = "、".join(k.upper().replace("JPEG", "JPG") for k in allowed)
        raise InvalidInput(
            _("文件类型不受支持，请上传 %(types)s 文件。") % {"types": names}, field=field_name
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in _EXTENSIONS[kind]:
        raise InvalidInput(_("文件扩展名与文件内容不符。"), field=field_name)
    return kind


def validate_authorization_letter(upload: File) -> str:
    return sniff_upload(upload, allowed=("pdf", "png", "jpeg"), field_name="authorization_letter")


# --- filings: R38 --------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMember:
    name: str
    phone: str = ""
    duty: str = ""


@dataclass(frozen=True)
class FilingInput:
    """The fields of form 附件3 an org fills in.

    ``id_number`` (resident ID) is taken in clear once and sealed at once; never echoed back.
    """

    person_name: str
    person_gender: str
    person_phone: str
    person_birth_date: dt.date | None = None
    person_email: str = ""
    id_number: str = ""
    person_address: str = ""
    org_profile: str = ""
    staff: Sequence[StaffMember | Mapping[str, str]] = field(default_factory=tuple)
    training_plan: str = ""
    exam_plan: str = ""


def _clean_staff(staff: Sequence[StaffMember | Mapping[str, str]]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    if len(staff) > 100:
        raise InvalidInput(_("工作人员最多 100 人。"), field="staff")
    for index, member in enumerate(staff, start=1):
        data = (
            {"name": member.name, "phone": member.phone, "duty": member.duty}
            if isinstance(member, StaffMember)
            else {k: str(member.get(k, "") or "") for k in ("name", "phone", "duty")}
        )
        data = {k: v.strip()[:200] for k, v in data.items()}
        if not data["name"]:
            raise InvalidInput(_("第 %(n)s 名工作人员缺少姓名。") % {"n": index}, field="staff")
        rows.append(data)
    return rows


def _apply_filing_input(filing: OrgFiling, data: FilingInput) -> None:
    if not data.person_name.strip():
        raise InvalidInput(_("请填写负责人姓名。"), field="person_name")
    if data.person_gender not in Gender.values:
        raise InvalidInput(_("请选择性别。"), field="person_gender")
    if not data.person_phone.strip():
        raise InvalidInput(_("请填写联系电话。"), field="person_phone")
    filing.person_name = data.person_name.strip()
    filing.person_gender = data.person_gender
    filing.person_birth_date = data.person_birth_date
    filing.person_phone = data.person_phone.strip()
    filing.person_email = data.person_email.strip()
    filing.person_address = data.person_address.strip()
    filing.org_profile = data.org_profile
    filing.staff = _clean_staff(data.staff)
    filing.training_plan = data.training_plan
    filing.exam_plan = data.exam_plan
    if data.id_number.strip():
        # Validation errors never echo the number (they reach API bodies and logs).
        birth = birth_date_from_resident_id(data.id_number)
        if data.person_birth_date and (
            (birth.year, birth.month) != (data.person_birth_date.year, data.person_birth_date.month)
        ):
            raise InvalidInput(_("出生年月与身份证号不一致。"), field="person_birth_date")
        if filing.person_birth_date is None:
            filing.person_birth_date = birth
        filing.set_id_number(id_type=IdType.RESIDENT, value=data.id_number)


def filing_moves(*, actor: Actor, filing: OrgFiling) -> list[str]:
    """The actions the actor may take now: the page's buttons and the API's ``moves``."""
    return FILING.allowed_actions(filing, actor)


def filing_create(
    *,
    actor: Actor,
    org: Org,
    province: Division,
    certificate: Certificate,
    data: FilingInput,
    letter: File | None = None,
) -> OrgFiling:
    """An org drafts its filing with a province (form 附件3)."""
    _require_org_member(actor, org)
    if province.level != DivisionLevel.PROVINCE:
        raise InvalidInput(_("请选择省级行政区。"), field="province")
    if certificate.org_id != org.pk:
        raise InvalidInput(_("只能为本组织的证书备案。"), field="certificate")
    if letter is not None:
        validate_authorization_letter(letter)
    filing = OrgFiling(org=org, province=province, certificate=certificate)
    _apply_filing_input(filing, data)
    with transaction.atomic():
        in_flight = OrgFiling.objects.filter(
            org=org,
            province=province,
            certificate=certificate,
            status__in=[FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.RETURNED],
        )
        if in_flight.exists():
            raise Conflict(_("该省该证书已有未完成的备案，请在原备案上修改。"))
        if letter is not None:
            filing.authorization_letter.save(letter.name or "letter", letter, save=False)
        filing.save()
        # Not a move: there is no row to lock yet.
        OrgFilingEvent.record(actor=actor, filing=filing, action="create", to_status=filing.status)
        audit_record(
            actor=actor,
            action="catalog.filing.create",
            target=filing,
            new=filing_audit_view(filing),
        )
    return filing


def filing_update(
    *, actor: Actor, filing: OrgFiling, data: FilingInput, letter: File[Any] | None = None
) -> OrgFiling:
    """Edit a draft or a returned filing."""
    if letter is not None:
        validate_authorization_letter(letter)

    def apply(locked: OrgFiling) -> None:
        # One input fills several columns (the sealed ID number): set them on the row itself.
        _apply_filing_input(locked, data)
        if letter is not None:
            locked.authorization_letter.save(letter.name or "letter", letter, save=False)

    return perform(FILING, actor=actor, obj=filing, action="update", changes=apply)


def filing_attach_letter(*, actor: Actor, filing: OrgFiling, letter: File[Any]) -> OrgFiling:
    """Upload (or replace) the headquarters' authorization letter of a draft/returned filing."""
    validate_authorization_letter(letter)

    def apply(locked: OrgFiling) -> None:
        locked.authorization_letter.save(letter.name or "letter", letter, save=False)

    return perform(
        FILING,
        actor=actor,
        obj=filing,
        action="letter",
        changes=apply,
        related=lambda _locked: {"size": letter.size},
    )


def filing_missing_fields(filing: OrgFiling) -> list[str]:
    """Names of form 附件3 parts still empty (R38: the whole form, plans included)."""
    required = {
        "person_name": filing.person_name,
        "person_gender": filing.person_gender,
        "person_birth_date": filing.person_birth_date,
        "person_phone": filing.person_phone,
        "id_number": filing.id_number_hash,
        "person_address": filing.person_address,
        "org_profile": filing.org_profile.strip(),
        "staff": filing.staff,
        "authorization_letter": filing.authorization_letter.name,
        "training_plan": filing.training_plan.strip(),
        "exam_plan": filing.exam_plan.strip(),
    }
    return [name for name, value in required.items() if not value]


def _require_complete(filing: OrgFiling) -> None:
    require_org_agreement(filing.org)  # R18
    missing = filing_missing_fields(filing)
    if missing:
        labels = [_field_label(name) for name in missing]
        raise RuleViolation(
            "R38",
            _("备案表不完整，请补充：%(fields)s") % {"fields": "、".join(labels)},
            details={"missing": missing},
        )


def filing_submit(*, actor: Actor, filing: OrgFiling) -> OrgFiling:
    return perform(
        FILING,
        actor=actor,
        obj=filing,
        action="submit",
        check=_require_complete,
        changes=lambda _locked: {"submitted_at": timezone.now(), "return_reason": ""},
    )


def _field_label(name: str) -> str:
    model_field = OrgFiling._meta.get_field("id_number_masked" if name == "id_number" else name)
    assert isinstance(model_field, models.Field)  # concrete fields only, never a relation
    return str(model_field.verbose_name)


def filing_accept(*, actor: Actor, filing: OrgFiling) -> OrgFiling:
    return perform(
        FILING,
        actor=actor,
        obj=filing,
        action="accept",
        changes=lambda _locked: {"decided_at": timezone.now()},
    )


def filing_return(*, actor: Actor, filing: OrgFiling, reason: str) -> OrgFiling:
    # perform refuses an empty reason after the who-may check; strip it for the stored copy.
    reason = (reason or "").strip()
    return perform(
        FILING,
        actor=actor,
        obj=filing,
        action="return",
        reason=reason,
        changes=lambda _locked: {"return_reason": reason, "decided_at": timezone.now()},
    )


# --- notices: R19 --------------------------------------------------------------------------


def _normalize(text: str) -> str:
    # NFKC folds full-width forms; whitespace is dropped so "教育部 指导" still matches.
    return "".join(unicodedata.normalize("NFKC", text).split())


def find_unauthorized_phrases(text: str) -> list[str]:
    normalized = _normalize(text)
    return [p for p in active_unauthorized_phrases() if p and _normalize(p) in normalized]


def check_notice_text(*, title: str, body: str) -> None:
    """Refuse text with an unauthorized endorsement, naming the phrase (R19)."""
    found = find_unauthorized_phrases(f"{title}\n{body}")
    if found:
        raise RuleViolation(
            "R19",
            _("通知含有未经授权的表述“%(phrases)s”，不得发布。") % {"phrases": "”“".join(found)},
            field="body",
            details={"phrases": found},
        )


def notice_publish(*, actor: Actor, org: Org, title: str, body: str) -> OrgNotice:
    _require_org_member(actor, org)
    if not title.strip() or not body.strip():
        raise InvalidInput(_("标题和正文不能为空。"), field="title")
    check_notice_text(title=title, body=body)
    with transaction.atomic():
        notice = OrgNotice.objects.create(
            org=org, title=title.strip(), body=body, published_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="catalog.notice.publish",
            target=notice,
            new={"org": org.pk, "title": notice.title},
        )
    return notice


def phrase_add(*, actor: Actor, phrase: str) -> UnauthorizedPhrase:
    _require_ministry(actor)
    actor.require(actor.is_admin)
    phrase = phrase.strip()
    if not phrase:
        raise InvalidInput(_("表述不能为空。"), field="phrase")
    with transaction.atomic():
        # Seed the defaults first: the first admin edit must not silently drop them.
        _seed_phrases()
        row, _created = UnauthorizedPhrase.objects.update_or_create(
            phrase=phrase, defaults={"is_active": True}
        )
        audit_record(actor=actor, action="catalog.phrase.add", target=row, new={"phrase": phrase})
    return row


def phrase_set_active(
    *, actor: Actor, phrase: UnauthorizedPhrase, is_active: bool
) -> UnauthorizedPhrase:
    _require_ministry(actor)
    actor.require(actor.is_admin)
    with transaction.atomic():
        row = UnauthorizedPhrase.objects.select_for_update().get(pk=phrase.pk)
        old = row.is_active
        row.is_active = is_active
        row.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="catalog.phrase.set_active",
            target=row,
            old={"is_active": old},
            new={"is_active": is_active},
        )
    return row


def _seed_phrases() -> int:
    created = 0
    for phrase in DEFAULT_UNAUTHORIZED_PHRASES:
        _row, was_created = UnauthorizedPhrase.objects.get_or_create(phrase=phrase)
        created += int(was_created)
    return created


def seed_catalog_defaults(*, actor: Actor) -> int:
    """Create the default R19 phrases that are missing; idempotent. Returns how many."""
    actor.require(actor.is_system or actor.is_kind(UnitKind.MINISTRY))
    with transaction.atomic():
        created = _seed_phrases()
        if created:
            audit_record(
                actor=actor,
                action="catalog.phrase.seed",
                target_type="catalog.unauthorizedphrase",
                new={"created": created},
            )
    return created


__all__ = [
    "AGREEMENT_CLAUSES",
    "ELIGIBLE_SCHOOL_TYPES",
    "FilingInput",
    "StaffMember",
    "agreement_sign",
    "batch_create",
    "batch_update",
    "certificate_create",
    "certificate_level_set",
    "certificate_update",
    "check_notice_text",
    "filing_accept",
    "filing_attach_letter",
    "filing_create",
    "filing_return",
    "filing_submit",
    "filing_update",
    "levels_allowed_for_school_type",
    "levels_must_be_chosen",
    "notice_publish",
    "org_can_act",
    "org_create",
    "require_eligible_school_type",
    "require_org_agreement",
    "require_org_filing",
    "resolve_training_levels",
    "school_type_is_eligible",
    "seed_catalog_defaults",
    "standard_publish",
    "validate_authorization_letter",
]
