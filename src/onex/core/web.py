"""Helpers shared by the HTML views of every app.

One view serves a page and its htmx fragment; lists are paginated the same way everywhere; a
service's refusal (``DomainError``) is shown with its rule ID, at a form field or as a message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Page
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase

from onex.core.errors import DomainError, Forbidden, NotFound
from onex.core.paging import CappedPaginator
from onex.core.params import page_param

PAGE_SIZE = 50

T = TypeVar("T")


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def page_or_fragment(request: HttpRequest, page: str, fragment: str) -> str:
    """The template to render: the fragment for an htmx request, else the whole page."""
    return fragment if is_htmx(request) else page


def page_of(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    """The page of ``items`` named by ``?page=`` (the last one when out of range, the first
    when it is not a number).

    Counted up to the platform's cap (``onex.core.paging``): past it the pager says "超过
    10,000 条", pages on with "next" without a count, and refuses a page too deep to read."""
    return CappedPaginator(items, per_page).get_page(page_param(request.GET.get("page")))


V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def signed_in_download(view: V) -> V:
    """For a stored-file view: an anonymous request gets 404 like any out-of-scope actor.

    Not ``login_required``: a file URL answers the same way whether or not the file exists.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            raise Http404
        return view(request, *args, **kwargs)

    return cast(V, wrapper)


def stored_file_response(stored: FieldFile | None, *, name: str) -> FileResponse:
    """Download a stored file whose owner the caller already fetched through a scoped selector.

    Stored files are never served from MEDIA_URL (ADR 0004): this is the only way out, so it
    sets what every such download needs. ``name`` is the download name without the suffix: the
    stored name is random or a hash, and the user's own file name may carry personal data.
    """
    if stored is None or not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = PurePath(stored.name or "").suffix
    response = FileResponse(handle, as_attachment=True, filename=f"{name}{suffix}")
    response["Cache-Control"] = "no-store"
    return response


def error_text(exc: DomainError) -> str:
    """A refusal as shown to a person, prefixed with the rule ID for officials."""
    return f"[{exc.rule}] {exc.message}" if exc.rule else str(exc.message)


def add_form_error(form: forms.Form, exc: DomainError) -> None:
    """Show a refusal at the form field it names, or above the form.

    A form whose fields differ from the service's names (one service field shown as several
    inputs) maps them with an ``error_field(exc) -> str | None`` method.
    """
    mapper = getattr(form, "error_field", None)
    name = mapper(exc) if callable(mapper) else exc.field
    form.add_error(name if name in form.fields else None, error_text(exc))


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, error_text(exc))


def actor_label(unit: Any, user: Any) -> str:
    """Who took a step: "unit · user", either part left out when absent."""
    return " · ".join(x for x in (unit.name if unit else "", str(user or "")) if x)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What ``attempt`` got: the service's value, or the refusal it already showed."""

    _value: object
    error: DomainError | None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def value(self) -> T:
        if self.error is not None:
            raise self.error
        return cast(T, self._value)


def attempt(
    call: Callable[[], T],
    *,
    request: HttpRequest | None = None,
    form: forms.Form | None = None,
    show_forbidden: bool = True,
) -> Outcome[T]:
    """Run a service for a form or a button; show its refusal where the user acted.

    The one place a view catches ``DomainError``: the refusal goes to the form field it names
    (with ``form``) or into the page's messages (with ``request``). ``NotFound`` always goes on
    to ``DomainErrorMiddleware`` (404: there is nothing to show a message on), and so does
    ``Forbidden`` with ``show_forbidden=False``, for pages that answer "not yours" with 403.
    """
    try:
        return Outcome(call(), None)
    except DomainError as exc:
        if isinstance(exc, NotFound) or (isinstance(exc, Forbidden) and not show_forbidden):
            raise
        refused = exc
    if form is not None:
        add_form_error(form, refused)
    elif request is not None:
        flash_error(request, refused)
    return Outcome(None, refused)
