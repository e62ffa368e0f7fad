"""Public, login-free endpoints of the verifiable credentials (mounted at /api/v1/public).

- ``GET /credentials/shared/{token}``: the signed Open Badges 3.0 credential behind a share
  link its holder created (:mod:`onex.certificates.services.sharing`); unknown, expired and revoked
  links get the same 404;
- ``GET /status/{list_id}``: a signed Bitstring Status List credential (``revocation-1`` …);
- ``GET /contexts/{name}``: the JSON-LD contexts the credentials use, as bundled.

There is no public credential by certificate number: the credential carries an identity
claim about the holder's ID number, and an ID number has only ~2 million candidates once the
verification page has shown its masked form. The holder downloads it (``GET
/api/v1/certificates/credentials/{number}``, login) and hands it out through share links
(docs/adr/0003-credential-privacy.md). Share-link fetches share the per-IP limit of the
public verification query (``ONEX_PUBLIC_RATE_PER_MINUTE``, 429 with ``Retry-After``).

The certificates app mounts its own public router at the same prefix; the paths differ.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router

from onex.certificates import contexts
from onex.certificates.selectors import certificates as selectors
from onex.certificates.services import credentials, sharing
from onex.core.actors import client_ip

router = Router(tags=["verifiable credentials"], auth=None)

LD_JSON = "application/ld+json"


def _ld_response(document: dict[str, Any], *, max_age: int) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type=f"{LD_JSON}; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={max_age}"
    # Verifiers in browsers (other origins) fetch status lists and contexts.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def rate_limited_response(exc: selectors.RateLimited) -> HttpResponse:
    response = HttpResponse(
        json.dumps(exc.as_dict(), ensure_ascii=False),
        status=429,
        content_type="application/json; charset=utf-8",
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@router.get(
    "/credentials/shared/{token}",
    summary="The signed credential (Open Badges 3.0) behind a holder's share link",
    url_name="vc_shared_credential",
    openapi_extra={"responses": {200: {"content": {LD_JSON: {}}}, 404: {}, 429: {}}},
)
def shared_credential(request: HttpRequest, token: str) -> HttpResponse:
    ip = client_ip(request)
    try:
        selectors.public_rate_check(ip=ip)
    except selectors.RateLimited as exc:
        return rate_limited_response(exc)
    _certificate, document = sharing.shared_credential(token=token, ip=ip)
    response = _ld_response(document, max_age=0)
    # A revoked link must stop working at once: no shared cache may keep the holder's document.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@router.get(
    "/status/{list_id}",
    summary="A signed Bitstring Status List credential (revocation or suspension)",
    url_name="vc_status_list",
    openapi_extra={"responses": {200: {"content": {LD_JSON: {}}}, 404: {}}},
)
def status_list(request: HttpRequest, list_id: str) -> HttpResponse:
    document = credentials.status_list_credential(list_id)
    if document is None:
        raise Http404
    # A revocation must be visible at once: verifiers may cache for one minute at most.
    return _ld_response(document, max_age=60)


@router.get(
    "/contexts/{name}",
    summary="A JSON-LD context used by the credentials (offline copy)",
    url_name="vc_context",
    openapi_extra={"responses": {200: {"content": {LD_JSON: {}}}, 404: {}}},
)
def context(request: HttpRequest, name: str) -> HttpResponse:
    source = contexts.by_name(name)
    if source is None:
        raise Http404
    return _ld_response(contexts.load(source.url), max_age=86400)
