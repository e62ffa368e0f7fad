"""Issuing to the passed candidates of a closed exam plan (batch job and one by one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from onex.assessment.models import ExamPlan, PlanStatus, Registration
from onex.assessment.services import exams as exam_services
from onex.certificates.models import IssuedCertificate, IssueJob, IssueJobStatus
from onex.certificates.services.issue import certificate_issue
from onex.certificates.services.jobs import issue_job_submit
from onex.core.actors import Actor
from onex.core.errors import Conflict, Forbidden
from tests.factories_assessment import Exams, make_id
from tests.factories_certificates import client_for
from tests.personas import make_org, make_user


def closed_plan(ex: Exams, n: int = 3) -> tuple[ExamPlan, list[Registration]]:
    plan, regs = ex.published(n)
    plan = ex.age(plan, 30)  # the publicity period is over
    plan = exam_services.plan_close(actor=ex.p.org.actor, plan=plan)
    assert plan.status == PlanStatus.CLOSED
    return plan, regs


def test_batch_job_issues_to_every_passed_candidate_once(
    ex: Exams, django_capture_on_commit_callbacks: Any
) -> None:
    plan, regs = closed_plan(ex, 3)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        job = issue_job_submit(actor=ex.p.org.actor, plan=plan, issued_on=today)
    job = IssueJob.objects.get(pk=job.pk)
    assert (job.status, job.total, job.succeeded, job.skipped) == (IssueJobStatus.DONE, 1, 1, 0)
    issued = IssuedCertificate.objects.get()
    passed = regs[0]
    assert issued.registration_id == passed.pk
    assert issued.holder_name == passed.candidate.name
    assert issued.id_number_hash == passed.candidate.id_number_hash
    assert issued.id_number_masked == passed.candidate.id_number_masked
    assert issued.school_id == ex.p.gd_school_obj.pk
    assert (issued.province.code, issued.level) == ("440000", plan.level)
    assert issued.entered_on == today and not issued.late_entry
    # Running it again issues nothing new: one certificate per passed registration.
    with django_capture_on_commit_callbacks(execute=True):
        again = issue_job_submit(actor=ex.p.org.actor, plan=plan, issued_on=today)
    again = IssueJob.objects.get(pk=again.pk)
    assert (again.total, again.succeeded) == (0, 0)
    assert IssuedCertificate.objects.count() == 1
    with pytest.raises(Conflict):
        certificate_issue(actor=ex.p.org.actor, registration=passed, issued_on=today)


def test_job_page_shows_progress_to_the_org_only(
    ex: Exams, django_capture_on_commit_callbacks: Any
) -> None:
    plan, _regs = closed_plan(ex, 2)
    client = client_for(ex.p.org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/certificates/issue/", {"plan": plan.pk, "issued_on": timezone.localdate()}
        )
    assert response.status_code == 302
    job = IssueJob.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<progress" in page.content.decode()
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'id="certificate-job-status"' in fragment.content.decode()
    assert client_for(ex.p.hb).get(f"/certificates/jobs/{job.pk}/").status_code == 404


def test_issue_page_lists_closed_plans_with_counts(ex: Exams) -> None:
    plan, _regs = closed_plan(ex, 2)
    page = client_for(ex.p.org).get("/certificates/issue/")
    assert page.status_code == 200
    assert plan.title in page.content.decode()
    assert client_for(ex.p.gd).get("/certificates/issue/").status_code == 403


def test_a_failed_candidate_gets_no_certificate(ex: Exams) -> None:
    _plan, regs = closed_plan(ex, 2)
    with pytest.raises(Conflict):
        certificate_issue(
            actor=ex.p.org.actor, registration=regs[1], issued_on=timezone.localdate()
        )


def test_no_certificate_before_the_publicity_closes(ex: Exams) -> None:
    plan, regs = ex.published(1)
    with pytest.raises(Conflict):
        certificate_issue(
            actor=ex.p.org.actor, registration=regs[0], issued_on=timezone.localdate()
        )
    with pytest.raises(Conflict):
        issue_job_submit(actor=ex.p.org.actor, plan=plan, issued_on=timezone.localdate())


def test_issue_date_before_the_exam_is_refused(ex: Exams) -> None:
    from onex.core.errors import InvalidInput

    plan, regs = closed_plan(ex, 1)
    with pytest.raises(InvalidInput):
        certificate_issue(
            actor=ex.p.org.actor,
            registration=regs[0],
            issued_on=plan.exam_date - dt.timedelta(days=1),
        )


def test_another_org_cannot_issue_the_plans_certificates(ex: Exams) -> None:
    plan, regs = closed_plan(ex, 1)
    other = make_user("other-org", make_org("其他组织", "91110108MA0000000A").unit)
    with pytest.raises(Forbidden):
        certificate_issue(actor=other.actor, registration=regs[0], issued_on=timezone.localdate())
    api = client_for(other).post(
        "/api/v1/certificates/issue-jobs",
        {"plan_id": plan.pk, "issued_on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert api.status_code in (403, 404)
    assert not IssuedCertificate.objects.exists()


def test_api_issues_one_registration(ex: Exams) -> None:
    _plan, regs = closed_plan(ex, 1)
    response = client_for(ex.p.org).post(
        "/api/v1/certificates/issue",
        {"registration_id": regs[0].pk, "issued_on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["holder_name"] == regs[0].candidate.name and body["warnings"] == []


def test_r36_public_result_query_by_admission_ticket(ex: Exams) -> None:
    _plan, regs = closed_plan(ex, 1)
    issued = certificate_issue(
        actor=Actor.system(), registration=regs[0], issued_on=timezone.localdate()
    )
    id_number = make_id(1)
    body = {
        "name": regs[0].candidate.name,
        "id_number": id_number,
        "admission_ticket": regs[0].ticket_number,
    }
    response = Client().post(
        "/api/v1/public/certificates/query", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    result = response.json()["exam_result"]
    assert result["admission_ticket"] == regs[0].ticket_number
    assert result["passed"] is True and result["certificate_number"] == issued.number
    assert id_number not in response.content.decode()
    wrong = Client().post(
        "/api/v1/public/certificates/query",
        {**body, "admission_ticket": regs[0].ticket_number + "9"},
        content_type="application/json",
    )
    assert wrong.status_code == 404
