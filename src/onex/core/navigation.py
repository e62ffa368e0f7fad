"""Role-aware navigation: one place decides which menu entries an actor sees."""

from __future__ import annotations

from dataclasses import dataclass

from onex.core.actors import Actor


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str


def menu_for(actor: Actor) -> list[MenuItem]:
    if not actor.is_authenticated:
        return []
    return [MenuItem("工作台", "dashboard")]
