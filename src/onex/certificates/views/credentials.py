"""Verifiable-credential pages: the DID document, the holder's credential page (download,
identity check code, share links; one view for page and htmx fragment), and the page a share
link opens. See docs/adr/0003-credential-privacy.md for who gets a credential and why.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from onex.certificates.models import IssuedCertificate
from onex.certificates.selectors import certificates as selectors
from onex.certificates.selectors import sharing as holders
from onex.certificates.selectors.certificates import PublicCertificate, RateLimited
from onex.certificates.services import credentials, sharing
from onex.core.actors import Actor, client_ip, request_actor
from onex.core.errors import NotFound
from onex.core.web import attempt, is_htmx
from onex.core.xlsx import content_disposition


@require_safe
def did_json(request: HttpRequest) -> HttpResponse:
    # Every key, current and retired: credentials signed before a rotation keep verifying.
    body = json.dumps(credentials.did_document(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/did+ld+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- the holder's credential --------------------------------------------------------------------


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("有效期（天）"),
        min_value=1,
        max_value=sharing.SHARE_MAX_DAYS,
        initial=sharing.SHARE_DEFAULT_DAYS,
    )
    label = forms.CharField(
        label=gettext_lazy("备注"),
        max_length=sharing.LABEL_MAX,
        required=False,
        help_text=gettext_lazy("例如分享给哪家单位，便于日后撤销。"),
    )


def _links_response(
    request: HttpRequest,
    actor: Actor,
    certificate: IssuedCertificate,
    *,
    form: ShareLinkForm | None = None,
    new: sharing.NewShareLink | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "certificate": certificate,
        "links": holders.share_links(actor=actor, certificate=certificate),
        "form": form or ShareLinkForm(),
        "new": new,
        "now": timezone.now(),
    }
    if is_htmx(request):
        response = render(request, "certificates/credential_links.html", context, status=status)
    else:
        context["identity_code"] = sharing.holder_identity_code(
            actor=actor, certificate=certificate
        )
        response = render(request, "certificates/credential.html", context, status=status)
    # The identity check code and a new link's token are on these pages: no cache keeps them.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def credential_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's page: download, identity check code, share links."""
    actor = request_actor(request)
    certificate = holders.holder_certificate_get(actor=actor, pk=pk)
    return _links_response(request, actor, certificate)


@login_required
@require_safe
def credential_download(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    certificate = holders.holder_certificate_get(actor=actor, pk=pk)
    document = sharing.credential_download(actor=actor, certificate=certificate)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition(f"{certificate.number}.credential.json")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def share_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    certificate = holders.holder_certificate_get(actor=actor, pk=pk)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        return _links_response(request, actor, certificate, form=form, status=422)
    data = form.cleaned_data
    outcome = attempt(
        lambda: sharing.share_link_create(
            actor=actor, certificate=certificate, days=data["days"], label=data["label"]
        ),
        form=form,
        show_forbidden=False,
    )
    if not outcome.ok:
        return _links_response(request, actor, certificate, form=form, status=422)
    new = outcome.value
    # The link is rendered in this one response and never again (only its hash is stored).
    return _links_response(request, actor, certificate, new=new)


@login_required
@require_POST
def share_revoke(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    actor = request_actor(request)
    certificate = holders.holder_certificate_get(actor=actor, pk=pk)
    link = holders.share_link_get(actor=actor, certificate=certificate, pk=link_id)
    sharing.share_link_revoke(actor=actor, link=link)
    if is_htmx(request):
        return _links_response(request, actor, certificate)
    return redirect("certificates:credential", pk=certificate.pk)


# --- what a share link opens (no login) -----------------------------------------------------------


@require_safe
def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """The credential behind a share link: what it says (as the verification page shows it),
    whether its proof and status check out, and a download of the signed document."""
    ip = client_ip(request)
    context: dict[str, Any] = {"checked_at": timezone.now()}
    status = 200
    try:
        selectors.public_rate_check(ip=ip)
        certificate, document = sharing.shared_credential(token=token, ip=ip)
    except RateLimited as exc:
        context["error"], status = str(exc.message), 429
    except NotFound as exc:
        context["error"], status = str(exc.message), 404
    else:
        check = credentials.verify_credential(document)
        context.update(
            result=PublicCertificate.of(certificate),
            proof_ok=check.verified,
            revoked=check.revoked,
            suspended=check.suspended,
            credential_url=holders.shared_credential_url(token),
        )
    response = render(request, "certificates/verify_shared.html", context, status=status)
    # The token is in this page's URL: keep it out of other sites' Referer and of caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response
