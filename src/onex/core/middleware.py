from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from onex.core.actors import actor_from_request
from onex.core.errors import DomainError, NotFound
from onex.core.web import error_text, is_htmx


class ActorMiddleware:
    """Attach ``request.actor`` so views pass one value to services and selectors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = actor_from_request(request)  # type: ignore[attr-defined]
        return self.get_response(request)


# The product's pages for each refusal; 409 and 422 share one page that shows the message.
_PAGES = {404: "404.html", 403: "403.html"}
_DEFAULT_PAGE = "error.html"


class DomainErrorMiddleware:
    """Map the services' refusals to HTTP for every page, once, instead of in each view.

    ``NotFound`` → 404, ``Forbidden`` → 403, ``RuleViolation``/``InvalidInput`` → 422,
    ``Conflict`` → 409 (each error class carries its status), and Django's ``Http404`` → 404
    whatever DEBUG says. A page gets the product's error page; an htmx request gets only the
    message fragment, to be swapped where it was asked.
    The API never reaches here: django-ninja answers its own exceptions in ``onex.api``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            # Django's own 404 (get_object_or_404, a view's ``raise Http404``) gets the same
            # page as NotFound. Left to Django, DEBUG would answer with its technical page,
            # which lists every URL pattern; ``make run`` serves with DEBUG on.
            status, message = 404, ""
        elif isinstance(exception, DomainError):
            status = exception.status
            # A 404 never repeats the service's message: "absent" and "not yours" read alike.
            message = "" if isinstance(exception, NotFound) else error_text(exception)
        else:
            return None
        context = {"status": status, "message": message, "exception": message}
        if is_htmx(request):
            return render(request, "includes/error_message.html", context, status=status)
        return render(request, _PAGES.get(status, _DEFAULT_PAGE), context, status=status)
