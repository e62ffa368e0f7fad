"""Fee standards: proposals, provincial approval, history, joint negotiation (R13 R30 R40 R45).

Other apps call ``approved_fee`` (the fee in force) and ``fee_due`` (what a registration costs
and who pays).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import (
    FeeEvent,
    FeeNegotiation,
    FeeReviewKind,
    FeeStandard,
    FeeVersion,
    FeeVersionStatus,
    NegotiationEvent,
)
from onex.assessment.selectors.fees import (
    check_within_ceiling,
    current_version,
    pending_version,
)
from onex.assessment.workflows import FEE_VERSION, NEGOTIATION
from onex.catalog.models import Certificate, Org
from onex.catalog.services.filings import require_org_filing
from onex.catalog.services.orgs import require_org_agreement
from onex.catalog.services.uploads import sniff_upload
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput
from onex.core.models import UnitKind
from onex.core.workflows import perform
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School

MAX_FEE = Decimal("100000000")

# --- money and ceilings --------------------------------------------------------------------


def parse_amount(value: Decimal | int | str, *, field: str = "amount") -> Decimal:
    """Yuan with at most 2 decimals, never negative; a clear InvalidInput otherwise."""
    if isinstance(value, float):
        raise InvalidInput(_("金额请以字符串或定点数传入。"), field=field)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("金额格式无效。"), field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_FEE:
        raise InvalidInput(_("金额格式无效。"), field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(_("金额最多保留两位小数（元）。"), field=field)
    return amount.quantize(Decimal("0.01"))


# --- permissions ---------------------------------------------------------------------------


def _require_org_member(actor: Actor, org: Org) -> None:
    actor.require(
        actor.is_system or (actor.kind == UnitKind.ORG and actor.unit_id == org.unit_id),
        _("只有该证书的培训评价组织可以提出费用标准。"),
    )
    actor.require_write()


# --- R13, R30: proposals and approval ------------------------------------------------------


def fee_propose(
    *,
    actor: Actor,
    province: Division,
    certificate: Certificate,
    level: str,
    amount: Decimal | int | str,
    basis: str = "",
) -> FeeVersion:
    """The org proposes (or proposes to change) the fee in a province (R13, R30, R38).

    The proposal waits for the province; until it approves, the fee approved before stays in
    force, so an increase never applies unapproved (R30).
    """
    org = certificate.org
    _require_org_member(actor, org)
    if province.level != DivisionLevel.PROVINCE:
        raise InvalidInput(_("请选择省级行政区。"), field="province")
    value = parse_amount(amount)
    ceiling = check_within_ceiling(rule="R13", certificate=certificate, level=level, amount=value)
    require_org_agreement(org)  # R18
    require_org_filing(org, province, certificate)  # R38: fee standards are filed in the province
    with transaction.atomic():
        standard, _created = FeeStandard.objects.get_or_create(
            province=province, certificate=certificate, level=level, defaults={"org": org}
        )
        standard = FeeStandard.objects.select_for_update().get(pk=standard.pk)
        if pending_version(standard) is not None:
            raise Conflict(_("已有待审核的费用标准，请等待省级审核或先撤回。"))
        in_force = current_version(standard)
        last = standard.versions.order_by("-number").first()
        version = FeeVersion.objects.create(
            standard=standard,
            number=(last.number + 1) if last else 1,
            amount=value,
            ceiling=ceiling,
            basis=basis.strip(),
            proposed_at=timezone.now(),
        )
        action = "propose" if in_force is None else "adjust"
        FeeEvent.record(
            actor=actor,
            standard_id=standard.pk,
            version=version,
            action=action,
            from_status="",
            to_status=version.status,
            old_amount=in_force.amount if in_force else None,
            new_amount=version.amount,
        )
        audit_record(
            actor=actor,
            action=f"assessment.fee.{action}",
            target=version,
            old={"amount": in_force.amount} if in_force else None,
            new={
                "province": province.code,
                "certificate": certificate.code,
                "level": level,
                "amount": value,
                "ceiling": ceiling,
                "version": version.number,
            },
        )
    return version


@dataclass(frozen=True)
class FeeReview:
    """An expert or third-party review the province records with its decision (R30)."""

    kind: str = ""
    reviewer: str = ""
    conclusion: str = ""
    attachment: File[Any] | None = None


def fee_approve(
    *,
    actor: Actor,
    version: FeeVersion,
    effective_from: dt.date | None = None,
    review: FeeReview | None = None,
) -> FeeVersion:
    """The province approves a proposal; it replaces the version in force from its date (R30)."""
    review = review or FeeReview()
    if review.kind not in FeeReviewKind.values:
        raise InvalidInput(_("未知的评审方式。"), field="review_kind")
    if review.kind and not review.reviewer.strip():
        raise InvalidInput(_("请填写评审专家或第三方机构名称。"), field="reviewer")
    if review.attachment is not None:
        sniff_upload(review.attachment, allowed=("pdf", "png", "jpeg"), field_name="attachment")
    today = timezone.localdate()
    effective = effective_from or today
    if effective < today:
        raise InvalidInput(_("执行日期不能早于今天。"), field="effective_from")
    superseded: list[FeeVersion] = []

    def check(locked: FeeVersion) -> None:
        # The ceiling may have been lowered since the proposal.
        check_within_ceiling(
            rule="R13",
            certificate=locked.standard.certificate,
            level=locked.standard.level,
            amount=locked.amount,
        )

    def changes(locked: FeeVersion) -> dict[str, Any]:
        # The version in force steps aside first: one approved version per standard.
        previous = (
            FeeVersion.objects.select_for_update()
            .filter(standard_id=locked.standard_id, status=FeeVersionStatus.APPROVED)
            .first()
        )
        if previous is not None:
            previous.status = FeeVersionStatus.SUPERSEDED
            previous.save(update_fields=["status"])
            superseded.append(previous)
        if review.attachment is not None:
            locked.review_attachment.save(
                review.attachment.name or "review", review.attachment, save=False
            )
        return {
            "decided_at": timezone.now(),
            "effective_from": effective,
            "review_kind": review.kind,
            "reviewer": review.reviewer.strip()[:200],
            "review_conclusion": review.conclusion.strip(),
        }

    def replaced(locked: FeeVersion) -> None:
        # The timeline shows the amount this approval replaces (R30 history); perform writes the
        # event after ``changes``, so the amount is filled in once it exists.
        old = superseded[0].amount if superseded else None
        FeeEvent.objects.filter(version=locked, action="approve").update(old_amount=old)

    with transaction.atomic():
        approved = perform(
            FEE_VERSION,
            actor=actor,
            obj=version,
            action="approve",
            reason=review.conclusion.strip(),
            check=check,
            changes=changes,
        )
        replaced(approved)
    return approved


def fee_return(*, actor: Actor, version: FeeVersion, reason: str) -> FeeVersion:
    """The province returns a proposal; the fee in force is unchanged."""
    reason = (reason or "").strip()
    return perform(
        FEE_VERSION,
        actor=actor,
        obj=version,
        action="return",
        reason=reason,
        changes={"return_reason": reason, "decided_at": timezone.now()},
    )


def fee_withdraw(*, actor: Actor, version: FeeVersion) -> FeeVersion:
    """The org withdraws its pending proposal."""
    return perform(
        FEE_VERSION,
        actor=actor,
        obj=version,
        action="withdraw",
        changes={"decided_at": timezone.now()},
    )


# --- R45: joint negotiation ----------------------------------------------------------------


def negotiation_record(
    *,
    actor: Actor,
    certificate: Certificate,
    level: str,
    schools: Sequence[School],
    agreed_fee: Decimal | int | str,
    negotiated_on: dt.date,
    notes: str = "",
) -> FeeNegotiation:
    """Record a fee several schools negotiated jointly with the org (R45).

    Recorded by the org or by one of the schools; at least two schools, all in one province; the
    agreed fee may not exceed the ceiling. The record waits for the org's explicit agreement
    (``negotiation_agree``): until then students are charged the approved fee.
    """
    org = certificate.org
    parties = list(dict.fromkeys(schools))
    is_org = actor.kind == UnitKind.ORG and actor.unit_id == org.unit_id
    is_party = actor.kind == UnitKind.SCHOOL and any(s.unit_id == actor.unit_id for s in parties)
    actor.require(
        actor.is_system or is_org or is_party,
        _("联合议价由培训评价组织或参与院校录入。"),
    )
    actor.require_write()
    if len(parties) < 2:
        raise InvalidInput(_("联合议价至少需要两所院校。"), field="schools")
    provinces = {s.province_id for s in parties}
    if len(provinces) != 1:
        raise InvalidInput(_("联合议价的院校应在同一省份（费用标准按省确定）。"), field="schools")
    if negotiated_on > timezone.localdate():
        raise InvalidInput(_("协商日期不能晚于今天。"), field="negotiated_on")
    value = parse_amount(agreed_fee, field="agreed_fee")
    ceiling = check_within_ceiling(
        rule="R45", certificate=certificate, level=level, amount=value, field="agreed_fee"
    )
    require_org_agreement(org)
    with transaction.atomic():
        negotiation = FeeNegotiation.objects.create(
            org=org,
            province_id=provinces.pop(),
            certificate=certificate,
            level=level,
            agreed_fee=value,
            ceiling=ceiling,
            negotiated_on=negotiated_on,
            notes=notes.strip(),
            recorded_by=actor.unit if actor.unit is not None else org.unit,
        )
        negotiation.schools.set(parties)
        NegotiationEvent.record(
            actor=actor,
            negotiation=negotiation,
            action="record",
            from_status="",
            to_status=negotiation.status,
        )
        audit_record(
            actor=actor,
            action="assessment.fee.negotiate",
            target=negotiation,
            new={
                "certificate": certificate.code,
                "level": level,
                "agreed_fee": value,
                "ceiling": ceiling,
                "schools": [s.pk for s in parties],
            },
        )
    return negotiation


# --- R40: who pays what --------------------------------------------------------------------


def fee_version_view(version: FeeVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "amount": version.amount,
        "status": version.status,
        "effective_from": version.effective_from,
    }


def negotiation_agree(*, actor: Actor, negotiation: FeeNegotiation) -> FeeNegotiation:
    """The org agrees to the jointly negotiated fee; from now on the parties pay it (R45)."""

    def check(locked: FeeNegotiation) -> None:
        require_org_agreement(locked.org)  # R18
        # The ceiling may have been lowered since the negotiation was recorded (R13).
        check_within_ceiling(
            rule="R45",
            certificate=locked.certificate,
            level=locked.level,
            amount=locked.agreed_fee,
            field="agreed_fee",
        )

    return perform(
        NEGOTIATION,
        actor=actor,
        obj=negotiation,
        action="agree",
        check=check,
        changes=lambda _locked: {"decided_at": timezone.now()},
    )


def negotiation_decline(
    *, actor: Actor, negotiation: FeeNegotiation, reason: str
) -> FeeNegotiation:
    """The org does not agree; the negotiation never applies."""
    return perform(
        NEGOTIATION,
        actor=actor,
        obj=negotiation,
        action="decline",
        reason=reason,
        changes=lambda _locked: {"decided_at": timezone.now()},
    )
