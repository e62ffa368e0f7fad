"""The product's 404 page under DEBUG too.

With DEBUG on, Django answers an unmatched path with its technical page (every URL pattern of
the site) instead of ``404.html``; ``make run`` serves with DEBUG on, so first users saw that.
A last catch-all pattern, added only under DEBUG, renders the product page instead.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, URLPattern, re_path, resolve
from django.views.defaults import page_not_found


def debug_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    # The catch-all makes every path "valid", which would switch off CommonMiddleware's
    # APPEND_SLASH redirect; keep it by checking the slashed path against the real patterns.
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not debug_not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return page_not_found(request, Http404())


def debug_catch_all() -> list[URLPattern]:
    """The pattern to append last to the root urlconf, only when DEBUG is on."""
    return [re_path(r"^(?P<path>.*)$", debug_not_found)] if settings.DEBUG else []
