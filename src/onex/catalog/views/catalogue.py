"""The public catalogue and org pages (no login)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onex.catalog.forms import CatalogSearchForm
from onex.catalog.importers import can_import_catalog
from onex.catalog.models import Certificate, Level
from onex.catalog.selectors import catalogue, notices, orgs
from onex.core.actors import request_actor
from onex.core.web import page_of, page_or_fragment, stored_file_response
from onex.core.xlsx import export_response


def _search(form: CatalogSearchForm) -> catalogue.CatalogSearch:
    data = form.cleaned_data if form.is_valid() else {}
    return catalogue.CatalogSearch(
        q=data.get("q") or "",
        org=data.get("org") or "",
        batch=data.get("batch"),
        specialty=data.get("specialty") or "",
    )


def catalog_list(request: HttpRequest) -> HttpResponse:
    form = CatalogSearchForm(request.GET or None)
    certificates = catalogue.certificate_list(search=_search(form))
    if request.GET.get("format") == "xlsx":
        return _export_catalog(certificates)
    page = page_of(request, certificates)
    context = {
        "form": form,
        "page_obj": page,
        "batches": catalogue.batch_list(),
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
    certificate = catalogue.certificate_get(code=code)
    standard = catalogue.certificate_current_standard(certificate)
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
        "levels": catalogue.certificate_levels(certificate),
        "standard": standard,
        "tree": tree,
    }
    return render(request, "catalog/certificate_detail.html", context)


def standard_pdf(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A standard's PDF: public, like the catalogue, but only for a certificate in it."""
    standard = catalogue.certificate_standard_get(code=code, pk=pk)
    return stored_file_response(standard.pdf, name=f"standard-{code}-{standard.version}")


def org_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = page_of(request, orgs.org_list(q=q))
    return render(
        request,
        page_or_fragment(request, "catalog/org_list.html", "catalog/org_table.html"),
        {"page_obj": page, "q": q},
    )


def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = orgs.org_get(pk=pk)
    actor = request_actor(request)
    context = {
        "org": org,
        "certificates": catalogue.certificate_list(search=catalogue.CatalogSearch(org=str(org.pk))),
        "notices": notices.org_notices(org=org)[:20],
        "agreement": orgs.org_current_agreement(org),
        "can_act": orgs.org_can_act(org),
        "is_member": orgs.acts_for(actor, org),
    }
    return render(request, "catalog/org_detail.html", context)
