"""Role-aware navigation: one place decides which menu entries an actor sees.

Apps declare their entries in ``shell.py`` (``onex.core.registry.menu``); every entry's URL
name must resolve, which the system check ``onex.E001`` verifies at startup, so the menu never
skips an entry silently. Permission is still enforced by each view; the menu only avoids
offering what the actor cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import NATIONAL_KINDS, UnitKind
from onex.core.registry import GROUP_SYSTEM, GROUP_WORK, MenuEntry

__all__ = [
    "GROUP_SYSTEM",
    "GROUP_WORK",
    "NATIONAL",
    "OFFICIALS",
    "ORGANISATIONS",
    "WORKBENCHES",
    "MenuEntry",
    "MenuItem",
    "menu_for",
]

NATIONAL = frozenset(NATIONAL_KINDS)
OFFICIALS = frozenset({*NATIONAL_KINDS, UnitKind.PROVINCE, UnitKind.CITY})
ORGANISATIONS = frozenset({*OFFICIALS, UnitKind.ORG, UnitKind.SCHOOL})
# Every kind with a workbench of its own (a learner's space lists only its certificates).
WORKBENCHES = frozenset(set(UnitKind.values) - {UnitKind.LEARNER})


@dataclass(frozen=True)
class MenuItem:
    """A resolved entry as the template shows it."""

    label: str
    url_name: str
    url: str
    group: str
    active: bool = False


def _is_active(url: str, path: str) -> bool:
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")


def menu_for(actor: Actor, *, path: str = "") -> list[MenuItem]:
    if not actor.is_authenticated:
        return []
    items: list[MenuItem] = []
    for entry in registry.menu.all():
        if not entry.visible_to(actor):
            continue
        url = reverse(entry.url_name)
        items.append(
            MenuItem(
                label=str(entry.label),
                url_name=entry.url_name,
                url=url,
                group=str(entry.group),
                active=_is_active(url, path),
            )
        )
    return items
