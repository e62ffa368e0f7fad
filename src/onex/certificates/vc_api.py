"""Public, login-free endpoints of the verifiable credentials (mounted at /api/v1/public).

- ``GET /certificates/{number}/credential?name=…``: the signed Open Badges 3.0 credential;
- ``GET /status/{list_id}``: a signed Bitstring Status List credential (``revocation-1`` …);
- ``GET /contexts/{name}``: the JSON-LD contexts the credentials use, as bundled.

Why the holder's name is required with the number: certificate numbers are sequential, and a
credential carries the salt and SHA-256 of the holder's ID number (Open Badges IdentityObject).
An ID number has little entropy (region, birth date, serial), so anyone holding a credential
can recover the number by trying candidates; with the number alone the endpoint would let
anyone enumerate every holder's ID. Asking for the name too, as the verification query does,
limits it to people who were shown the certificate (which prints the ID number anyway). Any
mismatch is the same 404 as an unknown number, and the endpoint shares the per-IP limit of the
public verification query (``ONEX_PUBLIC_RATE_PER_MINUTE``, 429 with ``Retry-After``).

The certificates app mounts its own public router at the same prefix; the paths differ.
"""

from __future__ import annotations

import hmac
import json
import unicodedata
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router

from onex.certificates import contexts, credentials, selectors
from onex.certificates.models import IssuedCertificate
from onex.core.actors import client_ip
from onex.core.limits import NameText

router = Router(tags=["verifiable credentials"], auth=None)

LD_JSON = "application/ld+json"


def _ld_response(document: dict[str, Any], *, max_age: int) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type=f"{LD_JSON}; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={max_age}"
    # Verifiers in browsers (other origins) fetch status lists and contexts.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _same_name(stored: str, given: str) -> bool:
    # Full-width and spacing differences from Chinese input methods are not mismatches.
    def fold(value: str) -> str:
        return "".join(unicodedata.normalize("NFKC", value).split())

    return bool(given) and hmac.compare_digest(fold(stored).encode(), fold(given).encode())


@router.get(
    "/certificates/{number}/credential",
    summary="A certificate as a signed W3C Verifiable Credential (Open Badges 3.0)",
    url_name="vc_certificate_credential",
    openapi_extra={"responses": {200: {"content": {LD_JSON: {}}}, 404: {}, 429: {}}},
)
def certificate_credential(request: HttpRequest, number: str, name: NameText) -> HttpResponse:
    try:
        selectors.public_rate_check(ip=client_ip(request))
    except selectors.RateLimited as exc:
        response = HttpResponse(
            json.dumps(exc.as_dict(), ensure_ascii=False),
            status=429,
            content_type="application/json; charset=utf-8",
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
    certificate = (
        IssuedCertificate.objects.select_related("certificate", "org")
        .filter(number=number.strip().upper())
        .first()
    )
    if certificate is None or not _same_name(certificate.holder_name, name):
        raise Http404
    # Short cache: the credential itself does not change on revocation (the status list does).
    return _ld_response(credentials.credential_for(certificate), max_age=300)


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
