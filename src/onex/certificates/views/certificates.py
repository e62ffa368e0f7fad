"""Certificate pages: the scoped list (search, filters, xlsx), detail with timeline and status
actions, PDF download, batch issue with progress, the R15 compliance page, and the public
query and verification pages (no login, zh-hans and English).

Views stay thin: parse, call selectors and services, render. One view serves a page and its
htmx fragment.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.assessment.selectors.exams import plan_get
from onex.catalog.selectors.orgs import org_of
from onex.certificates.models import IssuedCertificate, IssueJob
from onex.certificates.selectors import certificates as selectors
from onex.certificates.selectors.sharing import is_holder
from onex.certificates.services.issue import R15_KEY
from onex.certificates.services.jobs import issue_job_submit, pdf_job_submit
from onex.certificates.services.pdf import certificate_pdf_for_download, verification_url
from onex.certificates.services.status import REASON_MAX, certificate_move
from onex.certificates.workflows import CERTIFICATE_STATUS
from onex.core.actors import Actor, request_actor
from onex.core.forms import DateInput
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.web import attempt, is_htmx, page_of, signed_in_download
from onex.core.xlsx import content_disposition, export_guard, export_response

FILTER_KEYS = ("q", "status", "level", "certificate", "province", "late")


# --- list, export, compliance -----------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip()[:100] for key in FILTER_KEYS}


def _certificates(actor: Actor, f: dict[str, str]) -> QuerySet[IssuedCertificate]:
    return selectors.certificate_list(
        actor=actor,
        q=f["q"] or None,
        status=f["status"] or None,
        level=f["level"] or None,
        certificate=f["certificate"] or None,
        province=f["province"] or None,
        late={"1": True, "0": False}.get(f["late"]),
    )


def export_certificates(certificates: QuerySet[IssuedCertificate]) -> HttpResponse:
    export_guard(certificates)
    headers = [
        _("证书编号"),
        _("姓名"),
        _("证件号码"),
        _("证书名称"),
        _("等级"),
        _("评价组织"),
        _("考核省份"),
        _("发证日期"),
        _("录入日期"),
        _("录入用时（工作日）"),
        _("逾期录入"),
        _("状态"),
        _("状态原因"),
        _("经本平台考核"),
    ]
    rows = (
        (
            c.number,
            c.holder_name,
            c.id_number_masked,
            c.certificate.name,
            c.get_level_display(),
            c.org.name,
            c.province.name,
            c.issued_on,
            c.entered_on,
            c.entry_working_days,
            c.late_entry,
            c.get_status_display(),
            c.status_reason,
            c.platform_examined,
        )
        for c in certificates.iterator(chunk_size=2000)
    )
    return export_response(filename=_("已颁发证书"), headers=headers, rows=rows, sheet=_("证书"))


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.kind == UnitKind.LEARNER:
        return _my_certificates(request, actor)
    filters = _filters(request)
    certificates = _certificates(actor, filters)
    if request.GET.get("format") == "xlsx":
        return export_certificates(certificates)
    page = page_of(request, certificates)
    context: dict[str, Any] = {
        "page_obj": page,
        "filters": filters,
        "options": selectors.certificate_filter_options(actor=actor),
        "show_province": actor.is_national or actor.kind == UnitKind.ORG,
        "is_org": actor.kind == UnitKind.ORG,
        "compliance": selectors.entry_compliance(actor=actor),
    }
    template = "certificates/table.html" if is_htmx(request) else "certificates/list.html"
    return render(request, template, context)


def _my_certificates(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A learner's own page: their certificates with verify, PDF and credential links; the staff
    list's filters, exports and deadline buttons are not theirs."""
    items = [
        {"certificate": c, "verify_url": verification_url(c.number)}
        for c in selectors.certificate_scope(actor=actor).order_by("-issued_on", "-pk")
    ]
    return render(request, "certificates/mine.html", {"items": items})


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    """R15: how many entries were late, and which (officials see their jurisdiction's)."""
    actor = request_actor(request)
    late = selectors.certificate_list(actor=actor, late=True)
    page = page_of(request, late)
    return render(
        request,
        "certificates/compliance.html",
        {
            "compliance": selectors.entry_compliance(actor=actor),
            "page_obj": page,
            "limit": policy_value(R15_KEY),
        },
    )


# --- detail, status changes, PDF --------------------------------------------------------------


def _timeline(certificate: IssuedCertificate) -> list[dict[str, Any]]:
    labels = {
        "issue": _("颁发并录入"),
        "suspend": _("暂停"),
        "revoke": _("撤销"),
        "reinstate": _("恢复有效"),
    }
    status_labels = dict(IssuedCertificate._meta.get_field("status").choices or [])
    return [
        {
            "at": e.at,
            "action": labels.get(e.action, e.action),
            "actor": (e.user.get_username() if e.user else _("系统"))
            + (f"（{e.unit.name}）" if e.unit else ""),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": status_labels.get(e.to_status, e.to_status),
        }
        for e in selectors.certificate_timeline(certificate)
    ]


class ReasonForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("suspend", "suspend"), ("revoke", "revoke"), ("reinstate", "reinstate")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=gettext_lazy("原因"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("必填；将显示在公开验证结果中。"),
    )


@login_required
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    certificate = selectors.certificate_get(actor=actor, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: certificate_move(
                actor=actor, certificate=certificate, action=data["action"], reason=data["reason"]
            ),
            form=form,
            show_forbidden=False,
        )
        if outcome.ok:
            messages.success(request, _("证书状态已更新。"))
            return redirect("certificates:detail", pk=certificate.pk)
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "timeline": _timeline(certificate),
            "form": form,
            "moves": CERTIFICATE_STATUS.allowed_moves(certificate, actor),
            "can_download": can_download(actor, certificate),
            "is_holder": is_holder(actor, certificate),
        },
        status=422 if request.method == "POST" else 200,
    )


def can_download(actor: Actor, certificate: IssuedCertificate) -> bool:
    """The issuing org, the holder and national actors download the PDF."""
    if actor.is_national:
        return True
    if actor.kind == UnitKind.ORG:
        return certificate.org.unit_id == actor.unit_id
    if actor.kind == UnitKind.LEARNER:
        return (
            certificate.holder_unit_id is not None and certificate.holder_unit_id == actor.unit_id
        )
    return False


def pdf_response(actor: Actor, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get(actor=actor, pk=pk)
    actor.require(can_download(actor, certificate), _("只有发证组织和持证人可以下载证书。"))
    content = certificate_pdf_for_download(certificate=certificate)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{certificate.number}.pdf")
    response["Cache-Control"] = "no-store"
    return response


@signed_in_download
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return pdf_response(request_actor(request), pk)


# --- batch issue and PDF jobs (orgs) ----------------------------------------------------------


class IssueForm(forms.Form):
    plan = forms.IntegerField(widget=forms.HiddenInput)
    issued_on = forms.DateField(label=gettext_lazy("发证日期"), widget=DateInput())


def _require_org(actor: Actor) -> None:
    if actor.kind != UnitKind.ORG or org_of(actor) is None:
        raise PermissionDenied(_("只有培训评价组织可以颁发证书。"))


@login_required
def issue(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require_org(actor)
    form = IssueForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        plan = plan_get(actor=actor, pk=form.cleaned_data["plan"])
        issued_on = form.cleaned_data["issued_on"]
        outcome = attempt(
            lambda: issue_job_submit(actor=actor, plan=plan, issued_on=issued_on),
            request=request,
            show_forbidden=False,
        )
        if outcome.ok:
            return redirect("certificates:job", pk=outcome.value.pk)
    jobs = selectors.issue_job_scope(actor=actor)[:10]
    return render(
        request,
        "certificates/issue.html",
        {
            "plans": selectors.closed_plans_for_issue(actor=actor),
            "form": form,
            "jobs": jobs,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def pdf_batch(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require_org(actor)
    org = org_of(actor)
    assert org is not None
    job = pdf_job_submit(actor=actor, org=org)
    return redirect("certificates:job", pk=job.pk)


@signed_in_download
def job_result(request: HttpRequest, pk: int) -> FileResponse:
    """The PDF job's zip, for whoever may see the job (404 for everyone else)."""
    item = selectors.issue_job_get(actor=request_actor(request), pk=pk)
    if not item.result:
        raise Http404
    response = FileResponse(item.result.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = content_disposition(f"certificate-pdfs-{item.pk}.zip")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    item: IssueJob = selectors.issue_job_get(actor=request_actor(request), pk=pk)
    template = "certificates/job_status.html" if is_htmx(request) else "certificates/job.html"
    return render(request, template, {"job": item})
