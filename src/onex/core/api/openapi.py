"""The OpenAPI document of onex: every operation documents its error answers.

Every 4xx answer of the API has the same body (``ErrorOut``, see ``onex.api``), and which ones
an operation can give follows from what it takes:

- 401 and 403: it requires authentication (``security`` in the document): no or a bad
  session/token, or an actor whose role or unit may not do this;
- 404: it has a path parameter (an object outsiders must not learn exists answers 404, too);
- 422: it takes any parameter or a body (validation, max lengths, policy rules).

``OnexAPI`` adds those answers to every operation that does not declare them itself, so a new
app's router is documented correctly without repeating them; ``error_responses`` gives the
same mapping for a decorator that wants to be explicit. ``tests/api/test_openapi.py`` walks the
whole document.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from onex.core.schemas import ErrorOut

ERROR_DESCRIPTIONS: dict[int, str] = {
    401: "Not authenticated: no session or API token, or it expired (code unauthenticated)",
    403: "Forbidden: your role or unit may not do this (code forbidden, or a rule id)",
    404: "Not found, or outside your jurisdiction (code not_found)",
    422: "Invalid input, or a policy rule refused it (code invalid or a rule id)",
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """``{code: ErrorOut}`` for a ``response=``: ``{200: X, **error_responses(404)}``."""
    unknown = set(codes) - set(ERROR_DESCRIPTIONS)
    if unknown:
        raise ValueError(f"no shared description for {sorted(unknown)}")
    return dict.fromkeys(codes, ErrorOut)


def expected_error_codes(operation: dict[str, Any]) -> set[int]:
    """The error answers an operation of the document can give (see the module docstring)."""
    codes: set[int] = set()
    if operation.get("security"):
        codes |= {401, 403}
    parameters = operation.get("parameters") or []
    if any(p.get("in") == "path" for p in parameters):
        codes.add(404)
    if parameters or "requestBody" in operation:
        codes.add(422)
    return codes


def document_error_responses(schema: OpenAPISchema) -> OpenAPISchema:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for code in sorted(expected_error_codes(operation) | _declared_errors(responses)):
                key: int | str = str(code) if str(code) in responses else code
                answer = responses.setdefault(key, {})
                # An answer declared without a body (openapi_extra {404: {}}) gets the shared one.
                answer.setdefault("description", ERROR_DESCRIPTIONS[code])
                answer.setdefault("content", {"application/json": {"schema": _ERROR_REF}})
    return schema


def _declared_errors(responses: dict[Any, Any]) -> set[int]:
    return {int(code) for code in responses if int(code) in ERROR_DESCRIPTIONS}


class OnexAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_error_responses(schema)
