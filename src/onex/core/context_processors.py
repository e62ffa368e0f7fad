from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from onex.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"nav_menu": []}
    return {"nav_menu": menu_for(actor, path=request.path)}
