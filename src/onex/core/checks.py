"""System checks of the kernel: URL names, settings, and the production start.

A menu entry, dashboard card or to-do provider naming a page that does not exist is a
programming error; it stops ``manage.py check`` (and every server start) with ``onex.E001``
instead of being skipped silently at request time.

Settings (``onex.E010``–``onex.E019``): every onex knob is validated with an error naming the
variable, the value and what is allowed. ``onex.W010``: a non-debug process whose database holds
active demo accounts (their password is public) warns loudly, as a check and in the log.
``enforce_at_startup`` runs these checks from the WSGI/ASGI entry points too, since production
servers (granian) do not run ``manage.py check``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import CheckMessage, Error, Tags, register, run_checks
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.urls import NoReverseMatch, get_resolver, reverse
from django.urls.resolvers import URLResolver

from onex.core import crypto, registry
from onex.core.audit import AUDIT_RETENTION_FLOOR_DAYS
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


logger = logging.getLogger("onex.startup")

# (setting, smallest allowed value): counts of days, minutes, requests and characters.
_POSITIVE_INTS: tuple[tuple[str, int], ...] = (
    ("ONEX_API_TOKEN_DAYS", 1),
    ("ONEX_PUBLIC_RATE_PER_MINUTE", 1),
    ("SESSION_COOKIE_AGE", 60),
    # AXES_FAILURE_LIMIT is a callable reading the security policy; its environment value is:
    ("ONEX_LOCKOUT_FAILURES", 1),
    ("ONEX_LOCKOUT_MINUTES", 1),
    ("ONEX_IP_FAILURES", 1),
    ("ONEX_IP_WINDOW_MINUTES", 1),
    ("ONEX_API_TOKEN_IDLE_DAYS", 1),
)


def _settings_error(name: str, value: object, allowed: str) -> Error:
    return Error(
        f"{name}={value!r} is not valid: {allowed}.",
        hint=f"Fix {name} in the environment (README, configuration table).",
        id="onex.E010",
    )


def _audit_settings_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    days = settings.ONEX_AUDIT_RETENTION_DAYS
    if not isinstance(days, int) or days < AUDIT_RETENTION_FLOOR_DAYS:
        errors.append(
            _settings_error(
                "ONEX_AUDIT_RETENTION_DAYS",
                days,
                f"audit events are kept at least {AUDIT_RETENTION_FLOOR_DAYS} days "
                "(six months of personal-information processing logs); a longer value is fine",
            )
        )
    until = settings.ONEX_AUDIT_UNKEYED_UNTIL_SEQ
    if until is not None and (not isinstance(until, int) or until < 0):
        errors.append(
            _settings_error("ONEX_AUDIT_UNKEYED_UNTIL_SEQ", until, "a seq number >= 0, or unset")
        )
    return errors


def _crypto_errors() -> list[CheckMessage]:
    suite = settings.ONEX_CRYPTO_SUITE
    if suite not in crypto.known_suites():
        return [
            _settings_error(
                "ONEX_CRYPTO_SUITE", suite, f"one of {', '.join(crypto.known_suites())}"
            )
        ]
    try:
        crypto.public_keys()  # builds the key ring: lengths, PEM blocks, duplicate key ids
    except ImproperlyConfigured as exc:
        return [
            Error(
                f"The key configuration is not valid: {exc}",
                hint="See docs/operations.md, section Secrets.",
                id="onex.E011",
            )
        ]
    return []


def _url_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    url = settings.ONEX_PUBLIC_URL
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
        errors.append(
            _settings_error("ONEX_PUBLIC_URL", url, "an absolute http(s) URL without a query")
        )
    elif settings.ONEX_HTTPS and parts.scheme != "https":
        errors.append(_settings_error("ONEX_PUBLIC_URL", url, "an https:// URL when ONEX_HTTPS=1"))
    if settings.ONEX_VC_ISSUER_DID not in {"key", "web"}:
        errors.append(
            _settings_error("ONEX_VC_ISSUER_DID", settings.ONEX_VC_ISSUER_DID, "key or web")
        )
    return errors


def _number_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name, floor in _POSITIVE_INTS:
        value = getattr(settings, name)
        if not isinstance(value, int | float) or value < floor:
            errors.append(_settings_error(name, value, f"a number >= {floor}"))
    for validator in settings.AUTH_PASSWORD_VALIDATORS:
        options = validator.get("OPTIONS") if isinstance(validator, dict) else None
        length = options.get("min_length") if isinstance(options, dict) else None
        if isinstance(length, int) and length < 8:
            errors.append(_settings_error("ONEX_PASSWORD_MIN_LENGTH", length, "at least 8"))
    font = settings.ONEX_CJK_FONT
    if font and not Path(font).is_file():
        errors.append(_settings_error("ONEX_CJK_FONT", font, "an existing font file, or unset"))
    return errors


_STATELESS = "onex.core.middleware.StatelessPathMiddleware"


def _stateless_errors() -> list[CheckMessage]:
    """The stateless chain may only drop middleware, never add or reorder: each of its entries
    runs in ``MIDDLEWARE`` after ``StatelessPathMiddleware`` too, in the same order."""
    chain = list(settings.MIDDLEWARE)
    lean = list(settings.ONEX_STATELESS_MIDDLEWARE)
    after = chain[chain.index(_STATELESS) + 1 :] if _STATELESS in chain else []
    position = 0
    for path in lean:
        try:
            position = after.index(path, position) + 1
        except ValueError:
            return [
                Error(
                    f"ONEX_STATELESS_MIDDLEWARE lists {path!r}, which is not in MIDDLEWARE "
                    f"after {_STATELESS} in the same order.",
                    hint="Keep ONEX_STATELESS_MIDDLEWARE an ordered subset of what follows "
                    "StatelessPathMiddleware in MIDDLEWARE.",
                    id="onex.E012",
                )
            ]
    return []


@register("onex_settings")
def check_settings(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    return [
        *_audit_settings_errors(),
        *_crypto_errors(),
        *_url_errors(),
        *_number_errors(),
        *_stateless_errors(),
    ]


def demo_accounts_present() -> list[str]:
    """Usernames of active demo accounts in the database (empty if it cannot be read yet)."""
    names = [account.username for account in registry.demo_accounts.all()]
    try:
        return sorted(
            get_user_model()
            .objects.filter(username__in=names, is_active=True)
            .values_list("username", flat=True)
        )
    except DatabaseError:  # no database or no tables yet (check before migrate)
        return []


@register("onex_production")
def check_demo_accounts(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.DEBUG or settings.TESTING:
        return []
    present = demo_accounts_present()
    if not present:
        return []
    message = (
        f"DEMO ACCOUNTS EXIST IN A PRODUCTION DATABASE: {len(present)} active accounts whose "
        f"password is public ({', '.join(present[:5])}{', ...' if len(present) > 5 else ''})."
    )
    logger.warning("%s Deactivate or delete them now.", message)
    return [
        CheckWarning(
            message,
            hint="Deactivate or delete them (manage.py demo_accounts lists them); never run "
            "demo_data in production.",
            id="onex.W010",
        )
    ]


def enforce_at_startup() -> None:
    """Run the system checks from a production entry point: log warnings, refuse on errors."""
    messages = run_checks(include_deployment_checks=False)
    errors = [m for m in messages if m.is_serious() and not m.is_silenced()]
    for message in messages:
        if not message.is_serious() and not message.is_silenced():
            logger.warning("%s", message)
    if errors:
        raise ImproperlyConfigured(
            "onex refuses to start:\n" + "\n".join(str(message) for message in errors)
        )


@register(Tags.security)
def check_crypto_suite(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """``ONEX_CRYPTO_SUITE`` names a known suite whose algorithms this installation has
    (``gm`` needs SM3 and SM4-GCM from the cryptography package's OpenSSL)."""
    if settings.ONEX_CRYPTO_SUITE not in crypto.known_suites():
        return []  # an unknown name is reported once, by the settings validation above
    try:
        crypto.current_suite_name()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="Set ONEX_CRYPTO_SUITE to intl or gm.", id="onex.E010")]
    return []
