"""Org notices (R19) and the R19 phrase list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onex.catalog.forms import NoticeForm, PhraseForm
from onex.catalog.selectors import notices, orgs
from onex.catalog.services import notices as notice_services
from onex.catalog.services import phrases as phrase_services
from onex.core.actors import request_actor
from onex.core.models import UnitKind
from onex.core.web import attempt, page_of


def notice_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = page_of(request, notices.notice_list(q=q))
    return render(request, "catalog/notice_list.html", {"page_obj": page, "q": q})


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    org = orgs.org_of(actor)
    if org is None:
        raise Http404
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        published = attempt(
            lambda: notice_services.notice_publish(
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
    can_edit = phrase_services.can_edit_phrases(actor)
    form = PhraseForm(request.POST or None)
    if request.method == "POST" and "toggle" in request.POST:
        toggle = request.POST["toggle"]
        if not toggle.isdigit():
            raise Http404
        row = notices.unauthorized_phrase_get(pk=int(toggle))
        toggled = attempt(
            lambda: phrase_services.phrase_set_active(
                actor=actor, phrase=row, is_active=not row.is_active
            ),
            form=form,
        )
        if toggled.ok:
            return redirect("catalog:phrase_list")
    elif request.method == "POST" and form.is_valid():
        added = attempt(
            lambda: phrase_services.phrase_add(actor=actor, phrase=form.cleaned_data["phrase"]),
            form=form,
        )
        if added.ok:
            messages.success(request, _("已添加。"))
            return redirect("catalog:phrase_list")
    return render(
        request,
        "catalog/phrase_list.html",
        {"rows": notices.unauthorized_phrase_rows(), "form": form, "can_edit": can_edit},
    )
