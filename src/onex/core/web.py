"""Helpers shared by the HTML views of every app.

One view serves a page and its htmx fragment; lists are paginated the same way everywhere; a
service's refusal (``DomainError``) is shown with its rule ID, at a form field or as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest

from onex.core.errors import DomainError, NotFound
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
    when it is not a number)."""
    return Paginator(items, per_page).get_page(page_param(request.GET.get("page")))


def or_404(call: Callable[[], T]) -> T:
    """Run a selector; ``NotFound`` (absent or outside the jurisdiction) becomes a 404."""
    try:
        return call()
    except NotFound:
        raise Http404 from None


def error_text(exc: DomainError) -> str:
    """A refusal as shown to a person, prefixed with the rule ID for officials."""
    return f"[{exc.rule}] {exc.message}" if exc.rule else str(exc.message)


def add_form_error(form: forms.Form, exc: DomainError) -> None:
    """Show a refusal at the form field it names, or above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, error_text(exc))


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, error_text(exc))


def actor_label(unit: Any, user: Any) -> str:
    """Who took a step: "unit · user", either part left out when absent."""
    return " · ".join(x for x in (unit.name if unit else "", str(user or "")) if x)
