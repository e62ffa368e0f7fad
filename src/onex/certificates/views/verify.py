"""The public query and verification pages (no login, zh-hans and English, R36).

A mismatch, an unknown number and a bad QR token answer alike, on the page itself.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.certificates.selectors import certificates as selectors
from onex.certificates.selectors.certificates import PublicCertificate, RateLimited
from onex.certificates.services.pdf import number_from_token
from onex.core.actors import client_ip
from onex.core.errors import InvalidInput, NotFound

# --- public query and verification (no login) -------------------------------------------------


class VerifyForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("证书编号"), max_length=64)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=64)


class QueryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=64)
    id_number = forms.CharField(
        label=gettext_lazy("证件号码"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    admission_ticket = forms.CharField(
        label=gettext_lazy("准考证号"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("填写准考证号时查询该次考核成绩；不填则查询本人全部证书。"),
    )


def verify_page(request: HttpRequest) -> HttpResponse:
    """Three POST forms (no ID number ever in a URL): verify, query certificates, exam result."""
    which = request.POST.get("form", "") if request.method == "POST" else ""
    verify_form = VerifyForm(request.POST if which == "verify" else None, prefix="v")
    query_form = QueryForm(request.POST if which == "query" else None, prefix="q")
    context: dict[str, Any] = {
        "verify_form": verify_form,
        "query_form": query_form,
        "which": which,
    }
    status = 200
    if request.method == "POST":
        try:
            selectors.public_rate_check(ip=client_ip(request))
            if which == "verify" and verify_form.is_valid():
                context["results"] = [
                    selectors.public_verify(
                        number=verify_form.cleaned_data["number"],
                        name=verify_form.cleaned_data["name"],
                    )
                ]
            elif which == "query" and query_form.is_valid():
                data = query_form.cleaned_data
                if data["admission_ticket"]:
                    context["exam_result"] = selectors.public_exam_result(
                        name=data["name"],
                        id_number=data["id_number"],
                        admission_ticket=data["admission_ticket"],
                    )
                else:
                    context["results"] = selectors.public_query(
                        name=data["name"], id_number=data["id_number"]
                    )
            else:
                status = 422
        except RateLimited as exc:
            context["error"] = str(exc.message)
            status = 429
        except (NotFound, InvalidInput) as exc:
            context["error"] = str(exc.message)
            status = 404 if isinstance(exc, NotFound) else 422
        # The ID number is never sent back into the page: the form is rendered empty.
        if which == "query":
            context["query_form"] = QueryForm(
                initial={
                    "name": query_form.data.get("q-name", ""),
                    "admission_ticket": query_form.data.get("q-admission_ticket", ""),
                },
                prefix="q",
            )
    response = render(request, "certificates/verify.html", context, status=status)
    if status == 429:
        response["Retry-After"] = "60"
    return response


def verify_token(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code's target: the signature is checked before anything is looked up."""
    number = number_from_token(token)
    result: PublicCertificate | None = None
    error = ""
    status = 200
    try:
        selectors.public_rate_check(ip=client_ip(request))
        if number is None:
            error = _("二维码链接无效或已被篡改，无法验证。请手工输入证书编号和姓名查询。")
            status = 404
        else:
            result = selectors.public_verify_number(number=number)
    except RateLimited as exc:
        error, status = str(exc.message), 429
    except NotFound as exc:
        error, status = str(exc.message), 404
    return render(
        request,
        "certificates/verify_token.html",
        {"result": result, "error": error, "checked_at": timezone.now()},
        status=status,
    )
