"""Filing pages: the org drafts and submits, the province reviews (R38)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.catalog.forms import FilingForm, ReturnForm
from onex.catalog.models import FilingStatus, OrgFiling
from onex.catalog.selectors import filings, orgs
from onex.catalog.services import filings as filing_services
from onex.catalog.workflows import filing_moves
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


@login_required
def filing_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    status = request.GET.get("status", "")
    if status not in FilingStatus.values:
        # A province lands on its to-do list: filings awaiting its decision.
        status = (
            FilingStatus.SUBMITTED if actor.kind == UnitKind.PROVINCE and not request.GET else ""
        )
    page = page_of(request, filings.filing_list(actor=actor, status=status))
    context = {
        "page_obj": page,
        "status": status,
        "statuses": FilingStatus.choices,
        "org": orgs.org_of(actor),
        "to_review": filings.filings_to_review(actor=actor).count()
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
    org = orgs.org_of(actor)
    if org is None:
        raise Http404
    form = FilingForm(request.POST or None, request.FILES or None, org=org)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            lambda: filing_services.filing_create(
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
    filing: OrgFiling = filings.filing_get(actor=actor, pk=pk)
    org = orgs.org_of(actor)
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
            lambda: filing_services.filing_update(
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
    filing: OrgFiling = filings.filing_get(actor=actor, pk=pk)
    # The declared table decides what the page offers; the services decide again.
    moves = filing_moves(actor=actor, filing=filing)
    context = {
        "filing": filing,
        "timeline": _timeline(filing),
        "moves": moves,
        "missing": filing_services.filing_missing_fields(filing) if "submit" in moves else [],
        "return_form": ReturnForm(),
    }
    return render(request, "catalog/filing_detail.html", context)


_STEPS: dict[str, tuple[Callable[[Actor, OrgFiling, str], OrgFiling], Any]] = {
    # action → (service, success message); only "return" reads the reason.
    "submit": (
        lambda actor, filing, _reason: filing_services.filing_submit(actor=actor, filing=filing),
        gettext_lazy("备案已提交，等待省级教育行政部门审核。"),
    ),
    "accept": (
        lambda actor, filing, _reason: filing_services.filing_accept(actor=actor, filing=filing),
        gettext_lazy("备案已通过。"),
    ),
    "return": (
        lambda actor, filing, reason: filing_services.filing_return(
            actor=actor, filing=filing, reason=reason
        ),
        gettext_lazy("备案已退回。"),
    ),
}


def _step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    filing: OrgFiling = filings.filing_get(actor=actor, pk=pk)
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
    filing: OrgFiling = filings.filing_get(actor=request_actor(request), pk=pk)
    return stored_file_response(filing.authorization_letter, name="authorization")
