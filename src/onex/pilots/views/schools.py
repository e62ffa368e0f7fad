"""School pages: the scoped list (search, filters, pagination, xlsx export), the detail page
(specialties, working body, R33 deadline, reminders), the working-body form, the provincial
overdue-filings page and the coordination bodies page.

Views stay thin: parse the query, call the selectors, render. One view serves the full page and
the htmx fragment (the table) so filters swap only the results.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.core.actors import Actor, request_actor
from onex.core.limits import DOCUMENT_MAX
from onex.core.models import UnitKind
from onex.core.web import attempt, is_htmx, page_of
from onex.core.xlsx import export_guard, export_response
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School, SchoolType
from onex.pilots.selectors import coordination as coordination_selectors
from onex.pilots.selectors import schools as school_selectors
from onex.pilots.selectors import specialties as specialty_selectors
from onex.pilots.services import coordination as coordination_services
from onex.pilots.services import schools as school_services
from onex.pilots.services import specialties as specialty_services

FILTER_KEYS = ("q", "province", "city", "school_type")


def _filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip()[:100] for key in FILTER_KEYS}


def _schools(request: HttpRequest, filters: dict[str, str]) -> QuerySet[School]:
    return school_selectors.school_list(
        actor=request_actor(request),
        q=filters["q"] or None,
        province=filters["province"] or None,
        city=filters["city"] or None,
        school_type=filters["school_type"] or None,
    )


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    filters = _filters(request)
    schools = _schools(request, filters)
    if request.GET.get("format") == "xlsx":
        return _export(schools)
    page = page_of(request, schools)
    context: dict[str, Any] = {
        "page_obj": page,
        "filters": filters,
        "options": school_selectors.school_filter_options(actor=actor),
        # Only national actors span provinces; others would see a one-item province filter.
        "show_province": actor.is_national,
        "can_register": _may_register(actor),
    }
    template = "pilots/school_table.html" if is_htmx(request) else "pilots/school_list.html"
    return render(request, template, context)


def _export(schools: QuerySet[School]) -> HttpResponse:
    export_guard(schools)
    headers = [
        _("学校名称"),
        _("学校标识码"),
        _("学校类型"),
        _("省份"),
        _("城市"),
    ]
    rows = (
        (s.name, s.code, s.get_school_type_display(), s.province.name, s.city.name)
        for s in schools.iterator(chunk_size=2000)
    )
    return export_response(filename=_("试点院校"), headers=headers, rows=rows, sheet=_("学校"))


def _may_register(actor: Actor) -> bool:
    # Offer the form only to actors the service would accept somewhere; it checks again.
    return actor.is_system or (
        actor.is_admin and (actor.is_national or actor.kind == UnitKind.PROVINCE)
    )


class SchoolRegisterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("学校名称"), max_length=200)
    code = forms.CharField(
        label=gettext_lazy("学校标识码"),
        max_length=10,
        help_text=gettext_lazy("10 位数字"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{10}"}),
    )
    # Technical schools stay in the list so that choosing one shows the R25 refusal at the field.
    school_type = forms.ChoiceField(label=gettext_lazy("学校类型"), choices=SchoolType.choices)
    city = forms.ModelChoiceField(
        label=gettext_lazy("城市"), queryset=Division.objects.none(), to_field_name="code"
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cities = Division.objects.filter(level=DivisionLevel.CITY).select_related("parent")
        if not actor.is_national:
            cities = cities.filter(parent_id=actor.province_id)
        self.fields["city"].queryset = cities  # type: ignore[attr-defined]
        self.fields["city"].label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.parent.name} · {d.name}" if actor.is_national else d.name
        )


@login_required
def school_register(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not _may_register(actor):
        raise PermissionDenied
    form = SchoolRegisterForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        registered = attempt(
            lambda: school_services.school_register(actor=actor, **form.cleaned_data),
            form=form,
            show_forbidden=False,
        )
        if registered.ok:
            school = registered.value
            messages.success(request, _("已登记学校：%(name)s") % {"name": school.name})
            return redirect("pilots:school_detail", pk=school.pk)
    return render(request, "pilots/school_register.html", {"form": form})


# --- helpers -----------------------------------------------------------------------------------


def _user_label(user: Any, unit: Any = None) -> str:
    name = (getattr(user, "display_name", "") or getattr(user, "username", "")) if user else ""
    return " · ".join(x for x in (str(unit or ""), name) if x) or _("系统")


# --- school detail -----------------------------------------------------------------------------


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    school = school_selectors.school_get(actor=actor, pk=pk)
    specialties = specialty_selectors.specialty_list(school=school)
    years = specialty_selectors.enrolment_years(specialties)
    table = [
        (s, [{e.year: e.students for e in s.enrolments.all()}.get(y) for y in years])
        for s in specialties
    ]
    history = coordination_selectors.working_body_history(school=school)
    obligation = coordination_selectors.working_body_obligation(school=school)
    timeline = [
        {
            "at": w.filed_at,
            "action": _("报备试点工作机构和联系人") if i == len(history) - 1 else _("变更报备"),
            "actor": _user_label(w.filed_by),
            "reason": w.note,
        }
        for i, w in enumerate(history)
    ]
    context = {
        "school": school,
        "years": years,
        "specialty_table": table,
        "working_body": history[0] if history else None,
        "timeline": timeline,
        "obligation": obligation,
        "reminders": coordination_selectors.school_reminders(school=school),
        "can_file": coordination_services.can_file_working_body(actor=actor, school=school),
        "can_edit_specialties": specialty_services.can_edit_specialties(actor=actor, school=school),
        "can_remind": obligation is not None
        and obligation.is_open
        and coordination_services.can_remind(actor=actor, school=school),
    }
    return render(request, "pilots/school_detail.html", context)


# --- specialties -------------------------------------------------------------------------------


class SpecialtyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("专业代码"), max_length=16, help_text=gettext_lazy("如 530802")
    )
    name = forms.CharField(label=gettext_lazy("专业名称"), max_length=100)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"y{year}"] = forms.IntegerField(
                label=_("%(year)s 年招生人数") % {"year": year},
                min_value=0,
                max_value=specialty_services.MAX_STUDENTS,
                required=False,
            )

    def enrolments(self) -> dict[int, int]:
        return {
            y: self.cleaned_data[f"y{y}"]
            for y in self.years
            if self.cleaned_data.get(f"y{y}") is not None
        }


@login_required
def specialty_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a specialty or correct one (the code picks it), with the last three years."""
    actor = request_actor(request)
    school = school_selectors.school_get(actor=actor, pk=pk)
    if not specialty_services.can_edit_specialties(actor=actor, school=school):
        raise PermissionDenied
    this_year = timezone.localdate().year
    years = [this_year - 2, this_year - 1, this_year]
    initial: dict[str, Any] = {}
    code = request.GET.get("code", "").strip()
    if code:
        existing = next(
            (s for s in specialty_selectors.specialty_list(school=school) if s.code == code), None
        )
        if existing is not None:
            initial = {"code": existing.code, "name": existing.name}
            initial.update({f"y{e.year}": e.students for e in existing.enrolments.all()})
    form = SpecialtyForm(request.POST or None, years=years, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            lambda: specialty_services.specialty_set(
                actor=actor,
                school=school,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                enrolments=form.enrolments(),
            ),
            form=form,
        )
        if saved.ok:
            messages.success(request, _("专业信息已保存。"))
            return redirect("pilots:school_detail", pk=school.pk)
    return render(request, "pilots/specialty_form.html", {"form": form, "school": school})


# --- R01: school working body --------------------------------------------------------------------


class WorkingBodyForm(forms.Form):
    body_name = forms.CharField(
        label=gettext_lazy("试点工作机构名称"),
        max_length=200,
        initial=gettext_lazy("1+X证书制度试点工作领导小组"),
    )
    leader_name = forms.CharField(label=gettext_lazy("组长姓名"), max_length=64)
    leader_title = forms.CharField(
        label=gettext_lazy("组长职务"),
        max_length=64,
        help_text=gettext_lazy("须为学校主要负责人，如 校长、院长或党委书记（R01）"),
    )
    members = forms.CharField(
        max_length=DOCUMENT_MAX,
        label=gettext_lazy("机构成员"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("姓名和职务，每行一人"),
    )
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=64)
    contact_title = forms.CharField(
        label=gettext_lazy("联系人职务或部门"), max_length=100, required=False
    )
    contact_phone = forms.CharField(label=gettext_lazy("办公电话"), max_length=32)
    contact_mobile = forms.CharField(label=gettext_lazy("手机"), max_length=32, required=False)
    contact_email = forms.EmailField(label=gettext_lazy("电子邮箱"))
    work_plan = forms.CharField(
        max_length=DOCUMENT_MAX,
        label=gettext_lazy("试点工作方案摘要"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    note = forms.CharField(label=gettext_lazy("变更说明"), max_length=300, required=False)


@login_required
def working_body_file(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    school = school_selectors.school_get(actor=actor, pk=pk)
    if not coordination_services.can_file_working_body(actor=actor, school=school):
        raise PermissionDenied
    current = coordination_selectors.working_body_current(school=school)
    initial = coordination_services.working_body_dict(current) if current is not None else {}
    form = WorkingBodyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        filed = attempt(
            lambda: coordination_services.working_body_file(
                actor=actor, school=school, **form.cleaned_data
            ),
            form=form,
        )
        if filed.ok:
            messages.success(request, _("已报备试点工作机构和联系人。"))
            return redirect("pilots:school_detail", pk=school.pk)
    context = {
        "form": form,
        "school": school,
        "is_change": current is not None,
        "obligation": coordination_selectors.working_body_obligation(school=school),
    }
    return render(request, "pilots/working_body_form.html", context)


# --- R33: overdue filings and reminders ----------------------------------------------------------

OFFICIAL_KINDS = (UnitKind.MINISTRY, UnitKind.AGGREGATOR, UnitKind.PROVINCE, UnitKind.CITY)


@login_required
def working_body_list(request: HttpRequest) -> HttpResponse:
    """Published schools and their R33 filing: overdue and due-soon first, with reminders."""
    actor = request_actor(request)
    if not actor.is_kind(*OFFICIAL_KINDS):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "open").strip()
    if status not in (*coordination_selectors.FilingState.LABELS, "open", "all"):
        status = "open"
    rows = coordination_selectors.working_body_obligations(actor=actor, q=q or None, status=status)
    if request.GET.get("format") == "xlsx":
        return _export_obligations(rows)
    page = page_of(request, rows)
    context = {
        "page_obj": page,
        "q": q,
        "status": status,
        "statuses": [
            ("open", _("未报备（逾期、即将到期、待报备）")),
            *((k, str(v)) for k, v in coordination_selectors.FilingState.LABELS.items()),
            ("all", _("全部")),
        ],
        "can_remind": actor.can_write,
    }
    template = (
        "pilots/working_body_table.html" if is_htmx(request) else "pilots/working_body_list.html"
    )
    return render(request, template, context)


def _export_obligations(rows: list[coordination_selectors.WorkingBodyObligation]) -> HttpResponse:
    headers = [
        _("学校名称"),
        _("学校标识码"),
        _("城市"),
        _("名单公布日期"),
        _("报备截止日期"),
        _("状态"),
        _("逾期天数"),
        _("报备时间"),
        _("已提醒次数"),
    ]
    data = (
        (
            r.school.name,
            r.school.code,
            r.school.city.name,
            r.published_on,
            r.deadline,
            r.status_label,
            r.days_overdue,
            r.filed_at,
            r.reminder_count,
        )
        for r in rows
    )
    return export_response(
        filename=_("工作机构报备情况"), headers=headers, rows=data, sheet=_("报备情况")
    )


@login_required
@require_POST
def working_body_remind(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    school = school_selectors.school_get(actor=actor, pk=pk)
    reminded = attempt(
        lambda: coordination_services.working_body_remind(
            actor=actor, school=school, message=request.POST.get("message", "")
        ),
        request=request,
        show_forbidden=False,
    )
    if reminded.ok:
        messages.success(request, _("已向 %(name)s 发送提醒。") % {"name": school.name})
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("pilots:working_body_list")


# --- R01: provincial coordination bodies ----------------------------------------------------------


class CoordinationForm(forms.Form):
    body_name = forms.CharField(
        label=gettext_lazy("试点工作指导协调机构"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("如 省1+X证书制度试点工作推进办公室"),
    )
    host_name = forms.CharField(
        label=gettext_lazy("依托单位"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("省级教研机构、区域牵头职业院校或专家组织"),
    )
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=64, required=False)
    contact_title = forms.CharField(label=gettext_lazy("联系人职务"), max_length=64, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32, required=False)
    contact_email = forms.CharField(label=gettext_lazy("电子邮箱"), max_length=254, required=False)


@login_required
def coordination(request: HttpRequest) -> HttpResponse:
    """National and org users see every province's body; a province edits its own (R01)."""
    actor = request_actor(request)
    rows = coordination_selectors.coordination_list(actor=actor)
    if request.GET.get("format") == "xlsx":
        return _export_coordination(rows)
    own = None
    form = None
    if actor.is_kind(UnitKind.PROVINCE) and actor.unit is not None and actor.unit.province:
        province = actor.unit.province
        own = coordination_selectors.coordination_get(actor=actor, province=province)
        if coordination_services.can_edit_coordination(actor=actor, province=province):
            initial = {f: getattr(own, f) for f in CoordinationForm.base_fields} if own else {}
            form = CoordinationForm(request.POST or None, initial=initial)
            if request.method == "POST" and form.is_valid():
                coordination_form = form
                saved = attempt(
                    lambda: coordination_services.coordination_set(
                        actor=actor, province=province, **coordination_form.cleaned_data
                    ),
                    form=form,
                )
                if saved.ok:
                    messages.success(request, _("已保存本省试点工作协调机构。"))
                    return redirect("pilots:coordination")
    if request.method == "POST" and form is None:
        raise PermissionDenied
    context = {
        "rows": rows,
        "form": form,
        "show_all": len(rows) > 1,
        "named": sum(1 for r in rows if r.coordination),
    }
    return render(request, "pilots/coordination.html", context)


def _export_coordination(rows: list[coordination_selectors.CoordinationRow]) -> HttpResponse:
    headers = [
        _("省份"),
        _("试点工作指导协调机构"),
        _("依托单位"),
        _("联系人"),
        _("联系人职务"),
        _("联系电话"),
        _("电子邮箱"),
        _("更新时间"),
    ]
    data = (
        (
            r.province.name,
            *(
                (
                    c.body_name,
                    c.host_name,
                    c.contact_name,
                    c.contact_title,
                    c.contact_phone,
                    c.contact_email,
                    c.updated_at,
                )
                if (c := r.coordination)
                else (_("未明确"), "", "", "", "", "", None)
            ),
        )
        for r in rows
    )
    return export_response(
        filename=_("省级试点工作协调机构"), headers=headers, rows=data, sheet=_("协调机构")
    )
