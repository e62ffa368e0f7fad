"""Writes of certificates: issue (one or a plan's batch) and PDF jobs (R15, R18, R38).

Every write locks what it changes, checks the rules, records a ``StatusChange`` row for the
timeline and an audit event, inside one transaction. Queued jobs start on commit. Status
changes after issue are in ``services.status``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import PlanStatus, Registration, RegistrationStatus
from onex.catalog.models import Certificate, Level, Org
from onex.catalog.selectors.orgs import org_of
from onex.catalog.services.filings import require_org_filing
from onex.catalog.services.orgs import require_org_agreement
from onex.certificates.models import (
    CertificateStatus,
    IssuedCertificate,
    StatusChange,
)
from onex.certificates.services.numbering import allocate
from onex.certificates.services.tallies import tally_issue
from onex.core import crypto, registry
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.calendar import CalendarDataMissing, working_days_between
from onex.core.errors import Conflict, InvalidInput
from onex.core.models import Unit, UnitKind
from onex.core.policy import policy_value
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School

logger = logging.getLogger(__name__)

R15_KEY = "r15.certificate_entry_working_days"
JOB_ERRORS_CAP = 500

#: Emitted (``onex.core.registry.emit``) with the certificate once its issue or entry commits.
CERTIFICATE_ISSUED = "certificates.issued"
#: Emitted with the certificate once a suspension, revocation or reinstatement commits.
CERTIFICATE_STATUS_CHANGED = "certificates.status_changed"


# --- R15: entry within N working days of issue ------------------------------------------------


@dataclass(frozen=True)
class EntryTimeliness:
    working_days: int
    limit: int
    late: bool
    calendar_unverified: bool
    warnings: tuple[str, ...] = ()


def entry_timeliness(
    *,
    issued_on: dt.date,
    entered_on: dt.date,
    province: Division | None = None,
    certificate: Certificate | None = None,
) -> EntryTimeliness:
    """R15: working days from issue to entry on the PRC calendar, against the profile's limit.

    A year without calendar data does not block issuing: the days are estimated Mon–Fri and the
    certificate is flagged ``calendar_unverified`` with a visible warning (never a silent guess).
    """
    limit = int(
        policy_value(
            R15_KEY,
            province=province,
            batch_number=certificate.batch.number if certificate is not None else None,
            on=issued_on,
        )
    )
    try:
        days = working_days_between(issued_on, entered_on)
        unverified = False
        warnings: tuple[str, ...] = ()
    except CalendarDataMissing:
        estimate = working_days_between(issued_on, entered_on, assume_weekends=True)
        days = estimate.value
        unverified = True
        warnings = estimate.warnings
    return EntryTimeliness(
        working_days=days,
        limit=limit,
        late=days > limit,
        calendar_unverified=unverified,
        warnings=warnings,
    )


def late_entry_message(timeliness: EntryTimeliness) -> str:
    return _(
        "证书信息在发证后第 %(days)s 个工作日录入，超过 %(limit)s 个工作日的时限（R15），"
        "已记为逾期录入。"
    ) % {"days": timeliness.working_days, "limit": timeliness.limit}


# --- permissions ------------------------------------------------------------------------------


def _issuing_org(actor: Actor, org: Org) -> None:
    """Only the certificate's own org issues (the system may act for it)."""
    actor.require_kind(UnitKind.ORG)
    if actor.is_system:
        return
    own = org_of(actor)
    actor.require(own is not None and own.pk == org.pk, _("只有该证书的培训评价组织可以颁发证书。"))


# --- issue ------------------------------------------------------------------------------------


def _province_of(division: Division) -> Division:
    if division.level == DivisionLevel.CITY and division.parent is not None:
        return division.parent
    return division


def _audit_view(c: IssuedCertificate) -> dict[str, Any]:
    return {
        "number": c.number,
        "certificate": c.certificate_id,
        "level": c.level,
        "org": c.org_id,
        "province": c.province_id,
        "holder_name": c.holder_name,
        "id_number": c.id_number_masked,
        "issued_on": c.issued_on,
        "entered_on": c.entered_on,
        "entry_working_days": c.entry_working_days,
        "late_entry": c.late_entry,
        "calendar_unverified": c.calendar_unverified,
        "status": c.status,
        "registration": c.registration_id,
    }


def _check_dates(issued_on: dt.date, entered_on: dt.date) -> None:
    if issued_on > entered_on:
        raise InvalidInput(
            _("发证日期 %(issued)s 晚于录入日期 %(entered)s：不能录入尚未颁发的证书。")
            % {"issued": issued_on.isoformat(), "entered": entered_on.isoformat()},
            field="issued_on",
        )


@dataclass
class _Holder:
    name: str
    id_type: str
    id_number: str
    unit: Unit | None = None
    school: School | None = None


def _create(
    *,
    actor: Actor,
    certificate: Certificate,
    level: str,
    province: Division,
    holder: _Holder,
    issued_on: dt.date,
    entered_on: dt.date,
    registration: Registration | None,
) -> IssuedCertificate:
    org = certificate.org
    require_org_agreement(org)  # R18
    require_org_filing(org, province, certificate)  # R38
    timeliness = entry_timeliness(
        issued_on=issued_on, entered_on=entered_on, province=province, certificate=certificate
    )
    with transaction.atomic():
        series, serial, number = allocate(
            year=issued_on.year, certificate=certificate, level=level, province=province
        )
        issued = IssuedCertificate(
            number=number,
            series=series,
            serial=serial,
            certificate=certificate,
            level=level,
            org=org,
            province=province,
            school=holder.school,
            holder_name=holder.name,
            holder_unit=holder.unit,
            registration=registration,
            issued_on=issued_on,
            entered_on=entered_on,
            entry_working_days=timeliness.working_days,
            late_entry=timeliness.late,
            calendar_unverified=timeliness.calendar_unverified,
            issued_by=actor.user,
        )
        issued.set_id_number(id_type=holder.id_type, value=holder.id_number)
        try:
            with transaction.atomic():
                issued.save()
        except IntegrityError:
            if (
                registration is not None
                and IssuedCertificate.objects.filter(registration=registration).exists()
            ):
                raise Conflict(
                    _("考生 %(name)s 的本次考核已颁发证书，不能重复颁发。") % {"name": holder.name}
                ) from None
            raise
        tally_issue(issued)  # the overview's counts, in this transaction
        notes = []
        if timeliness.late:
            notes.append(late_entry_message(timeliness))
        notes.extend(timeliness.warnings)
        StatusChange.record(
            actor=actor,
            certificate=issued,
            action="issue",
            from_status="",
            to_status=CertificateStatus.VALID,
            reason=" ".join(notes),
        )
        audit_record(
            actor=actor, action="certificates.issue", target=issued, new=_audit_view(issued)
        )
        # Downstream apps (the credit bank) react once the certificate is committed.
        transaction.on_commit(lambda: registry.emit(CERTIFICATE_ISSUED, issued))
    late = (late_entry_message(timeliness),) if timeliness.late else ()
    issued.warnings = late + timeliness.warnings
    return issued


def _candidate_id_number(candidate: Any) -> str:
    # The certificate stands alone, so the number is copied under this model's own key context.
    # A copy made by the platform is not a person viewing the number: no personal.view event.
    if not candidate.id_number_enc:
        raise InvalidInput(_("考生缺少证件号码，不能发证。"), field="id_number")
    return crypto.decrypt(candidate.id_number_enc, context=candidate._id_number_context()).decode()


def certificate_issue(
    *,
    actor: Actor,
    registration: Registration,
    issued_on: dt.date,
    entered_on: dt.date | None = None,
) -> IssuedCertificate:
    """Issue the certificate of one passed registration of a closed plan.

    ``entered_on`` is today; only back-filling by the platform (tests, demo data) passes it.
    """
    plan = registration.plan
    certificate = plan.certificate
    _issuing_org(actor, plan.org)
    if plan.status != PlanStatus.CLOSED:
        raise Conflict(
            _("考核计划“%(plan)s”的成绩公示尚未结束（当前状态：%(status)s），不能发证。")
            % {"plan": plan.title, "status": plan.get_status_display()}
        )
    if registration.passed is not True or registration.status == RegistrationStatus.WITHDRAWN:
        raise Conflict(
            _("考生 %(name)s 未通过本次考核，不能发证。") % {"name": registration.candidate.name}
        )
    entered_on = entered_on or timezone.localdate()
    _check_dates(issued_on, entered_on)
    if issued_on < plan.exam_date:
        raise InvalidInput(
            _("发证日期 %(issued)s 早于考试日期 %(exam)s。")
            % {"issued": issued_on.isoformat(), "exam": plan.exam_date.isoformat()},
            field="issued_on",
        )
    if IssuedCertificate.objects.filter(registration=registration).exists():
        raise Conflict(
            _("考生 %(name)s 的本次考核已颁发证书，不能重复颁发。")
            % {"name": registration.candidate.name}
        )
    candidate = registration.candidate
    holder = _Holder(
        name=candidate.name,
        id_type=candidate.id_type,
        id_number=_candidate_id_number(candidate),
        unit=candidate.learner_unit,
        school=registration.school or candidate.school,
    )
    return _create(
        actor=actor,
        certificate=certificate,
        level=plan.level,
        province=_province_of(registration.province or plan.province),
        holder=holder,
        issued_on=issued_on,
        entered_on=entered_on,
        registration=registration,
    )


def certificate_enter(
    *,
    actor: Actor,
    certificate: Certificate,
    level: str,
    province: Division,
    holder_name: str,
    id_type: str,
    id_number: str,
    issued_on: dt.date,
    holder_unit: Unit | None = None,
    school: School | None = None,
    entered_on: dt.date | None = None,
) -> IssuedCertificate:
    """Enter a certificate issued without an exam record on the platform (back-filled data).

    Same rules as ``certificate_issue`` (R15, R18, R38); ``entered_on`` as there.
    """
    _issuing_org(actor, certificate.org)
    if level not in Level.values:
        raise InvalidInput(_("未知的证书等级。"), field="level")
    if not certificate.levels.filter(level=level).exists():
        raise InvalidInput(
            _("证书“%(c)s”没有%(level)s。") % {"c": certificate.name, "level": Level(level).label},
            field="level",
        )
    name = (holder_name or "").strip()
    if not name or len(name) > 64:
        raise InvalidInput(_("请填写持证人姓名（不超过 64 个字符）。"), field="holder_name")
    entered_on = entered_on or timezone.localdate()
    _check_dates(issued_on, entered_on)
    return _create(
        actor=actor,
        certificate=certificate,
        level=level,
        province=_province_of(province),
        holder=_Holder(name, id_type, id_number, holder_unit, school),
        issued_on=issued_on,
        entered_on=entered_on,
        registration=None,
    )


def holders_link_learner(*, actor: Actor, id_number_hashes: list[str], learner_unit: Unit) -> int:
    """Give a newly claimed learner account the certificates already issued to that person.

    Called by accounts when a school's student claims their learner account (the school's
    claim code proves who they are); certificates already held by another account are left
    alone. Returns how many were linked (each audited).
    """
    actor.require(actor.is_system or actor.unit_id == learner_unit.pk)
    linked = 0
    with transaction.atomic():
        rows = IssuedCertificate.objects.select_for_update(of=("self",)).filter(
            id_number_hash__in=id_number_hashes, holder_unit__isnull=True
        )
        for issued in rows:
            issued.holder_unit = learner_unit
            issued.save(update_fields=["holder_unit"])
            audit_record(
                actor=actor,
                action="certificates.holder_link",
                target=issued,
                new={"holder_unit": learner_unit.pk},
            )
            linked += 1
    return linked
