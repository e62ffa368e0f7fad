"""The OpenAPI document is correct for every router, including routers added later.

Walks every operation of the mounted API (nested routers included) rather than a list of apps,
so a new app's router is checked the moment it is mounted in ``onex/api.py``.
"""

from __future__ import annotations

import json
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema
from ninja.operation import Operation
from pydantic import BaseModel

from onex.api import api
from onex.core.api.openapi import ERROR_DESCRIPTIONS, error_responses, expected_error_codes
from onex.core.schemas import ErrorOut


def _operations(target: NinjaAPI = api) -> Iterator[tuple[str, Operation]]:
    target.get_openapi_schema(path_prefix="")  # binds every (nested) router
    for bound in target._get_bound_routers():
        for path, view in bound.path_operations.items():
            for operation in view.operations:
                yield f"{bound.prefix}{path}", operation


def _models(annotation: Any, found: dict[int, type[BaseModel]]) -> None:
    """Every pydantic model reachable from an annotation (lists, unions, nested fields)."""
    if typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            _models(argument, found)
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if id(annotation) in found:
            return
        found[id(annotation)] = annotation
        for field in annotation.model_fields.values():
            _models(field.annotation, found)


def _identity(model: type[BaseModel]) -> str:
    """Our schemas are one class each; models ninja generates per operation (``PagedXOut``)
    are the same schema when their JSON schema is the same."""
    if model.__module__.startswith("onex."):
        return f"{model.__module__}.{model.__qualname__}"
    return json.dumps(model.model_json_schema(), sort_keys=True, default=str)


def _component_owners(target: NinjaAPI) -> dict[str, set[str]]:
    """Component name → the distinct schemas the operations use under that name."""
    found: dict[int, type[BaseModel]] = {}
    for _path, operation in _operations(target):
        for model in operation.models:
            _models(model, found)
        for model in operation.response_models.values():
            _models(model, found)
    components = set(target.get_openapi_schema(path_prefix="")["components"]["schemas"])
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in found.values():
        if model.__name__ in components:
            by_name[model.__name__].add(_identity(model))
    return by_name


def test_every_component_name_belongs_to_one_schema() -> None:
    by_name = _component_owners(api)
    duplicates = {name: sorted(ids) for name, ids in by_name.items() if len(ids) > 1}
    assert not duplicates, (
        "Two different schemas share an OpenAPI component name, so operations point at the "
        f"wrong one; rename one (e.g. prefix it with its app's concept): {duplicates}"
    )
    assert len(by_name) > 50  # the walk does reach the routers' schemas


def test_every_operation_documents_its_error_answers() -> None:
    schema = api.get_openapi_schema()
    missing: list[str] = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            declared = {int(code) for code in operation["responses"]}
            for code in expected_error_codes(operation) - declared:
                missing.append(f"{method.upper()} {path}: {code}")
            for code in declared & set(ERROR_DESCRIPTIONS):
                body = operation["responses"][code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorOut"}, (path, code)
    assert not missing, missing


def test_authenticated_operations_document_401_and_403_and_public_ones_do_not_need_to() -> None:
    schema = api.get_openapi_schema()
    secured = [op for methods in schema["paths"].values() for op in methods.values()]
    assert any(op.get("security") for op in secured)
    for operation in secured:
        codes = {int(c) for c in operation["responses"]}
        if operation.get("security"):
            assert {401, 403} <= codes, operation["operationId"]


def test_error_responses_helper() -> None:
    assert error_responses(403, 404) == {403: ErrorOut, 404: ErrorOut}
    with pytest.raises(ValueError, match="500"):
        error_responses(500)


def test_every_summary_is_written_by_hand() -> None:
    automatic = [
        f"{path} {operation.view_func.__module__}.{operation.view_func.__name__}"
        for path, operation in _operations()
        if not operation.summary
        or operation.summary == operation.view_func.__name__.title().replace("_", " ")
    ]
    assert not automatic, (
        f"give these operations a summary= written for a reader of the API docs: {automatic}"
    )


def test_operation_ids_are_unique() -> None:
    seen: dict[str, str] = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            assert operation["operationId"] not in seen, (where, seen.get(operation["operationId"]))
            seen[operation["operationId"]] = where


# Two apps' routers, each with its own ``PlanOut``: the walk must see both (the document alone
# cannot: one silently replaces the other under the shared component name).
def _first_plan_out() -> type[Schema]:
    class PlanOut(Schema):
        code: str

    return PlanOut


def _second_plan_out() -> type[Schema]:
    class PlanOut(Schema):
        year: int

    return PlanOut


_FirstPlanOut = _first_plan_out()
_SecondPlanOut = _second_plan_out()


def test_the_walk_finds_a_name_shared_by_two_routers() -> None:
    probe = NinjaAPI(urls_namespace="openapi-probe")
    first, second, nested = Router(), Router(), Router()

    @first.get("/plans", response=list[_FirstPlanOut], summary="First app's plans")
    def first_plans(request: HttpRequest) -> list[Any]:
        return []

    @nested.get("/plans", response=_SecondPlanOut, summary="Second app's plan")
    def second_plan(request: HttpRequest) -> Any:
        return None

    second.add_router("/nested", nested)
    probe.add_router("/first", first)
    probe.add_router("/second", second)
    assert len(_component_owners(probe)["PlanOut"]) == 2
