"""Reads of fee standards, versions and joint negotiations, and what a registration costs
(R13, R30, R40, R45).

Other apps call ``approved_fee`` (the fee in force) and ``fee_due`` (what a registration costs
and who pays).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import (
    ExemptionStatus,
    FeeNegotiation,
    FeeStandard,
    FeeVersion,
    FeeVersionStatus,
    NegotiationStatus,
)
from onex.catalog.models import Certificate, CertificateLevel, Level
from onex.core.actors import Actor
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.geo.models import Division
from onex.pilots.models import School


def _yuan(amount: Decimal) -> str:
    return f"{amount:.2f}"


def ceiling_for(*, certificate: Certificate, level: str) -> Decimal | None:
    """The Ministry's published cost ceiling of the certificate level (R13), or None."""
    row = CertificateLevel.objects.filter(certificate=certificate, level=level).first()
    return row.cost_ceiling if row else None


def check_within_ceiling(
    *, rule: str, certificate: Certificate, level: str, amount: Decimal, field: str = "amount"
) -> Decimal:
    """Refuse a fee above the ceiling, naming both amounts; return the ceiling."""
    if level not in Level.values:
        raise InvalidInput(_("未知的等级。"), field="level")
    ceiling = ceiling_for(certificate=certificate, level=level)
    label = Level(level).label
    if ceiling is None:
        raise RuleViolation(
            rule,
            _("证书“%(c)s”%(level)s尚未公布考核成本上限，不能确定考核费用。")
            % {"c": certificate.name, "level": label},
            field="level",
        )
    if amount > ceiling:
        raise RuleViolation(
            rule,
            _("考核费用 %(amount)s 元超过证书“%(c)s”%(level)s的成本上限 %(ceiling)s 元。")
            % {
                "amount": _yuan(amount),
                "c": certificate.name,
                "level": label,
                "ceiling": _yuan(ceiling),
            },
            field=field,
            details={"amount": _yuan(amount), "ceiling": _yuan(ceiling)},
        )
    return ceiling


def current_version(standard: FeeStandard, *, on: dt.date | None = None) -> FeeVersion | None:
    """The approved version in force on ``on`` (today by default)."""
    on = on or timezone.localdate()
    return (
        standard.versions.filter(
            status__in=[FeeVersionStatus.APPROVED, FeeVersionStatus.SUPERSEDED],
            effective_from__lte=on,
        )
        .order_by("-effective_from", "-number")
        .first()
    )


def pending_version(standard: FeeStandard) -> FeeVersion | None:
    return standard.versions.filter(status=FeeVersionStatus.PENDING).first()


def _fee_scope(actor: Actor) -> Q:
    # Schools and city bureaus read the fees of their province: schools pay them.
    extra: list[tuple[str, Q]] = []
    if actor.unit is not None:
        extra = [
            (UnitKind.ORG, Q(org__unit=actor.unit)),
            (UnitKind.SCHOOL, Q(province_id=actor.province_id)),
            (UnitKind.CITY, Q(province_id=actor.province_id)),
        ]
    return actor.region_q(province="province", city=None, extra=extra)


def _with_ceiling_check(qs: QuerySet[FeeStandard]) -> QuerySet[FeeStandard]:
    """Annotate the fee in force today and the level's current ceiling.

    Catalog owns the ceiling and may not know about fees, so the comparison is made here, on
    every read: lowering a ceiling flags the fees above it at once, with no job to run (R13).
    """
    in_force = FeeVersion.objects.filter(
        standard=OuterRef("pk"),
        status__in=[FeeVersionStatus.APPROVED, FeeVersionStatus.SUPERSEDED],
        effective_from__lte=timezone.localdate(),
    ).order_by("-effective_from", "-number")
    ceiling = CertificateLevel.objects.filter(
        certificate=OuterRef("certificate"), level=OuterRef("level")
    )
    return qs.annotate(
        amount_in_force=Subquery(in_force.values("amount")[:1]),
        ceiling_now=Subquery(ceiling.values("cost_ceiling")[:1]),
    )


def fee_standard_list(
    *,
    actor: Actor,
    q: str = "",
    province: Division | None = None,
    pending_only: bool = False,
    above_ceiling_only: bool = False,
) -> QuerySet[FeeStandard]:
    qs = _with_ceiling_check(
        FeeStandard.objects.filter(_fee_scope(actor)).select_related(
            "org", "province", "certificate"
        )
    )
    if province is not None:
        qs = qs.filter(province=province)
    if pending_only:
        qs = qs.filter(versions__status=FeeVersionStatus.PENDING)
    if above_ceiling_only:
        qs = qs.filter(Q(amount_in_force__gt=F("ceiling_now")))
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(certificate__name__icontains=term)
            | Q(certificate__code__iexact=term)
            | Q(org__name__icontains=term)
        )
    return qs.order_by("province__code", "certificate__code", "level")


def fee_standard_get(*, actor: Actor, pk: int) -> FeeStandard:
    return fetch(fee_standard_list(actor=actor), pk=pk)


def fee_version_scope(actor: Actor) -> QuerySet[FeeVersion]:
    """Versions of the fee standards the actor may see (the fee workflow locks through it)."""
    visible = FeeStandard.objects.filter(_fee_scope(actor)).values("pk")
    return FeeVersion.objects.filter(standard__in=visible)


def fee_version_get(*, actor: Actor, pk: int) -> FeeVersion:
    return fetch(
        fee_version_scope(actor).select_related(
            "standard", "standard__province", "standard__certificate", "standard__org"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class FeeRow:
    """A fee standard with the version in force and the one waiting, for lists."""

    standard: FeeStandard
    current: FeeVersion | None
    pending: FeeVersion | None
    ceiling: Decimal | None = None

    @property
    def above_ceiling(self) -> bool:
        """The fee in force exceeds the level's current ceiling: it no longer applies (R13)."""
        return exceeds_ceiling(self.current.amount if self.current else None, self.ceiling)


def fee_rows(standards: Sequence[FeeStandard], *, on: dt.date | None = None) -> list[FeeRow]:
    """Attach current and pending versions to a page of standards in one query."""
    on = on or timezone.localdate()
    versions = FeeVersion.objects.filter(standard__in=[s.pk for s in standards]).order_by(
        "-effective_from", "-number"
    )
    current: dict[int, FeeVersion] = {}
    pending: dict[int, FeeVersion] = {}
    for v in versions:
        if v.status == FeeVersionStatus.PENDING:
            pending[v.standard_id] = v
        elif (
            v.status in (FeeVersionStatus.APPROVED, FeeVersionStatus.SUPERSEDED)
            and v.effective_from is not None
            and v.effective_from <= on
            and v.standard_id not in current
        ):
            current[v.standard_id] = v
    ceilings = {
        (row.certificate_id, row.level): row.cost_ceiling
        for row in CertificateLevel.objects.filter(
            certificate_id__in={s.certificate_id for s in standards}
        )
    }
    return [
        FeeRow(s, current.get(s.pk), pending.get(s.pk), ceilings.get((s.certificate_id, s.level)))
        for s in standards
    ]


def exceeds_ceiling(amount: Decimal | None, ceiling: Decimal | None) -> bool:
    return amount is not None and ceiling is not None and amount > ceiling


def standard_above_ceiling(standard: FeeStandard) -> bool:
    """Whether the fee in force today exceeds the level's current ceiling (R13)."""
    current = current_version(standard)
    ceiling = ceiling_for(certificate=standard.certificate, level=standard.level)
    return exceeds_ceiling(current.amount if current else None, ceiling)


def fee_standards_above_ceiling(*, actor: Actor) -> QuerySet[FeeStandard]:
    """The owners' to-do: approved fees left above a lowered ceiling (R13), for the org whose
    fee it is and the province that approved it."""
    if actor.kind not in (UnitKind.ORG, UnitKind.PROVINCE):
        return FeeStandard.objects.none()
    return fee_standard_list(actor=actor, above_ceiling_only=True)


def fee_versions_to_review(*, actor: Actor) -> QuerySet[FeeVersion]:
    if actor.kind != UnitKind.PROVINCE:
        return FeeVersion.objects.none()
    return FeeVersion.objects.filter(
        standard__province_id=actor.province_id, status=FeeVersionStatus.PENDING
    ).order_by("proposed_at")


def approved_fee(
    *, province: Division, certificate: Certificate, level: str, on: dt.date | None = None
) -> Decimal | None:
    """The fee the province approved for this certificate level, in force on ``on`` (R30).

    A pending increase does not count until approved: the previously approved version stays in
    force. None when the province has approved no fee.
    """
    on = on or timezone.localdate()
    version = (
        FeeVersion.objects.filter(
            standard__province=province,
            standard__certificate=certificate,
            standard__level=level,
            status__in=[FeeVersionStatus.APPROVED, FeeVersionStatus.SUPERSEDED],
            effective_from__lte=on,
        )
        .order_by("-effective_from", "-number")
        .only("amount")
        .first()
    )
    return version.amount if version else None


def negotiation_scope(actor: Actor) -> QuerySet[FeeNegotiation]:
    """The negotiations the actor may see: the org's, the parties', their province's.

    No ``distinct()`` here (a school matches through the party table): the workflow locks rows
    through this scope, and PostgreSQL refuses ``FOR UPDATE`` with ``DISTINCT``.
    """
    extra: list[tuple[str, Q]] = []
    if actor.unit is not None:
        extra = [
            (UnitKind.ORG, Q(org__unit=actor.unit)),
            (UnitKind.SCHOOL, Q(schools__unit=actor.unit)),
            (UnitKind.CITY, Q(province_id=actor.province_id)),
        ]
    visible = FeeNegotiation.objects.filter(
        actor.region_q(province="province", city=None, extra=extra)
    )
    return FeeNegotiation.objects.filter(pk__in=visible.values("pk"))


def negotiation_list(*, actor: Actor, q: str = "", status: str = "") -> QuerySet[FeeNegotiation]:
    qs = (
        negotiation_scope(actor)
        .select_related("org", "province", "certificate", "recorded_by")
        .prefetch_related("schools")
    )
    if status in NegotiationStatus.values:
        qs = qs.filter(status=status)
    if q.strip():
        term = q.strip()
        matching = FeeNegotiation.objects.filter(
            Q(certificate__name__icontains=term)
            | Q(org__name__icontains=term)
            | Q(schools__name__icontains=term)
        )
        qs = qs.filter(pk__in=matching.values("pk"))
    return qs.order_by("-negotiated_on", "-pk")


def negotiation_get(*, actor: Actor, pk: int) -> FeeNegotiation:
    return fetch(negotiation_list(actor=actor), pk=pk)


def negotiations_to_agree(*, actor: Actor) -> QuerySet[FeeNegotiation]:
    """The org's to-do: joint negotiations waiting for its explicit agreement (R45)."""
    if actor.kind != UnitKind.ORG:
        return FeeNegotiation.objects.none()
    return negotiation_list(actor=actor, status=NegotiationStatus.PROPOSED)


def negotiated_fee(
    *, school: School, certificate: Certificate, level: str, on: dt.date | None = None
) -> Decimal | None:
    """The latest fee the school negotiated jointly for this certificate level, if any (R45).

    Only a negotiation the org has agreed to counts: until then it changes nothing students pay.
    """
    on = on or timezone.localdate()
    row = (
        FeeNegotiation.objects.filter(
            schools=school,
            certificate=certificate,
            level=level,
            negotiated_on__lte=on,
            status=NegotiationStatus.AGREED,
        )
        .order_by("-negotiated_on", "-pk")
        .only("agreed_fee")
        .first()
    )
    return row.agreed_fee if row else None


PayerKind = Literal["pilot_student", "public"]


@dataclass(frozen=True)
class FeeDue:
    amount: Decimal
    payer: Literal["school", "learner", "none"]
    rule: str


def fee_due(
    *,
    province: Division,
    certificate: Certificate,
    level: str,
    payer_kind: PayerKind,
    exemption: str = ExemptionStatus.NONE,
    school: School | None = None,
    on: dt.date | None = None,
) -> FeeDue:
    """What one registration costs and who pays it.

    - A learner from a registered poor household (建档立卡) pays nothing, whoever would have
      paid (R40), once the exemption is confirmed (``exemption``): a claim waiting for the
      school's or the org's confirmation, or refused, leaves the fee due.
    - A pilot student never pays: the school pays the approved fee (R14, R46), or the fee it
      negotiated jointly when that is lower (R45; pass ``school``).
    - A member of the public pays the approved fee (R35).
    Raises RuleViolation R30 when the province has approved no fee for the level yet, and R13
    when the fee in force is above the level's current ceiling (lowered since the approval).
    """
    if payer_kind not in ("pilot_student", "public"):
        raise InvalidInput(_("未知的缴费人类型。"), field="payer_kind")
    if exemption == ExemptionStatus.CONFIRMED:
        return FeeDue(amount=Decimal("0.00"), payer="none", rule="R40")
    amount = approved_fee(province=province, certificate=certificate, level=level, on=on)
    if amount is None:
        raise RuleViolation(
            "R30",
            _("%(p)s尚未核定证书“%(c)s”%(level)s的考核费用标准，暂不能报名缴费。")
            % {"p": province.name, "c": certificate.name, "level": Level(level).label},
            field="level",
        )
    # R13: a fee left above a lowered ceiling no longer applies to new registrations.
    ceiling = ceiling_for(certificate=certificate, level=level)
    if exceeds_ceiling(amount, ceiling):
        raise RuleViolation(
            "R13",
            _(
                "%(p)s核定的证书“%(c)s”%(level)s考核费用 %(amount)s 元高于现行成本上限 "
                "%(ceiling)s 元，已停止适用，请等待重新核定后再报名。"
            )
            % {
                "p": province.name,
                "c": certificate.name,
                "level": Level(level).label,
                "amount": _yuan(amount),
                "ceiling": _yuan(ceiling or Decimal(0)),
            },
            field="level",
            details={"amount": _yuan(amount), "ceiling": _yuan(ceiling or Decimal(0))},
        )
    if payer_kind == "pilot_student":
        if school is not None:
            negotiated = negotiated_fee(school=school, certificate=certificate, level=level, on=on)
            if negotiated is not None and negotiated < amount:
                return FeeDue(amount=negotiated, payer="school", rule="R45")
        return FeeDue(amount=amount, payer="school", rule="R14")
    return FeeDue(amount=amount, payer="learner", rule="R30")
