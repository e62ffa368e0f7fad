"""Every text an actor can send has a maximum length: API inputs and Django forms alike."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from django import forms

import onex
from onex.api import api

# Strings whose format bounds them already.
BOUNDED_FORMATS = {"date", "date-time", "time", "binary", "uuid", "email"}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _unbounded(schema: dict[str, Any], components: dict[str, Any], where: str) -> list[str]:
    schema = _resolve(schema, components)
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key, [])
        if any(_resolve(o, components).get("type") == "number" for o in options):
            continue  # a Decimal: its string form is parsed as a number, not kept as text
        for option in options:
            found += _unbounded(option, components, where)
    # A pattern bounds the string already (a Decimal's string form: its digits are bounded).
    if (
        schema.get("type") == "string"
        and not {"pattern", "enum", "maxLength"} & set(schema)
        and schema.get("format") not in BOUNDED_FORMATS
    ):
        found.append(where)
    if schema.get("type") == "array":
        found += _unbounded(schema.get("items", {}), components, where + "[]")
    for name, prop in schema.get("properties", {}).items():
        found += _unbounded(prop, components, f"{where}.{name}")
    return found


def test_every_api_input_string_has_a_max_length() -> None:
    spec = api.get_openapi_schema()
    components = spec.get("components", {}).get("schemas", {})
    unbounded: list[str] = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for param in operation.get("parameters", []):
                if param["in"] == "query":
                    unbounded += _unbounded(
                        param["schema"], components, f"{where} ?{param['name']}"
                    )
            for media in operation.get("requestBody", {}).get("content", {}).values():
                unbounded += _unbounded(media["schema"], components, f"{where} body")
    assert not unbounded, "\n".join(sorted(set(unbounded)))


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def _onex_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(onex.__path__, "onex."):
        if ".migrations" in module.name or module.name.endswith(("asgi", "wsgi")):
            continue
        importlib.import_module(module.name)
    return sorted(
        (c for c in _all_subclasses(forms.BaseForm) if c.__module__.startswith("onex.")),
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def test_every_form_text_field_has_a_max_length() -> None:
    form_classes = _onex_forms()
    assert len(form_classes) >= 20
    unbounded = [
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in form_classes
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    assert not unbounded, "\n".join(unbounded)
