from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import resolve
from django.utils.module_loading import import_string

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


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and ``Cache-Control: no-store``.

    Placed after WhiteNoise, so static assets (served by WhiteNoise before this runs) keep their
    long cache headers and get none of this. Everything else is a page or an API answer that may
    carry personal data: it gets ``no-store`` unless its view marked it ``public`` (a cacheable
    public document such as a JSON-LD context) and nobody is logged in. The policies come from
    settings (``ONEX_CSP``, ``ONEX_PERMISSIONS_POLICY``); a view that set its own is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.ONEX_CSP and not response.has_header("Content-Security-Policy"):
            response["Content-Security-Policy"] = settings.ONEX_CSP
        if settings.ONEX_PERMISSIONS_POLICY and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = settings.ONEX_PERMISSIONS_POLICY
        user = getattr(request, "user", None)
        logged_in = bool(user is not None and user.is_authenticated)
        declared = response.get("Cache-Control", "")
        if "no-store" not in declared and (logged_in or "public" not in declared):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


def _view(request: HttpRequest) -> HttpResponse:
    match = resolve(request.path_info)
    request.resolver_match = match
    response: HttpResponse = match.func(request, *match.args, **match.kwargs)
    return response


class StatelessPathMiddleware:
    """Serve the stateless public paths through a short chain of middleware.

    Public certificate verification comes in bursts after every exam round. It is anonymous, and
    it reads no session, user, CSRF token, message, second factor or htmx header, so running
    those eleven middleware for it is wasted work on the busiest path. The paths in
    ``ONEX_STATELESS_PATHS`` go through ``ONEX_STATELESS_MIDDLEWARE`` instead: the language, the
    API's JSON errors, ``Content-Length`` and ``X-Frame-Options``. A system check keeps that list
    an ordered subset of ``MIDDLEWARE``. The security middleware placed before this one (HTTPS,
    CSP, ``no-store``) wraps both chains.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths = frozenset(settings.ONEX_STATELESS_PATHS)
        chain: Callable[[HttpRequest], Any] = convert_exception_to_response(_view)
        for path in reversed(settings.ONEX_STATELESS_MIDDLEWARE):
            chain = convert_exception_to_response(import_string(path)(chain))
        self.stateless = chain

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in self.paths:
            response: HttpResponse = self.stateless(request)  # a WSGI chain: never awaitable
            return response
        return self.get_response(request)
