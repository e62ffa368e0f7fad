from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    from onex.core.navigation import menu_for

    actor = getattr(request, "actor", None)
    return {"nav_menu": menu_for(actor) if actor is not None else []}
