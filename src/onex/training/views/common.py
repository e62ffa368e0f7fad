"""Helpers shared by training's pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from onex.core.web import actor_label

FILTER_MAX = 100


def filters(request: HttpRequest, *keys: str) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip()[:FILTER_MAX] for key in keys}


def timeline(
    obj: Model, labels: Mapping[str, object], actions: Mapping[str, object]
) -> list[dict[str, Any]]:
    events = obj.events.select_related("unit", "user")  # type: ignore[attr-defined]
    return [
        {
            "at": e.at,
            "action": str(actions.get(e.action, e.action)),
            "actor": actor_label(e.unit, e.user),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": str(labels.get(e.to_status, e.to_status)),
        }
        for e in events
    ]


def bool_param(value: str) -> bool | None:
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    return None
