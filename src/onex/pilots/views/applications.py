"""Pages of pilot applications (R26, R43, R32), the public list, the summary table (R27) and the
distribution by field (R28).

Views parse, call the pilots selectors and services and render; one view serves the page and
its htmx fragment. Refusals are shown at the field (forms) or as a message with the rule ID.
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
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.catalog.models import Certificate, Level
from onex.core.actors import request_actor
from onex.core.errors import DomainError
from onex.core.limits import DOCUMENT_MAX
from onex.core.models import UnitKind
from onex.core.params import id_param
from onex.core.policy import policy_value
from onex.core.web import attempt, is_htmx, page_of, signed_in_download, stored_file_response
from onex.core.xlsx import export_response
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import (
    ApplicationStatus,
    FacilityKind,
    PilotApplication,
    School,
    Specialty,
)
from onex.pilots.selectors import applications as application_selectors
from onex.pilots.selectors import conditions
from onex.pilots.selectors import schools as school_selectors
from onex.pilots.selectors import summary as summary_selectors
from onex.pilots.selectors import timeline as timeline_selectors
from onex.pilots.services import applications as application_services
from onex.pilots.services import summary as summary_services

# --- list ---------------------------------------------------------------------------------------


def _list_filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in ("q", "status", "certificate")}


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    filters = _list_filters(request)
    qs = application_selectors.application_list(
        actor=actor,
        q=filters["q"] or None,
        status=filters["status"] or None,
        certificate=filters["certificate"] or None,
    )
    if request.GET.get("format") == "xlsx":
        return _export(qs)
    page = page_of(request, qs)
    context: dict[str, Any] = {
        "page_obj": page,
        "filters": filters,
        "statuses": ApplicationStatus.choices,
        "certificates": Certificate.objects.order_by("batch__number", "position", "code").only(
            "code", "name"
        ),
        "can_apply": actor.kind == UnitKind.SCHOOL and actor.can_write,
    }
    template = (
        "pilots/application_table.html" if is_htmx(request) else "pilots/application_list.html"
    )
    return render(request, template, context)


def _export(qs: QuerySet[PilotApplication]) -> HttpResponse:
    headers = [
        _("省份"),
        _("城市"),
        _("学校"),
        _("学校标识码"),
        _("证书"),
        _("专业"),
        _("等级"),
        _("双师型教师比例"),
        _("行业专家比例"),
        _("计划学生数"),
        _("状态"),
        _("提交时间"),
        _("公布日期"),
    ]
    rows = (
        (
            a.province.name,
            a.city.name,
            a.school.name,
            a.school.code,
            a.certificate.name,
            a.specialty.name,
            conditions.levels_label(a.levels),
            conditions.ratio_text(conditions.dual_qualified_ratio(a)),
            conditions.ratio_text(conditions.industry_expert_ratio(a)),
            a.planned_students,
            a.get_status_display(),
            a.submitted_at,
            a.published_on,
        )
        for a in qs.iterator(chunk_size=2000)
    )
    return export_response(filename=_("试点申请"), headers=headers, rows=rows, sheet=_("试点申请"))


# --- form ---------------------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    certificate = forms.ModelChoiceField(
        label=gettext_lazy("证书"), queryset=Certificate.objects.none(), to_field_name="code"
    )
    specialty = forms.ModelChoiceField(
        label=gettext_lazy("专业"), queryset=Specialty.objects.none()
    )
    levels = forms.MultipleChoiceField(
        label=gettext_lazy("培训等级"),
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("职业院校不选即为全部等级；本科学校须选择（R34）。"),
    )
    full_time_teachers = forms.IntegerField(label=gettext_lazy("专任教师数"), min_value=0)
    team_size = forms.IntegerField(label=gettext_lazy("培训团队人数"), min_value=0)
    dual_qualified_teachers = forms.IntegerField(
        label=gettext_lazy("其中“双师型”教师数"), min_value=0
    )
    industry_experts = forms.IntegerField(label=gettext_lazy("其中行业企业专家数"), min_value=0)
    facility_kind = forms.ChoiceField(
        label=gettext_lazy("教学实训设施来源"),
        choices=[("", "—"), *FacilityKind.choices],
        required=False,
    )
    facility_description = forms.CharField(
        max_length=DOCUMENT_MAX,
        label=gettext_lazy("教学实训设施说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    has_training_rooms = forms.BooleanField(label=gettext_lazy("有相关实训室"), required=False)
    has_internship_sites = forms.BooleanField(
        label=gettext_lazy("有相关实习实训场所"), required=False
    )
    work_plan = forms.CharField(
        max_length=DOCUMENT_MAX,
        label=gettext_lazy("试点工作方案"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    planned_students = forms.IntegerField(label=gettext_lazy("计划学生数"), min_value=0)
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=64, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32, required=False)

    def __init__(
        self, *args: Any, school: School, years: list[str], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        self.fields["certificate"].queryset = Certificate.objects.order_by(  # type: ignore[attr-defined]
            "batch__number", "position", "code"
        )
        self.fields["specialty"].queryset = Specialty.objects.filter(school=school)  # type: ignore[attr-defined]
        if editing:
            # Certificate and specialty name the application; a different pair is a new one.
            del self.fields["certificate"]
            del self.fields["specialty"]
        for year in years:
            self.fields[f"enrol_{year}"] = forms.IntegerField(
                label=_("%(year)s 年招生人数") % {"year": year}, min_value=0, required=False
            )

    def to_input(self) -> application_services.ApplicationInput:
        data = self.cleaned_data
        return application_services.ApplicationInput(
            levels=data["levels"],
            full_time_teachers=data["full_time_teachers"],
            team_size=data["team_size"],
            dual_qualified_teachers=data["dual_qualified_teachers"],
            industry_experts=data["industry_experts"],
            enrolments={y: data.get(f"enrol_{y}") or 0 for y in self.years},
            facility_kind=data["facility_kind"],
            facility_description=data["facility_description"],
            has_training_rooms=data["has_training_rooms"],
            has_internship_sites=data["has_internship_sites"],
            work_plan=data["work_plan"],
            planned_students=data["planned_students"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
        )

    def enrolment_fields(self) -> list[forms.BoundField]:
        return [self[f"enrol_{y}"] for y in self.years]

    def error_field(self, exc: DomainError) -> str | None:
        # The service checks enrolments as one value; the form shows one input per year.
        if exc.field == "enrolments" and self.years:
            return f"enrol_{self.years[-1]}"
        return exc.field


def _years(school: School) -> list[str]:
    count = int(policy_value("r26.consecutive_enrolment_years", province=school.province) or 3)
    return [str(y) for y in conditions.enrolment_years(on=timezone.localdate(), count=count)]


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    school = school_selectors.school_of(actor)
    if school is None or not actor.can_write:
        raise PermissionDenied
    years = _years(school)
    initial: dict[str, Any] = {}
    specialty_id = id_param(request.GET.get("specialty"))
    if specialty_id:
        found = Specialty.objects.filter(school=school, pk=specialty_id).first()
        if found is not None:
            initial["specialty"] = found
            prefill = application_selectors.enrolment_prefill(specialty=found)
            initial.update({f"enrol_{y}": n for y, n in prefill.items()})
    form = ApplicationForm(request.POST or None, school=school, years=years, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            lambda: application_services.application_create(
                actor=actor,
                school=school,
                certificate=form.cleaned_data["certificate"],
                specialty=form.cleaned_data["specialty"],
                data=form.to_input(),
            ),
            form=form,
        )
        if created.ok:
            messages.success(request, _("试点申请已保存为草稿，请核对条件后提交。"))
            return redirect("pilots:application_detail", pk=created.value.pk)
    return render(
        request, "pilots/application_form.html", {"form": form, "school": school, "editing": False}
    )


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, pk=pk)
    if actor.kind != UnitKind.SCHOOL or not actor.can_write:
        raise PermissionDenied
    years = sorted(set(_years(application.school)) | set(application.enrolments))
    initial = {
        name: getattr(application, name)
        for name in (
            "full_time_teachers",
            "team_size",
            "dual_qualified_teachers",
            "industry_experts",
            "facility_kind",
            "facility_description",
            "has_training_rooms",
            "has_internship_sites",
            "work_plan",
            "planned_students",
            "contact_name",
            "contact_phone",
        )
    }
    initial["levels"] = application.levels
    initial.update({f"enrol_{y}": application.enrolments.get(y, 0) for y in years})
    form = ApplicationForm(
        request.POST or None,
        school=application.school,
        years=years,
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        updated = attempt(
            lambda: application_services.application_update(
                actor=actor, application=application, data=form.to_input()
            ),
            form=form,
            show_forbidden=False,
        )
        if updated.ok:
            messages.success(request, _("已保存修改。"))
            return redirect("pilots:application_detail", pk=application.pk)
    return render(
        request,
        "pilots/application_form.html",
        {"form": form, "school": application.school, "application": application, "editing": True},
    )


# --- detail and steps ---------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("附件说明"), max_length=100)
    file = forms.FileField(
        label=gettext_lazy("文件（PDF、JPG、PNG，不超过 5 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, pk=pk)
    verdicts = conditions.evaluate_conditions(application)
    context = {
        "application": application,
        "verdicts": verdicts,
        "all_passed": all(v.passed for v in verdicts),
        "levels": conditions.levels_label(application.levels),
        "dual_ratio": conditions.ratio_text(conditions.dual_qualified_ratio(application)),
        "expert_ratio": conditions.ratio_text(conditions.industry_expert_ratio(application)),
        "enrolments": sorted(application.enrolments.items()),
        "attachments": list(application.attachments.all()),
        "timeline": timeline_selectors.application_timeline(application),
        "missing": application_selectors.application_missing_fields(application),
        "reason_form": ReasonForm(),
        "attachment_form": AttachmentForm(),
        # The declared table decides what the page offers; the services decide again.
        "moves": timeline_selectors.application_moves(actor=actor, application=application),
    }
    return render(request, "pilots/application_detail.html", context)


_STEPS: dict[str, tuple[str, bool, Any]] = {
    # action → (service name, needs a reason, success message)
    "submit": ("application_submit", False, gettext_lazy("申请已提交。")),
    "city_pass": (
        "application_city_pass",
        False,
        gettext_lazy("市级初审已通过，报省级教育行政部门确认。"),
    ),
    "city_return": ("application_city_return", True, gettext_lazy("申请已退回学校。")),
    "confirm": ("application_confirm", False, gettext_lazy("已确认为试点院校。")),
    "return": ("application_return", True, gettext_lazy("申请已退回学校。")),
    "reject": ("application_reject", True, gettext_lazy("申请已驳回。")),
    "publish": ("application_publish", False, gettext_lazy("已在试点名单中公布。")),
}


@login_required
@require_POST
def application_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _STEPS:
        raise Http404
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, pk=pk)
    service_name, needs_reason, done = _STEPS[action]
    kwargs: dict[str, Any] = {}
    if needs_reason:
        kwargs["reason"] = str(request.POST.get("reason", ""))
    elif action == "city_pass":
        kwargs["note"] = str(request.POST.get("reason", ""))
    # 403/409/422 refusals are shown on the detail page with the rule ID.
    stepped = attempt(
        lambda: getattr(application_services, service_name)(
            actor=actor, application=application, **kwargs
        ),
        request=request,
    )
    if stepped.ok:
        messages.success(request, str(done))
    return redirect("pilots:application_detail", pk=pk)


@login_required
@require_POST
def application_attach(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请填写附件说明并选择文件。"))
        return redirect("pilots:application_detail", pk=pk)
    attached = attempt(
        lambda: application_services.application_attach(
            actor=actor,
            application=application,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        ),
        request=request,
    )
    if attached.ok:
        messages.success(request, _("附件已上传。"))
    return redirect("pilots:application_detail", pk=pk)


@signed_in_download
def application_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Serve an attachment only to actors who may see the application (never via MEDIA)."""
    application = application_selectors.application_get(actor=request_actor(request), pk=pk)
    attachment = application.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return stored_file_response(attachment.file, name=f"attachment-{attachment.pk}")


# --- public list (no login) ---------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("q", "province", "certificate")}
    qs = application_selectors.public_pilot_list(
        province=filters["province"] or None,
        certificate=filters["certificate"] or None,
        q=filters["q"] or None,
    )
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                a.province.name,
                a.school.name,
                a.school.code,
                a.certificate.name,
                a.specialty.name,
                conditions.levels_label(a.levels),
                a.published_on,
                # R23: a disqualified school stays on the list, marked with the date.
                a.school.get_pilot_status_display(),
                a.school.pilot_status_on,
            )
            for a in qs.iterator(chunk_size=2000)
        )
        headers = [
            _("省份"),
            _("学校"),
            _("学校标识码"),
            _("证书"),
            _("专业"),
            _("等级"),
            _("公布日期"),
            _("试点状态"),
            _("试点状态变更日期"),
        ]
        return export_response(filename=_("试点院校名单"), headers=headers, rows=rows)
    page = page_of(request, qs)
    context = {
        "page_obj": page,
        "filters": filters,
        "options": application_selectors.public_filter_options(),
    }
    template = (
        "pilots/application_public_table.html"
        if is_htmx(request)
        else "pilots/application_public.html"
    )
    return render(request, template, context)


# --- summary table (R27) ------------------------------------------------------------------------


class SummarySubmitForm(forms.Form):
    scan = forms.FileField(
        label=gettext_lazy("盖章扫描件（PDF、JPG、PNG，不超过 5 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)


def _province_param(request: HttpRequest) -> Division | None:
    code = request.GET.get("province", "").strip()
    if not code:
        return None
    province = Division.objects.filter(code=code, level=DivisionLevel.PROVINCE).first()
    if province is None:
        raise Http404
    return province


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not (actor.is_national or actor.kind == UnitKind.PROVINCE):
        raise PermissionDenied
    export = request.GET.get("format")
    if export in ("xlsx", "national"):
        service = (
            summary_selectors.summary_export
            if export == "xlsx"
            else summary_selectors.national_summary_export
        )
        exported = attempt(
            lambda: service(actor=actor, province=_province_param(request)),
            request=request,
            show_forbidden=False,
        )
        return exported.value if exported.ok else redirect("pilots:summary")
    form = SummarySubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        submitted = attempt(
            lambda: summary_services.summary_submit(
                actor=actor, scan=form.cleaned_data["scan"], note=form.cleaned_data["note"]
            ),
            form=form,
            show_forbidden=False,
        )
        if submitted.ok:
            if submitted.value.is_late:
                messages.warning(request, _("汇总表已报送，但已超过报送截止日期。"))
            else:
                messages.success(request, _("汇总表已报送。"))
            return redirect("pilots:summary")
    province = actor.unit.province if actor.kind == UnitKind.PROVINCE and actor.unit else None
    context: dict[str, Any] = {
        "form": form,
        "is_province": province is not None,
        "can_submit": province is not None and actor.can_write,
        "province": province,
        "deadline": summary_selectors.summary_deadline(province) if province else None,
        "deadline_entry": summary_selectors.summary_deadline_entry(province) if province else None,
        "rows": summary_selectors.summary_table_rows(actor=actor) if province else [],
        "headers": summary_selectors.summary_headers(),
        "submissions": list(summary_selectors.summary_submissions(actor=actor)[:200]),
        "latest": summary_selectors.latest_submissions(actor=actor) if actor.is_national else [],
    }
    return render(request, "pilots/summary.html", context)


@signed_in_download
def summary_file(request: HttpRequest, pk: int, which: str) -> FileResponse:
    actor = request_actor(request)
    submission = summary_selectors.summary_submission_get(actor=actor, pk=pk)
    field = {"snapshot": submission.snapshot, "scan": submission.scan}.get(which)
    return stored_file_response(
        field, name=f"summary-{submission.province.code}-{submission.pk}-{which}"
    )


# --- distribution (R28) -------------------------------------------------------------------------


@login_required
def distribution(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    result = summary_selectors.pilot_distribution(actor=actor, province=_province_param(request))
    provinces = (
        Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code")
        if actor.is_national
        else Division.objects.none()
    )
    context = {
        "result": result,
        "chart_data": result.chart(),
        "provinces": provinces,
        "selected": request.GET.get("province", ""),
    }
    return render(request, "pilots/distribution.html", context)


urlpatterns = [
    path("applications/", application_list, name="application_list"),
    path("applications/new/", application_new, name="application_new"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", application_edit, name="application_edit"),
    path("applications/<int:pk>/attachments/", application_attach, name="application_attach"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/",
        application_attachment,
        name="application_attachment",
    ),
    path("applications/<int:pk>/<slug:action>/", application_step, name="application_step"),
    path("public/", public_list, name="public_list"),
    path("summary/", summary, name="summary"),
    path("summary/<int:pk>/<slug:which>/", summary_file, name="summary_file"),
    path("distribution/", distribution, name="distribution"),
]
