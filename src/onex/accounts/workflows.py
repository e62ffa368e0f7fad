"""The declared states and moves of one-time links and claim codes.

A link or a code is *used* by its holder with the secret (``services.links.link_use``,
``services.learners.learner_claim``): that step is not a move of an actor on a visible object
(the holder may not be signed in, and may be a viewer), so it runs outside ``perform`` with its
own lock, timeline row and audit record. What an administrator does to a pending link or code
(withdraw it) is a declared move here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onex.accounts.models import (
    AccessLink,
    AccessLinkEvent,
    AccessLinkStatus,
    ClaimCode,
    ClaimCodeEvent,
    ClaimCodeStatus,
)
from onex.accounts.selectors.accounts import claim_code_scope, link_scope
from onex.accounts.selectors.permissions import may_administer, may_issue_claim_codes
from onex.core.actors import Actor
from onex.core.workflows import Move, Workflow, register


def administers_link_user(actor: Actor, link: AccessLink) -> bool:
    unit = link.user.unit
    return unit is not None and may_administer(actor, unit)


def issues_codes_of(actor: Actor, code: ClaimCode) -> bool:
    return may_issue_claim_codes(actor, code.school_unit)


def link_audit_view(link: AccessLink) -> dict[str, Any]:
    return {"user": link.user_id, "purpose": link.purpose, "status": link.status}


def code_audit_view(code: ClaimCode) -> dict[str, Any]:
    return {"candidate": code.candidate_id, "status": code.status}


def link_jurisdiction(actor: Actor) -> QuerySet[AccessLink]:
    return link_scope(actor)


LINK = register(
    Workflow(
        name="accounts.link",
        model=AccessLink,
        moves=(
            Move(
                (AccessLinkStatus.PENDING,),
                "revoke",
                AccessLinkStatus.REVOKED,
                administers_link_user,
                _("作废链接"),
                denied=_("只有该用户所在单位的管理员可以作废链接。"),
            ),
        ),
        scope=link_jurisdiction,
        event_model=AccessLinkEvent,
        event_fk="link",
        related=("user", "user__unit"),
        audit_view=link_audit_view,
    )
)

CLAIM_CODE = register(
    Workflow(
        name="accounts.claim_code",
        model=ClaimCode,
        moves=(
            Move(
                (ClaimCodeStatus.PENDING,),
                "revoke",
                ClaimCodeStatus.REVOKED,
                issues_codes_of,
                _("作废认领码"),
                denied=_("只有该学生所在学校可以作废认领码。"),
            ),
        ),
        scope=claim_code_scope,
        event_model=ClaimCodeEvent,
        event_fk="code",
        related=("school_unit", "candidate"),
        audit_view=code_audit_view,
    )
)
