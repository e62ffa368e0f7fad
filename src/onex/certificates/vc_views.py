"""The platform's DID document for ``did:web`` (served at ``/.well-known/did.json``)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from onex.certificates import credentials


@require_safe
def did_json(request: HttpRequest) -> HttpResponse:
    # Every key, current and retired: credentials signed before a rotation keep verifying.
    body = json.dumps(credentials.did_document(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/did+ld+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
