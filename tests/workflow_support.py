"""Checks shared by the workflow tests: the table, the API and the page offer the same moves."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from onex.core.workflows import Workflow
from tests.personas import Persona, Personas

_DATA_MOVE = re.compile(r'data-move="([^"]+)"')


def every_persona(personas: Personas) -> dict[str, Persona]:
    """Each persona of tests/personas.py by its attribute name."""
    return {name: p for name, p in vars(personas).items() if isinstance(p, Persona)}


def offered_moves(
    *, workflow: Workflow[Any], obj: Any, persona: Persona, api_url: str, page_url: str
) -> tuple[set[str], set[str] | None, set[str] | None]:
    """The table's moves for the persona, the API's ``moves`` and the page's buttons.

    The API and the page answer None when the object is outside the persona's jurisdiction
    (404), where the table must offer nothing either.
    """
    table = set(workflow.allowed_actions(obj, persona.actor))
    client = Client()
    client.force_login(persona.user)
    api = client.get(api_url)
    page = client.get(page_url)
    api_moves = set(api.json()["moves"]) if api.status_code == 200 else None
    page_moves = set(_DATA_MOVE.findall(page.content.decode())) if page.status_code == 200 else None
    return table, api_moves, page_moves


def assert_same_moves(
    *, workflow: Workflow[Any], obj: Any, personas: Personas, api_url: str, page_url: str
) -> dict[str, set[str]]:
    """For every persona: table == API == page. Returns the table per persona."""
    seen: dict[str, set[str]] = {}
    for name, persona in every_persona(personas).items():
        obj.refresh_from_db()
        table, api, page = offered_moves(
            workflow=workflow, obj=obj, persona=persona, api_url=api_url, page_url=page_url
        )
        if api is None or page is None:
            assert api is None and page is None, name
            assert table == set(), name
        else:
            assert table == api == page, (name, table, api, page)
        seen[name] = table
    return seen
