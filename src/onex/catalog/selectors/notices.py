"""Reads of org notices (public) and of the R19 phrase list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from onex.catalog.models import DEFAULT_UNAUTHORIZED_PHRASES, Org, OrgNotice, UnauthorizedPhrase
from onex.core.scoping import fetch


def org_notices(*, org: Org) -> QuerySet[OrgNotice]:
    return org.notices.order_by("-published_at", "-pk")


def notice_list(*, q: str = "") -> QuerySet[OrgNotice]:
    """Every org's notices, newest first: they are public, like the org pages that show them."""
    qs = OrgNotice.objects.select_related("org").order_by("-published_at", "-pk")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(org__name__icontains=q))
    return qs


@dataclass(frozen=True)
class PhraseRow:
    pk: int | None  # None: a shipped default not yet written to the table
    phrase: str
    is_active: bool


def unauthorized_phrase_rows() -> list[PhraseRow]:
    """The R19 list as admins edit it; the shipped defaults until the first edit seeds them."""
    rows = list(UnauthorizedPhrase.objects.order_by("phrase"))
    if not rows:
        return [PhraseRow(None, p, True) for p in DEFAULT_UNAUTHORIZED_PHRASES]
    return [PhraseRow(r.pk, r.phrase, r.is_active) for r in rows]


def unauthorized_phrase_get(*, pk: int) -> UnauthorizedPhrase:
    return fetch(UnauthorizedPhrase.objects.all(), pk=pk)


def active_unauthorized_phrases() -> list[str]:
    """R19 phrase list. An empty table means the shipped defaults (nothing seeded yet)."""
    if not UnauthorizedPhrase.objects.exists():
        return list(DEFAULT_UNAUTHORIZED_PHRASES)
    return list(UnauthorizedPhrase.objects.filter(is_active=True).values_list("phrase", flat=True))
