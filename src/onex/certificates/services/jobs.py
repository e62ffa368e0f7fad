"""Batch jobs of certificates: issue to a closed plan's passed candidates, render PDFs.

A job is submitted (audited) and run by the queue once the submission commits; the runner is a
plain service, so tests call it directly. Each certificate is its own transaction, so progress
shows while the job runs and one refusal does not undo the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import zipfile
from collections.abc import Iterable

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from onex.assessment.models import ExamPlan, PlanStatus
from onex.assessment.selectors.exams import passed_candidates
from onex.catalog.models import Org
from onex.catalog.services.filings import require_org_filing
from onex.catalog.services.orgs import require_org_agreement
from onex.certificates.models import IssuedCertificate, IssueJob, IssueJobKind, IssueJobStatus
from onex.certificates.services.issue import (
    _check_dates,
    _issuing_org,
    _province_of,
    certificate_issue,
)
from onex.certificates.services.pdf import certificate_pdf_store
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, DomainError
from onex.core.models import Role

logger = logging.getLogger(__name__)

JOB_ERRORS_CAP = 500
ZIP_SPOOL_BYTES = 16 * 1024 * 1024


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


@db_task()  # type: ignore[untyped-decorator]  # huey ships no types
def run_issue_job(job_id: int) -> None:
    # Batch issue and batch PDF jobs share the runner; the body is a plain, testable service.
    # Declared here rather than in tasks.py so submitting a job needs no import back.
    issue_job_run(job_id=job_id)


def _enqueue(job: IssueJob) -> None:
    run_issue_job(job.pk)


def issue_job_submit(*, actor: Actor, plan: ExamPlan, issued_on: dt.date) -> IssueJob:
    """Queue the issue of certificates to every passed candidate of a closed plan."""
    _issuing_org(actor, plan.org)
    if plan.status != PlanStatus.CLOSED:
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
            passed_candidates(plan=job.plan)
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


def _store_zip(job: IssueJob, certificates: list[IssuedCertificate]) -> None:
    # Spooled: a large batch goes to disk rather than memory while the zip is written.
    with tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL_BYTES) as buffer:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for certificate in certificates:
                with certificate.pdf.open("rb") as handle:
                    archive.writestr(f"{certificate.number}.pdf", handle.read())
        buffer.seek(0)
        job.result.save(f"certificate-pdfs-{job.pk}.zip", File(buffer), save=False)
    job.save(update_fields=["result"])


def _pdf_job_run(job: IssueJob) -> IssueJob:
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
        rendered: list[IssuedCertificate] = []
        for item in items:
            try:
                rendered.append(certificate_pdf_store(certificate=item))
                job.succeeded += 1
            except DomainError as exc:
                job.skipped += 1
                errors.append({"ref": item.number, "message": str(exc.message)})
            job.done += 1
            IssueJob.objects.filter(pk=job.pk).update(
                done=job.done, succeeded=job.succeeded, skipped=job.skipped
            )
        if rendered:
            _store_zip(job, rendered)
        job.status = IssueJobStatus.DONE
    except Exception:
        logger.exception("certificate PDF job %s crashed", job.pk)
        job.status = IssueJobStatus.FAILED
        errors.append({"ref": "", "message": _("任务发生内部错误。")})
    job.errors = errors[:JOB_ERRORS_CAP]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "finished_at", "done", "succeeded", "skipped"])
    return job
