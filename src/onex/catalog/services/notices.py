"""Org notices (R19: no unauthorized endorsement)."""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import (
    Org,
    OrgNotice,
)
from onex.catalog.selectors.notices import active_unauthorized_phrases
from onex.catalog.services.access import require_org_member
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, RuleViolation


def _normalize(text: str) -> str:
    # NFKC folds full-width forms; whitespace is dropped so "教育部 指导" still matches.
    return "".join(unicodedata.normalize("NFKC", text).split())


def find_unauthorized_phrases(text: str) -> list[str]:
    normalized = _normalize(text)
    return [p for p in active_unauthorized_phrases() if p and _normalize(p) in normalized]


def check_notice_text(*, title: str, body: str) -> None:
    """Refuse text with an unauthorized endorsement, naming the phrase (R19)."""
    found = find_unauthorized_phrases(f"{title}\n{body}")
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
