"""Audit API: scoped, paginated events with filters, and chain verification for national admins."""
# No "from __future__ import annotations": ninja resolves parameter types at import time.

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from onex.core.actors import Actor, actor_from_request
from onex.core.audit import (
    audit_can_verify,
    audit_event_list,
    audit_record,
    audit_verify_chain,
)
from onex.core.errors import Forbidden
from onex.core.limits import SearchText
from onex.core.params import Pagination

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    # null while the event is pending: committed, not sealed into the chain yet (ADR 0006).
    seq: int | None
    at: dt.datetime
    actor_username: str
    unit_name: str
    action: str
    target_type: str
    target_id: str
    old: Any = None
    new: Any = None
    ip: str
    prev_hash: str | None
    hash: str | None


class VerifyOut(Schema):
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    anchor_seq: int
    broken_seq: int | None = None
    # hash, prev_hash, missing, truncated, head, anchor, mac (edited and rehashed), downgrade
    # (keyed events rewritten as unkeyed), version.
    code: str = ""
    reason: str = ""
    legacy: int = 0  # events from before the keyed chain (no MAC), at the start of the chain
    pending: int = 0  # committed events not sealed yet, outside the verified chain


def _actor(request: HttpRequest) -> Actor:
    # Token-authenticated requests may not pass through the session middleware's user.
    actor = getattr(request, "actor", None)
    if isinstance(actor, Actor) and actor.is_authenticated:
        return actor
    return actor_from_request(request)


@router.get("/events", response=list[AuditEventOut], summary="审计事件列表")
@paginate(Pagination, page_size=50)
def events(
    request: HttpRequest,
    q: SearchText | None = None,
    action: SearchText | None = None,
    actor: SearchText | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Any:
    """Events visible to the caller (national admins: all; provincial admins: their province)."""
    return audit_event_list(
        actor=_actor(request),
        q=q,
        action=action,
        actor_username=actor,
        since=since,
        until=until,
    )


@router.get("/verify", response=VerifyOut, summary="校验审计链")
def verify(request: HttpRequest) -> Any:
    """Walk the whole chain (slow on large logs; `manage.py audit_verify` is the ops tool)."""
    actor = _actor(request)
    if not audit_can_verify(actor=actor):
        raise Forbidden(_("只有审计管理员可以校验审计链。"))
    result = audit_verify_chain()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="audit.verify",
            new={"ok": result.ok, "count": result.count, "broken_seq": result.broken_seq},
        )
    return result
