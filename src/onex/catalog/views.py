"""Catalogue pages: the public catalogue and org pages (no login), provincial filing review and
the org's filing and notice pages. Views parse, call a query or a service, and render; one view
serves the full page and its htmx fragment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.catalog import queries, services
from onex.catalog.forms import (
    CatalogSearchForm,
    FilingForm,
    NoticeForm,
    PhraseForm,
    ReturnForm,
)
from onex.catalog.importers import can_import_catalog
from onex.catalog.models import Certificate, FilingStatus, Level, OrgFiling
from onex.core.actors import Actor, request_actor
from onex.core.models import UnitKind
from onex.core.web import (
    actor_label,
    attempt,
    page_of,
    page_or_fragment,
    signed_in_download,
    stored_file_response,
)
from onex.core.xlsx import export_response

# --- public catalogue ----------------------------------------------------------------------


def _search(form: CatalogSearchForm) -> queries.CatalogSearch:
    data = form.cleaned_data if form.is_valid() else {}
    return queries.CatalogSearch(
        q=data.get("q") or "",
        org=data.get("org") or "",
        batch=data.get("batch"),
        specialty=data.get("specialty") or "",
    )


def catalog_list(request: HttpRequest) -> HttpResponse:
    form = CatalogSearchForm(request.GET or None)
    certificates = queries.certificate_list(search=_search(form))
    if request.GET.get("format") == "xlsx":
        return _export_catalog(certificates)
    page = page_of(request, certificates)
    context = {
        "form": form,
        "page_obj": page,
        "batches": queries.batch_list(),
        "can_import": can_import_catalog(request_actor(request)),
    }
    return render(
        request, page_or_fragment(request, "catalog/list.html", "catalog/list_table.html"), context
    )


def _ceiling(certificate: Certificate, level: str) -> Any:
    for row in certificate.levels.all():  # prefetched by the query
        if row.level == level:
            return row.cost_ceiling
    return None


def _export_catalog(certificates: Iterable[Certificate]) -> HttpResponse:
    headers = [
        _("批次"),
        _("序号"),
        _("证书代码"),
        _("证书名称"),
        _("培训评价组织"),
        _("所属领域"),
        _("面向专业"),
        _("初级成本上限（元）"),
        _("中级成本上限（元）"),
        _("高级成本上限（元）"),
    ]
    rows = (
        [
            c.batch.number,
            c.position,
            c.code,
            c.name,
            c.org.name,
            c.field,
            "、".join(c.specialty_names),
            *(_ceiling(c, level) for level in (Level.JUNIOR, Level.INTERMEDIATE, Level.SENIOR)),
        ]
        for c in certificates
    )
    return export_response(
        filename=_("职业技能等级证书目录"), headers=headers, rows=rows, sheet=_("证书目录")
    )


def certificate_detail(request: HttpRequest, code: str) -> HttpResponse:
    certificate = queries.certificate_get(code=code)
    standard = queries.certificate_current_standard(certificate)
    tree = []
    if standard is not None:
        labels = dict(Level.choices)
        tree = [
            {"level": level, "label": labels[level], "areas": standard.content.get(level, [])}
            for level in (Level.JUNIOR, Level.INTERMEDIATE, Level.SENIOR)
            if standard.content.get(level)
        ]
    context = {
        "certificate": certificate,
        "levels": queries.certificate_levels(certificate),
        "standard": standard,
        "tree": tree,
    }
    return render(request, "catalog/certificate_detail.html", context)


def standard_pdf(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A standard's PDF: public, like the catalogue, but only for a certificate in it."""
    standard = queries.certificate_standard_get(code=code, pk=pk)
    return stored_file_response(standard.pdf, name=f"standard-{code}-{standard.version}")


def org_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = page_of(request, queries.org_list(q=q))
    return render(
        request,
        page_or_fragment(request, "catalog/org_list.html", "catalog/org_table.html"),
        {"page_obj": page, "q": q},
    )


def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = queries.org_get(pk=pk)
    actor = request_actor(request)
    context = {
        "org": org,
        "certificates": queries.certificate_list(search=queries.CatalogSearch(org=str(org.pk))),
        "notices": queries.org_notices(org=org)[:20],
        "agreement": queries.org_current_agreement(org),
        "can_act": services.org_can_act(org),
        "is_member": actor.kind == UnitKind.ORG and actor.unit_id == org.unit_id,
    }
    return render(request, "catalog/org_detail.html", context)


# --- filings -------------------------------------------------------------------------------


@login_required
def filing_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    status = request.GET.get("status", "")
    if status not in FilingStatus.values:
        # A province lands on its to-do list: filings awaiting its decision.
        status = (
            FilingStatus.SUBMITTED if actor.kind == UnitKind.PROVINCE and not request.GET else ""
        )
    filings = queries.filing_list(actor=actor, status=status)
    page = page_of(request, filings)
    context = {
        "page_obj": page,
        "status": status,
        "statuses": FilingStatus.choices,
        "org": queries.org_for_actor(actor),
        "to_review": queries.filings_to_review(actor=actor).count()
        if actor.kind == UnitKind.PROVINCE
        else None,
    }
    return render(
        request,
        page_or_fragment(request, "catalog/filing_list.html", "catalog/filing_table.html"),
        context,
    )


@login_required
def filing_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    org = queries.org_for_actor(actor)
    if org is None:
        raise Http404
    form = FilingForm(request.POST or None, request.FILES or None, org=org)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            lambda: services.filing_create(
                actor=actor,
                org=org,
                province=form.cleaned_data["province"],
                certificate=form.cleaned_data["certificate"],
                data=form.filing_input(),
                letter=form.cleaned_data.get("authorization_letter"),
            ),
            form=form,
        )
        if created.ok:
            messages.success(request, _("备案草稿已保存。"))
            return redirect("catalog:filing_detail", pk=created.value.pk)
    return render(request, "catalog/filing_form.html", {"form": form, "org": org})


@login_required
def filing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    filing: OrgFiling = queries.filing_get(actor=actor, pk=pk)
    org = queries.org_for_actor(actor)
    if org is None or org.pk != filing.org_id:
        raise Http404
    form = FilingForm(
        request.POST or None,
        request.FILES or None,
        org=org,
        initial=FilingForm.initial_for(filing),
    )
    # Province and certificate are fixed once drafted: a new pair is a new filing.
    for name in ("province", "certificate"):
        form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        updated = attempt(
            lambda: services.filing_update(
                actor=actor,
                filing=filing,
                data=form.filing_input(),
                letter=form.cleaned_data.get("authorization_letter"),
            ),
            form=form,
        )
        if updated.ok:
            messages.success(request, _("备案已保存。"))
            return redirect("catalog:filing_detail", pk=filing.pk)
    return render(request, "catalog/filing_form.html", {"form": form, "org": org, "filing": filing})


_ACTION_LABELS = {
    "create": _("创建备案"),
    "update": _("修改备案"),
    "letter": _("上传授权函"),
    "submit": _("提交备案"),
    "accept": _("备案通过"),
    "return": _("退回备案"),
}


def _timeline(filing: OrgFiling) -> list[dict[str, Any]]:
    labels = dict(FilingStatus.choices)
    return [
        {
            "at": e.at,
            "action": _ACTION_LABELS.get(e.action, e.action),
            "actor": actor_label(e.unit, e.user),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": labels.get(e.to_status, e.to_status),
        }
        for e in filing.events.select_related("unit", "user")
    ]


@login_required
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    filing: OrgFiling = queries.filing_get(actor=actor, pk=pk)
    # The declared table decides what the page offers; the services decide again.
    moves = services.filing_moves(actor=actor, filing=filing)
    context = {
        "filing": filing,
        "timeline": _timeline(filing),
        "moves": moves,
        "missing": services.filing_missing_fields(filing) if "submit" in moves else [],
        "return_form": ReturnForm(),
    }
    return render(request, "catalog/filing_detail.html", context)


_STEPS: dict[str, tuple[Callable[[Actor, OrgFiling, str], OrgFiling], Any]] = {
    # action → (service, success message); only "return" reads the reason.
    "submit": (
        lambda actor, filing, _reason: services.filing_submit(actor=actor, filing=filing),
        gettext_lazy("备案已提交，等待省级教育行政部门审核。"),
    ),
    "accept": (
        lambda actor, filing, _reason: services.filing_accept(actor=actor, filing=filing),
        gettext_lazy("备案已通过。"),
    ),
    "return": (
        lambda actor, filing, reason: services.filing_return(
            actor=actor, filing=filing, reason=reason
        ),
        gettext_lazy("备案已退回。"),
    ),
}


def _step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    filing: OrgFiling = queries.filing_get(actor=actor, pk=pk)
    service, done = _STEPS[action]
    reason = str(request.POST.get("reason", ""))
    # 403/409/422 refusals are shown on the detail page with the rule ID.
    stepped = attempt(lambda: service(actor, filing, reason), request=request)
    if stepped.ok:
        messages.success(request, str(done))
    return redirect("catalog:filing_detail", pk=pk)


@login_required
@require_POST
def filing_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "submit")


@login_required
@require_POST
def filing_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "accept")


@login_required
@require_POST
def filing_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "return")


@signed_in_download
def filing_letter(request: HttpRequest, pk: int) -> FileResponse:
    """Serve the authorization letter only to actors who may see the filing (not via MEDIA)."""
    filing: OrgFiling = queries.filing_get(actor=request_actor(request), pk=pk)
    return stored_file_response(filing.authorization_letter, name="authorization")


# --- notices -------------------------------------------------------------------------------


def notice_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = page_of(request, queries.notice_list(q=q))
    return render(request, "catalog/notice_list.html", {"page_obj": page, "q": q})


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    org = queries.org_for_actor(actor)
    if org is None:
        raise Http404
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        published = attempt(
            lambda: services.notice_publish(
                actor=actor,
                org=org,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            ),
            form=form,
        )
        if published.ok:
            messages.success(request, _("通知已发布。"))
            return redirect("catalog:org_detail", pk=org.pk)
    return render(request, "catalog/notice_form.html", {"form": form, "org": org})


@login_required
def phrase_list(request: HttpRequest) -> HttpResponse:
    """The R19 list of unauthorized endorsements; Ministry admins add and switch phrases."""
    actor = request_actor(request)
    if actor.kind not in (UnitKind.MINISTRY, UnitKind.AGGREGATOR, UnitKind.PROVINCE, UnitKind.ORG):
        raise Http404
    can_edit = actor.kind == UnitKind.MINISTRY and actor.is_admin
    form = PhraseForm(request.POST or None)
    if request.method == "POST" and "toggle" in request.POST:
        toggle = request.POST["toggle"]
        if not toggle.isdigit():
            raise Http404
        row = queries.unauthorized_phrase_get(pk=int(toggle))
        toggled = attempt(
            lambda: services.phrase_set_active(
                actor=actor, phrase=row, is_active=not row.is_active
            ),
            form=form,
        )
        if toggled.ok:
            return redirect("catalog:phrase_list")
    elif request.method == "POST" and form.is_valid():
        added = attempt(
            lambda: services.phrase_add(actor=actor, phrase=form.cleaned_data["phrase"]),
            form=form,
        )
        if added.ok:
            messages.success(request, _("已添加。"))
            return redirect("catalog:phrase_list")
    return render(
        request,
        "catalog/phrase_list.html",
        {"rows": queries.unauthorized_phrase_rows(), "form": form, "can_edit": can_edit},
    )
