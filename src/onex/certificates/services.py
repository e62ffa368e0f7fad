"""Writes of certificates: issue (one or a plan's batch), status changes, PDF jobs (R15, R18, R38).

Every write locks what it changes, checks the rules, records a ``StatusChange`` row for the
timeline and an audit event, inside one transaction. Side effects (queued jobs, the verifiable
credentials' status list) run on commit.

Hook for the verifiable-credentials module: after a suspension, revocation or reinstatement
commits, ``onex.certificates.credentials.on_status_change(certificate)`` is called if that
module provides it (imported lazily; a missing module or function is not an error). No signals.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Certificate, Level, Org
from onex.catalog.selectors.orgs import org_of
from onex.catalog.services.filings import require_org_filing
from onex.catalog.services.orgs import require_org_agreement
from onex.certificates.models import (
    CertificateStatus,
    IssuedCertificate,
    IssueJob,
    IssueJobKind,
    IssueJobStatus,
    StatusChange,
)
from onex.certificates.numbering import allocate
from onex.core import crypto
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.calendar import CalendarDataMissing, working_days_between
from onex.core.errors import Conflict, DomainError, InvalidInput
from onex.core.models import Role, Unit, UnitKind
from onex.core.policy import policy_value
from onex.geo.models import Division, DivisionLevel

if TYPE_CHECKING:
    from onex.assessment.models import ExamPlan, Registration
    from onex.pilots.models import School

logger = logging.getLogger(__name__)

R15_KEY = "r15.certificate_entry_working_days"
REASON_MAX = 500
JOB_ERRORS_CAP = 500
# The plan status after which certificates may be issued (publicity over, results final).
PLAN_CLOSED = "closed"


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


def can_change_status(actor: Actor, certificate: IssuedCertificate) -> bool:
    """The issuing org or the Ministry (admins and staff, never viewers)."""
    if actor.is_system:
        return True
    if not actor.can_write:
        return False
    if actor.kind == UnitKind.MINISTRY:
        return True
    return actor.kind == UnitKind.ORG and certificate.org.unit_id == actor.unit_id


def _require_status_changer(actor: Actor, certificate: IssuedCertificate) -> None:
    if actor.is_authenticated:
        actor.require_write()
    actor.require(
        can_change_status(actor, certificate),
        _("只有颁发该证书的培训评价组织或教育部可以变更证书状态。"),
    )


# --- issue ------------------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(_("请填写原因。"), field="reason")
    if len(text) > REASON_MAX:
        raise InvalidInput(_("原因不能超过 %(n)s 个字符。") % {"n": REASON_MAX}, field="reason")
    return text


def _province_of(division: Division) -> Division:
    if division.level == DivisionLevel.CITY and division.parent is not None:
        return division.parent
    return division


def _event(
    certificate: IssuedCertificate,
    actor: Actor,
    action: str,
    old: str,
    new: str,
    reason: str = "",
) -> StatusChange:
    return StatusChange.record(
        actor=actor,
        certificate=certificate,
        action=action,
        from_status=old,
        to_status=new,
        reason=reason,
    )


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
        notes = []
        if timeliness.late:
            notes.append(late_entry_message(timeliness))
        notes.extend(timeliness.warnings)
        _event(issued, actor, "issue", "", CertificateStatus.VALID, " ".join(notes))
        audit_record(
            actor=actor, action="certificates.issue", target=issued, new=_audit_view(issued)
        )
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
    if plan.status != PLAN_CLOSED:
        raise Conflict(
            _("考核计划“%(plan)s”的成绩公示尚未结束（当前状态：%(status)s），不能发证。")
            % {"plan": plan.title, "status": plan.get_status_display()}
        )
    if registration.passed is not True or getattr(registration, "status", "") == "withdrawn":
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


# --- status changes ---------------------------------------------------------------------------


def _notify_status_change(certificate_pk: int) -> None:
    try:
        from onex.certificates import credentials
    except ImportError:
        return
    hook = getattr(credentials, "on_status_change", None)
    if hook is None:
        return
    certificate = IssuedCertificate.objects.get(pk=certificate_pk)
    hook(certificate)


def _change_status(
    *,
    actor: Actor,
    certificate: IssuedCertificate,
    action: str,
    allowed_from: Iterable[str],
    to_status: str,
    reason: str,
) -> IssuedCertificate:
    _require_status_changer(actor, certificate)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = (
            IssuedCertificate.objects.select_for_update()
            .select_related("org", "certificate")
            .get(pk=certificate.pk)
        )
        old = locked.status
        if old not in allowed_from:
            raise Conflict(
                _("证书当前状态为“%(status)s”，不能执行此操作。")
                % {"status": locked.get_status_display()}
            )
        locked.status = to_status
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        _event(locked, actor, action, old, to_status, reason)
        audit_record(
            actor=actor,
            action=f"certificates.{action}",
            target=locked,
            old={"status": old},
            new={"status": to_status, "reason": reason},
        )
        pk = locked.pk
        transaction.on_commit(lambda: _notify_status_change(pk))
    return locked


def certificate_suspend(
    *, actor: Actor, certificate: IssuedCertificate, reason: str
) -> IssuedCertificate:
    return _change_status(
        actor=actor,
        certificate=certificate,
        action="suspend",
        allowed_from=(CertificateStatus.VALID,),
        to_status=CertificateStatus.SUSPENDED,
        reason=reason,
    )


def certificate_revoke(
    *, actor: Actor, certificate: IssuedCertificate, reason: str
) -> IssuedCertificate:
    """Revocation is final: a revoked certificate is never reinstated."""
    return _change_status(
        actor=actor,
        certificate=certificate,
        action="revoke",
        allowed_from=(CertificateStatus.VALID, CertificateStatus.SUSPENDED),
        to_status=CertificateStatus.REVOKED,
        reason=reason,
    )


def certificate_reinstate(
    *, actor: Actor, certificate: IssuedCertificate, reason: str
) -> IssuedCertificate:
    return _change_status(
        actor=actor,
        certificate=certificate,
        action="reinstate",
        allowed_from=(CertificateStatus.SUSPENDED,),
        to_status=CertificateStatus.VALID,
        reason=reason,
    )


# --- batch jobs -------------------------------------------------------------------------------


def _job_actor(job: IssueJob) -> Actor:
    user = job.user
    if user is None and job.unit is None:
        return Actor.system()
    return Actor(
        user=user,
        unit=job.unit,
        role=user.role if user is not None and user.is_active else Role.VIEWER,
        ip=job.ip,
    )


def _enqueue(job: IssueJob) -> None:
    from onex.certificates.tasks import run_issue_job

    run_issue_job(job.pk)


def issue_job_submit(*, actor: Actor, plan: ExamPlan, issued_on: dt.date) -> IssueJob:
    """Queue the issue of certificates to every passed candidate of a closed plan."""
    _issuing_org(actor, plan.org)
    if plan.status != PLAN_CLOSED:
        raise Conflict(
            _("考核计划“%(plan)s”的成绩公示尚未结束（当前状态：%(status)s），不能发证。")
            % {"plan": plan.title, "status": plan.get_status_display()}
        )
    _check_dates(issued_on, timezone.localdate())
    # Refuse up front what every row would fail on (R18, R38), so the org sees it at once.
    require_org_agreement(plan.org)
    require_org_filing(plan.org, _province_of(plan.province), plan.certificate)
    live = IssueJob.objects.filter(
        kind=IssueJobKind.ISSUE,
        plan=plan,
        status__in=(IssueJobStatus.PENDING, IssueJobStatus.RUNNING),
    ).first()
    if live is not None:
        return live
    with transaction.atomic():
        job = IssueJob.objects.create(
            kind=IssueJobKind.ISSUE,
            org=plan.org,
            plan=plan,
            issued_on=issued_on,
            user=actor.user,
            unit=actor.unit,
            ip=actor.ip,
        )
        audit_record(
            actor=actor,
            action="certificates.issue_job_submit",
            target=job,
            new={"plan": plan.pk, "issued_on": issued_on},
        )
        transaction.on_commit(lambda: _enqueue(job))
    return job


def pdf_job_submit(
    *, actor: Actor, org: Org, certificate_ids: Iterable[int] | None = None
) -> IssueJob:
    """Queue PDF rendering of the org's certificates (all without a PDF, or the given ones)."""
    _issuing_org(actor, org)
    with transaction.atomic():
        ids = sorted(set(certificate_ids)) if certificate_ids is not None else None
        job = IssueJob.objects.create(
            kind=IssueJobKind.PDF,
            org=org,
            certificate_ids=ids,
            user=actor.user,
            unit=actor.unit,
            ip=actor.ip,
        )
        audit_record(
            actor=actor,
            action="certificates.pdf_job_submit",
            target=job,
            new={"org": org.pk, "count": len(ids) if ids is not None else "all"},
        )
        transaction.on_commit(lambda: _enqueue(job))
    return job


def _claim(job_id: int) -> IssueJob | None:
    claimed = IssueJob.objects.filter(pk=job_id, status=IssueJobStatus.PENDING).update(
        status=IssueJobStatus.RUNNING
    )
    if not claimed:
        return None  # tasks may be delivered twice
    return IssueJob.objects.select_related("org", "plan", "user", "unit").get(pk=job_id)


def _passed_registrations(plan: ExamPlan) -> Any:
    from onex.assessment.selectors.exams import passed_candidates

    return passed_candidates(plan=plan)


def issue_job_run(*, job_id: int) -> IssueJob | None:
    """Issue to every passed registration of the plan that has no certificate yet.

    One transaction per certificate: the progress is visible while it runs, and a refusal of
    one candidate (e.g. a missing ID number) is reported without undoing the others.
    """
    job = _claim(job_id)
    if job is None:
        return None
    if job.kind == IssueJobKind.PDF:
        return _pdf_job_run(job)
    actor = _job_actor(job)
    errors: list[dict[str, str]] = []
    try:
        assert job.plan is not None and job.issued_on is not None
        registrations = list(
            _passed_registrations(job.plan)
            .filter(issued_certificate__isnull=True)
            .select_related("candidate", "plan", "plan__certificate", "plan__org", "school")
        )
        job.total = len(registrations)
        job.save(update_fields=["total"])
        for registration in registrations:
            try:
                certificate_issue(actor=actor, registration=registration, issued_on=job.issued_on)
                job.succeeded += 1
            except DomainError as exc:
                job.skipped += 1
                if len(errors) < JOB_ERRORS_CAP:
                    errors.append({"ref": registration.candidate.name, "message": str(exc.message)})
            job.done += 1
            IssueJob.objects.filter(pk=job.pk).update(
                done=job.done, succeeded=job.succeeded, skipped=job.skipped
            )
        job.status = IssueJobStatus.DONE
    except Exception:
        logger.exception("certificate issue job %s crashed", job_id)
        job.status = IssueJobStatus.FAILED
        errors.append({"ref": "", "message": _("任务发生内部错误，已颁发的证书保留。")})
    job.errors = errors
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "finished_at", "done", "succeeded", "skipped"])
    return job


def _pdf_job_run(job: IssueJob) -> IssueJob:
    from onex.certificates.pdf import certificate_pdf_store

    selection = job.certificate_ids
    qs = IssuedCertificate.objects.filter(org=job.org).select_related(
        "certificate", "org", "province"
    )
    qs = qs.filter(pk__in=selection) if selection is not None else qs.filter(pdf="")
    errors: list[dict[str, str]] = []
    try:
        items = list(qs.order_by("pk"))
        job.total = len(items)
        job.save(update_fields=["total"])
        for item in items:
            try:
                certificate_pdf_store(certificate=item)
                job.succeeded += 1
            except DomainError as exc:
                job.skipped += 1
                errors.append({"ref": item.number, "message": str(exc.message)})
            job.done += 1
            IssueJob.objects.filter(pk=job.pk).update(
                done=job.done, succeeded=job.succeeded, skipped=job.skipped
            )
        job.status = IssueJobStatus.DONE
    except Exception:
        logger.exception("certificate PDF job %s crashed", job.pk)
        job.status = IssueJobStatus.FAILED
        errors.append({"ref": "", "message": _("任务发生内部错误。")})
    job.errors = errors[:JOB_ERRORS_CAP]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "finished_at", "done", "succeeded", "skipped"])
    return job
