"""Learning resources (R08) and the licensed publishers list."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.catalog.selectors.orgs import org_of
from onex.core.actors import request_actor
from onex.core.models import UnitKind
from onex.core.policy import policy_entry
from onex.core.web import attempt, page_of, page_or_fragment
from onex.core.xlsx import export_response
from onex.training.forms import PriceForm, PublisherForm, RefreshForm, ResourceForm
from onex.training.models import ResourceKind, ResourceStatus
from onex.training.selectors import resources as selectors
from onex.training.services import resources as services
from onex.training.views.common import bool_param, filters, timeline
from onex.training.workflows import RESOURCE


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    f = filters(request, "q", "kind", "status", "stale", "priced")
    items = selectors.resource_list(
        actor=actor,
        q=f["q"],
        kind=f["kind"] if f["kind"] in ResourceKind.values else "",
        status=f["status"] if f["status"] in ResourceStatus.values else "",
        stale=bool_param(f["stale"]),
        priced=f["priced"] == "1",
    )
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                r.title,
                r.get_kind_display(),
                r.org.name,
                r.certificate.name,
                r.publisher.name if r.publisher else "",
                r.isbn,
                r.updated_on,
                selectors.is_stale(r),
                r.free,
                r.price,
                r.unit_cost,
                r.cost_basis,
                r.get_status_display(),
            )
            for r in items
        )
        return export_response(
            filename=_("培训资源"),
            headers=[
                _("名称"),
                _("资源类型"),
                _("培训评价组织"),
                _("证书"),
                _("出版单位"),
                _("ISBN"),
                _("最近更新日期"),
                _("未按期更新"),
                _("免费共享"),
                _("价格（元）"),
                _("单位成本（元）"),
                _("成本构成"),
                _("状态"),
            ],
            rows=rows,
        )
    page = page_of(request, items)
    org = org_of(actor)
    context = {
        "page_obj": page,
        "rows": [(r, selectors.is_stale(r)) for r in page.object_list],
        "filters": f,
        "kinds": ResourceKind.choices,
        "statuses": ResourceStatus.choices,
        "can_create": org is not None and actor.can_write,
        "stale_items": selectors.stale_items(org=org) if org is not None else [],
        "months_entry": policy_entry(selectors.UPDATE_MONTHS_KEY),
    }
    return render(
        request,
        page_or_fragment(request, "training/resource_list.html", "training/resource_table.html"),
        context,
    )


@login_required
def resource_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    org = org_of(actor)
    if org is None:
        raise Http404
    form = ResourceForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(
            lambda: services.resource_create(
                actor=actor,
                org=org,
                data=services.ResourceInput(
                    certificate=data["certificate"],
                    kind=data["kind"],
                    title=data["title"],
                    updated_on=data["updated_on"],
                    free=bool(data["free"]),
                    price=data["price"] if data["price"] is not None else Decimal(0),
                    publisher=data["publisher"],
                    isbn=data["isbn"],
                    url=data["url"],
                    unit_cost=data["unit_cost"],
                    cost_basis=data["cost_basis"],
                ),
            ),
            form=form,
        )
        if created.ok:
            messages.success(request, _("资源已发布。"))
            return redirect("training:resource_detail", pk=created.value.pk)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("登记培训资源"),
            "back": "training:resource_list",
            "intro": _("教材须由名单中具备资质的出版单位正式出版，并填写有效 ISBN。"),
        },
    )


_ACTIONS = {
    "create": gettext_lazy("发布资源"),
    "refresh": gettext_lazy("登记更新"),
    "withdraw": gettext_lazy("下架"),
    "relist": gettext_lazy("重新发布"),
    "price": gettext_lazy("调整价格与成本"),
}


@login_required
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, pk=pk)
    context = {
        "resource": resource,
        "stale": selectors.is_stale(resource),
        "moves": RESOURCE.allowed_actions(resource, actor),
        "refresh_form": RefreshForm(),
        "price_form": PriceForm(
            initial={
                "free": resource.free,
                "price": resource.price,
                "unit_cost": resource.unit_cost,
                "cost_basis": resource.cost_basis,
            }
        ),
        "months_entry": policy_entry(selectors.UPDATE_MONTHS_KEY),
        "timeline": timeline(resource, dict(ResourceStatus.choices), _ACTIONS),
    }
    return render(request, "training/resource_detail.html", context)


@login_required
@require_POST
def resource_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, pk=pk)
    form = RefreshForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的更新日期。"))
    elif attempt(
        lambda: services.resource_refresh(
            actor=actor, resource=resource, updated_on=form.cleaned_data["updated_on"]
        ),
        request=request,
    ).ok:
        messages.success(request, _("已登记更新。"))
    return redirect("training:resource_detail", pk=pk)


@login_required
@require_POST
def resource_price(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, pk=pk)
    form = PriceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的价格和成本。"))
    else:
        data = form.cleaned_data
        if attempt(
            lambda: services.resource_set_price(
                actor=actor,
                resource=resource,
                free=bool(data["free"]),
                price=data["price"] if data["price"] is not None else Decimal(0),
                unit_cost=data["unit_cost"],
                cost_basis=data["cost_basis"],
            ),
            request=request,
        ).ok:
            messages.success(request, _("价格与成本已更新。"))
    return redirect("training:resource_detail", pk=pk)


@login_required
@require_POST
def resource_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, pk=pk)
    if attempt(
        lambda: services.resource_withdraw(actor=actor, resource=resource), request=request
    ).ok:
        messages.success(request, _("资源已下架。"))
    return redirect("training:resource_detail", pk=pk)


@login_required
@require_POST
def resource_relist(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, pk=pk)
    if attempt(
        lambda: services.resource_relist(actor=actor, resource=resource), request=request
    ).ok:
        messages.success(request, _("资源已重新发布。"))
    return redirect("training:resource_detail", pk=pk)


@login_required
def publisher_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    f = filters(request, "q")
    admin = actor.is_system or (actor.kind == UnitKind.MINISTRY and actor.is_admin)
    form = PublisherForm(request.POST or None) if admin else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        if attempt(lambda: services.publisher_create(actor=actor, **data), form=form).ok:
            messages.success(request, _("出版单位已加入名单。"))
            return redirect("training:publisher_list")
    items = selectors.publisher_list(q=f["q"])
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("具备资质的出版单位"),
            headers=[_("出版单位"), _("出版许可证号"), _("有效")],
            rows=((p.name, p.licence_number, p.active) for p in items),
        )
    context = {"page_obj": page_of(request, items), "filters": f, "form": form, "admin": admin}
    return render(
        request,
        page_or_fragment(request, "training/publisher_list.html", "training/publisher_table.html"),
        context,
    )


@login_required
@require_POST
def publisher_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    publisher = selectors.publisher_get(pk=pk)
    if attempt(
        lambda: services.publisher_set_active(
            actor=actor, publisher=publisher, active=not publisher.active
        ),
        request=request,
    ).ok:
        messages.success(request, _("已更新。"))
    return redirect("training:publisher_list")
