"""Org notices (R19: no unauthorized endorsement)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import PHRASE_GAP, Org, OrgNotice
from onex.catalog.selectors.notices import active_unauthorized_phrases
from onex.catalog.services.access import require_org_member
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, RuleViolation


def _normalize(text: str) -> str:
    # NFKC folds full-width forms; whitespace is dropped so "教育部 指导" still matches.
    return "".join(unicodedata.normalize("NFKC", text).split())


# At most this many letters or digits between the parts of a phrase: enough for a modifier
# ("教育部官方授权", "指定的培训"), too few to join words of unrelated clauses ("请于指定时间
# 参加师资培训"). Punctuation never falls in a gap, so a phrase stays inside one clause.
_GAP_CHARS = 3
_GAP = rf"[^\W_]{{0,{_GAP_CHARS}}}"


@lru_cache(maxsize=256)
def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """The phrase as a pattern: its parts in order, "…" allowing a short gap (None: empty)."""
    # NFKC spells "…" as "...", so split after normalizing.
    gap = unicodedata.normalize("NFKC", PHRASE_GAP)
    parts = [part for part in _normalize(phrase).split(gap) if part]
    if not parts:
        return None
    return re.compile(_GAP.join(re.escape(part) for part in parts), re.IGNORECASE)


def find_unauthorized_phrases(text: str) -> list[str]:
    """The passages of ``text`` that claim an unauthorized endorsement (R19), normalized."""
    normalized = _normalize(text)
    found: list[str] = []
    for phrase in active_unauthorized_phrases():
        pattern = phrase_pattern(phrase)
        if pattern is not None:
            found.extend(match.group(0) for match in pattern.finditer(normalized))
    return list(dict.fromkeys(found))


def check_notice_text(*, title: str, body: str) -> None:
    """Refuse text with an unauthorized endorsement, naming the phrase (R19)."""
    # Title and body apart: dropping whitespace must not join the title's end to the body.
    found = list(dict.fromkeys(find_unauthorized_phrases(title) + find_unauthorized_phrases(body)))
    if found:
        raise RuleViolation(
            "R19",
            _("通知含有未经授权的表述“%(phrases)s”，不得发布。") % {"phrases": "”“".join(found)},
            field="body",
            details={"phrases": found},
        )


def notice_publish(*, actor: Actor, org: Org, title: str, body: str) -> OrgNotice:
    require_org_member(actor, org)
    if not title.strip() or not body.strip():
        raise InvalidInput(_("标题和正文不能为空。"), field="title")
    check_notice_text(title=title, body=body)
    with transaction.atomic():
        notice = OrgNotice.objects.create(
            org=org, title=title.strip(), body=body, published_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="catalog.notice.publish",
            target=notice,
            new={"org": org.pk, "title": notice.title},
        )
    return notice
