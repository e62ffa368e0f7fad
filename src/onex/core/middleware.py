from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from onex.core.actors import actor_from_request


class ActorMiddleware:
    """Attach ``request.actor`` so views pass one value to services and selectors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = actor_from_request(request)  # type: ignore[attr-defined]
        return self.get_response(request)
