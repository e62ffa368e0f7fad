"""Authorization expectations for the django app (see tests/authz/profiles.py)."""

from __future__ import annotations

PAGES: dict[str, str] = {
    "i18n/setlang/": "redirect",
}

API: dict[str, str] = {}
