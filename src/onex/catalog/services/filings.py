"""An org's provincial filings (R38): drafted and submitted by the org, decided by the province,
every move run by ``perform`` on the declared table in ``catalog.workflows``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Certificate, FilingStatus, Gender, Org, OrgFiling, OrgFilingEvent
from onex.catalog.services.access import require_org_member
from onex.catalog.services.orgs import require_org_agreement
from onex.catalog.services.uploads import validate_authorization_letter
from onex.catalog.workflows import FILING, filing_audit_view
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.personal import IdType, birth_date_from_resident_id
from onex.core.workflows import perform
from onex.geo.models import Division, DivisionLevel


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


def filing_create(
    *,
    actor: Actor,
    org: Org,
    province: Division,
    certificate: Certificate,
    data: FilingInput,
    letter: File[Any] | None = None,
) -> OrgFiling:
    """An org drafts its filing with a province (form 附件3)."""
    require_org_member(actor, org)
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
