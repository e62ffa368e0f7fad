"""System checks of the kernel: every URL name the registries link to must resolve.

A menu entry, dashboard card or to-do provider naming a page that does not exist is a
programming error; it stops ``manage.py check`` (and every server start) with ``onex.E001``
instead of being skipped silently at request time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, get_resolver, reverse
from django.urls.resolvers import URLResolver

from onex.core import crypto, registry
from onex.core.views.home import PUBLIC_LINKS, PublicLink


def url_name_exists(name: str) -> bool:
    """Whether a (namespaced) URL name exists, whatever arguments its pattern takes."""
    *namespaces, view = name.split(":")
    resolver: URLResolver = get_resolver()
    for namespace in namespaces:
        try:
            resolver = resolver.namespace_dict[namespace][1]
        except KeyError:
            return False
    return view in resolver.reverse_dict


def _menu_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    links: list[registry.MenuEntry | PublicLink] = [*registry.menu.all(), *PUBLIC_LINKS]
    for entry in links:
        try:
            reverse(entry.url_name)  # the menu links without arguments
        except NoReverseMatch:
            errors.append(
                Error(
                    f"Link {entry.label!s} links to URL name {entry.url_name!r}, "
                    "which does not resolve without arguments.",
                    hint="Fix the url_name in the app's shell.py or add the URL pattern.",
                    obj=entry,
                    id="onex.E001",
                )
            )
    return errors


def _declared_errors() -> list[CheckMessage]:
    declared: list[tuple[str, Any, tuple[str, ...]]] = [
        *(("To-do provider", p, p.url_names) for p in registry.todos.all()),
        *(("Dashboard card", c, c.url_names) for c in registry.cards.all()),
    ]
    return [
        Error(
            f"{what} {item.name!r} declares URL name {name!r}, which does not exist.",
            hint="Fix the url_names in the app's shell.py or add the URL pattern.",
            obj=item,
            id="onex.E001",
        )
        for what, item, names in declared
        for name in names
        if not url_name_exists(name)
    ]


@register(Tags.urls)
def check_registered_urls(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    return [*_menu_errors(), *_declared_errors()]


@register(Tags.security)
def check_crypto_suite(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """``ONEX_CRYPTO_SUITE`` names a known suite whose algorithms this installation has
    (``gm`` needs SM3 and SM4-GCM from the cryptography package's OpenSSL)."""
    try:
        crypto.current_suite_name()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="Set ONEX_CRYPTO_SUITE to intl or gm.", id="onex.E010")]
    return []
