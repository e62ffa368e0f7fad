"""Bulk import API: specs, templates, upload (multipart) and job status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from onex.core.actors import request_actor
from onex.core.import_services import import_submit
from onex.core.imports import ImportSpec, get_spec, import_job_get, job_status_message, specs_for
from onex.core.models import ImportJob
from onex.core.xlsx import template_response

router = Router(tags=["imports"])


class ColumnOut(Schema):
    key: str
    header: str
    required: bool
    format: str
    example: str
    choices: list[str]


class SpecOut(Schema):
    name: str
    title: str
    description: str
    columns: list[ColumnOut]
    template_url: str


class RowErrorOut(Schema):
    row: int | None
    column: str
    message: str


class ImportJobOut(Schema):
    id: int
    spec: str
    status: str
    status_label: str
    repeat: bool
    message: str
    file_name: str
    sha256: str
    total_rows: int
    processed_rows: int
    percent: int
    error_count: int
    errors: list[RowErrorOut]
    warnings: list[str]
    summary: dict[str, Any]
    created_at: str
    finished_at: str | None
    url: str


def _spec_out(spec: ImportSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "title": str(spec.title),
        "description": str(spec.description),
        "columns": [
            {
                "key": c.key,
                "header": c.header_zh,
                "required": c.required,
                "format": c.describe(),
                "example": str(c.example),
                "choices": c.choices,
            }
            for c in spec.columns
        ],
        "template_url": reverse("api:import_template", kwargs={"spec": spec.name}),
    }


def _job_out(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "spec": job.spec_name,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "repeat": job.is_repeat,
        "message": job_status_message(job),
        "file_name": job.file_name,
        "sha256": job.sha256,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "percent": job.progress_percent,
        "error_count": job.error_count,
        "errors": job.errors,
        "warnings": job.warnings,
        "summary": job.summary,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "url": reverse("import_job", kwargs={"job_id": job.pk}),
    }


# "/specs" and "/jobs/{id}" come before "/{spec}" so the literal paths win the URL match.
@router.get("/specs", response=list[SpecOut], summary="List the imports this actor may run")
def list_specs(request: HttpRequest) -> list[dict[str, Any]]:
    return [_spec_out(spec) for spec in specs_for(actor=request_actor(request))]


@router.get("/jobs/{job_id}", response=ImportJobOut, summary="Status, progress and errors of a job")
def job_detail(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return _job_out(import_job_get(actor=request_actor(request), job_id=job_id))


@router.get(
    "/{spec}/template",
    url_name="import_template",
    summary="Download the xlsx template (Chinese headers, 说明 sheet)",
    response={200: None},
)
def spec_template(request: HttpRequest, spec: str) -> HttpResponse:
    return template_response(get_spec(spec))


@router.post(
    "/{spec}",
    response={200: ImportJobOut, 202: ImportJobOut},
    summary="Upload an xlsx file; 202 with a new job, 200 with the existing job of the same file",
)
def upload(request: HttpRequest, spec: str, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    job = import_submit(actor=request_actor(request), spec_name=spec, uploaded_file=file)
    if job.is_repeat:
        return Status(200, _job_out(job))
    job.refresh_from_db()  # with an immediate Huey (tests) the task has already run
    return Status(202, _job_out(job))
