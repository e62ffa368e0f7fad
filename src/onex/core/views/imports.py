"""Bulk import pages: spec list, upload page per spec, job page with live progress and errors."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from onex.core.actors import request_actor
from onex.core.errors import DomainError, NotFound
from onex.core.import_services import import_submit
from onex.core.imports import (
    ImportSpec,
    get_spec,
    import_job_get,
    import_job_list,
    job_error_rows,
    job_status_message,
    specs_for,
)
from onex.core.models import ImportStatus
from onex.core.web import attempt, is_htmx
from onex.core.xlsx import export_response, template_response

JOBS_SHOWN = 20
ERRORS_SHOWN = 200  # the page shows the first errors; the xlsx download has all stored ones


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("选择文件"),
        help_text=gettext_lazy("Excel 文件（.xlsx），第一行为列名。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm"}),
    )

    def error_field(self, exc: DomainError) -> str:
        # Every refusal of an upload is about the file: the form has no other field.
        return "file"


@login_required
def import_index(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request,
        "core/import_index.html",
        {"specs": specs_for(actor=actor), "jobs": import_job_list(actor=actor)[:JOBS_SHOWN]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_spec_page(request: HttpRequest, spec_name: str) -> HttpResponse:
    actor = request_actor(request)
    spec = get_spec(spec_name)
    if not spec.allowed(actor=actor):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        submitted = attempt(
            lambda: import_submit(
                actor=actor, spec_name=spec.name, uploaded_file=form.cleaned_data["file"]
            ),
            form=form,
            show_forbidden=False,
        )
        if submitted.ok:
            job = submitted.value
            if job.is_repeat:
                messages.info(request, job_status_message(job))
            return redirect("import_job", job_id=job.pk)
    jobs = import_job_list(actor=actor, spec_name=spec.name)[:JOBS_SHOWN]
    return render(request, "core/import_spec.html", {"spec": spec, "form": form, "jobs": jobs})


@login_required
def import_template(request: HttpRequest, spec_name: str) -> HttpResponse:
    return template_response(get_spec(spec_name))


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_get(actor=request_actor(request), job_id=job_id)
    try:
        spec: ImportSpec | None = get_spec(job.spec_name)
    except NotFound:
        spec = None  # an importer removed since: the job stays readable
    context = {
        "job": job,
        "spec": spec,
        "message": job_status_message(job),
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, job.error_count - min(len(job.errors), ERRORS_SHOWN)),
        "is_failed": job.status == ImportStatus.FAILED,
        "is_succeeded": job.status == ImportStatus.SUCCEEDED,
    }
    # One view for page and fragment: htmx polls for the status block only.
    if is_htmx(request):
        return render(request, "core/import_job_status.html", context)
    return render(request, "core/import_job.html", context)


@login_required
def import_job_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_get(actor=request_actor(request), job_id=job_id)
    return export_response(
        filename=f"{_('导入错误')}-{job.pk}.xlsx",
        headers=[_("行号"), _("列"), _("错误信息")],
        rows=job_error_rows(job),
        sheet=_("错误清单"),
    )


urlpatterns: list[URLPattern] = [
    path("imports/", import_index, name="imports"),
    path("imports/job/<int:job_id>/", import_job, name="import_job"),
    path("imports/job/<int:job_id>/errors.xlsx", import_job_errors, name="import_job_errors"),
    path("imports/<slug:spec_name>/", import_spec_page, name="import_spec"),
    path("imports/<slug:spec_name>/template.xlsx", import_template, name="import_template"),
]
