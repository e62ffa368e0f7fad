"""Audit trail: append (services), verify, purge for retention, and the scoped selectors.

Every write of the platform calls ``audit_record`` inside its transaction; every clear-text view
of an ID number calls ``audit_personal_view``. Writers insert pending events without any shared
lock; ``audit_seal`` (the sequencer, ADR 0006) chains committed ones after commit. Events form a
keyed SHA-256 hash chain (see ``onex.core.models.audit``); ``audit_verify_chain`` walks it and
names the first broken link.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Max, Model, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from onex.core import crypto
from onex.core.actors import Actor
from onex.core.audit_offline import (
    CURRENT_VERSION,
    EXPORT_TYPE,
    HASHED_FIELDS,
    VERSION_KEYED,
    VERSION_UNKEYED,
    event_hash,
)
from onex.core.bulk import update_rows
from onex.core.errors import Forbidden, InvalidInput
from onex.core.logging import redact
from onex.core.models import SEPARATED_ROLES, AuditAnchor, AuditEvent, Role, UnitKind, User
from onex.core.params import id_param
from onex.core.scoping import fetch
from onex.core.xlsx import export_response

logger = logging.getLogger(__name__)

ACTION_PERSONAL_VIEW = "personal.view"
ACTION_PURGE = "audit.purge"

# The canonical form and the hash live in ``audit_offline`` (standalone, no Django) so the server
# and the offline verifier cannot disagree.
_HASHED_FIELDS = HASHED_FIELDS
# The MAC purpose (core.crypto derives a separate key per purpose).
MAC_PURPOSE = "audit-chain"
_VERIFY_CHUNK = 5000


# --- canonical values and hashing ---------------------------------------------------------------


def json_safe(value: Any) -> Any:
    """A JSON value that survives a round trip through SQLite and PostgreSQL jsonb unchanged.

    The hash is computed before the insert and recomputed from what the database returns, so
    anything the database could normalize differently is turned into a string here: dates,
    Decimals (money), UUIDs, and floats (jsonb may print 1e20 back as an integer). Every string,
    key included, goes through ``redact`` so a clear ID number never enters the log even if a
    caller forgot to mask it.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str | Promise):
        return redact(str(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.timezone.utc)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Model):
        return json_safe(value.pk)
    if isinstance(value, Mapping):
        return {str(json_safe(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(v) for v in value]
        # Sets have no order; sort their canonical text so the same set hashes the same.
        if isinstance(value, set | frozenset):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        return items
    return redact(str(value))


def _canonical_at(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def compute_hash(fields: Mapping[str, Any], *, version: int = CURRENT_VERSION) -> str:
    """SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of the hashed fields.

    Anyone can recompute it (the offline verifier does); what a database writer cannot
    recompute is the event's MAC (:func:`compute_mac`), keyed outside the database.
    """
    payload = {name: fields[name] for name in _HASHED_FIELDS}
    payload["at"] = _canonical_at(payload["at"])
    return event_hash(payload, version)


def compute_mac(event_hash_hex: str) -> tuple[str, str]:
    """``(key_id, mac)`` of an event hash under the current data key (core.crypto)."""
    return crypto.mac(event_hash_hex.encode("ascii"), purpose=MAC_PURPOSE)


def mac_is_valid(event: AuditEvent) -> bool:
    if event.hash is None or event.mac is None or event.mac_key is None:
        return False
    return crypto.mac_verify(
        event.hash.encode("ascii"), event.mac, purpose=MAC_PURPOSE, key_id=event.mac_key
    )


def _event_fields(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in _HASHED_FIELDS}


def _locked_anchor() -> AuditAnchor:
    # get_or_create retries a get on IntegrityError, so two first-ever sealers do not collide;
    # the row lock then serializes sealers (and the purge) until this transaction ends.
    anchor, _created = AuditAnchor.objects.select_for_update().get_or_create(
        pk=AuditAnchor.SINGLETON_PK
    )
    return anchor


def _anchor_if_free() -> AuditAnchor | None:
    """The locked anchor, or None at once if another sealer holds it (PostgreSQL SKIP LOCKED).

    SQLite ignores row locks: its IMMEDIATE transactions already serialize every writer.
    """
    anchor = (
        AuditAnchor.objects.select_for_update(skip_locked=True)
        .filter(pk=AuditAnchor.SINGLETON_PK)
        .first()
    )
    if anchor is not None:
        return anchor
    if AuditAnchor.objects.filter(pk=AuditAnchor.SINGLETON_PK).exists():
        return None  # it exists, so it is locked: someone else is sealing
    return _locked_anchor()


# --- services (writes) --------------------------------------------------------------------------

# Pending events sealed per sealing transaction: bounds how long the anchor lock is held.
SEAL_BATCH = 1000
_CHAIN_FIELDS = ("seq", "prev_hash", "hash", "mac_key", "mac")


def _seal_batch(anchor: AuditAnchor, limit: int) -> list[AuditEvent]:
    """Chain the oldest pending events visible to this transaction after the anchor's head."""
    pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:limit])
    if not pending:
        return []
    seq, prev = anchor.head_seq, anchor.head_hash
    for event in pending:
        seq += 1
        event.seq = seq
        event.prev_hash = prev
        # Hashed from the values the database returns, exactly as verification reads them.
        event.hash = compute_hash(_event_fields(event), version=event.version)
        event.mac_key, event.mac = compute_mac(event.hash)
        prev = event.hash
    update_rows(AuditEvent, pending, _CHAIN_FIELDS)
    AuditAnchor.objects.filter(pk=anchor.pk).update(head_seq=seq, head_hash=prev)
    return pending


def audit_seal(*, wait: bool = False, batch: int = SEAL_BATCH) -> int:
    """The sequencer: give committed pending events their chain position, hash and MAC.

    Events are sealed in insertion order (id) as far as they are committed; an event committed
    later with a lower id simply gets a later position. Each batch is one short transaction
    holding the anchor lock. With ``wait=False`` (after a writer's commit, the periodic task)
    a sealer that finds the anchor locked returns at once. That is safe because every holder
    looks for pending events again *after* releasing the lock and goes on if it finds any: a
    writer committed before its sealer found the lock busy, so before the holder released it,
    so the holder's look sees its event. Returns how many events this call sealed.
    """
    total = 0
    while True:
        with transaction.atomic():
            anchor = _locked_anchor() if wait else _anchor_if_free()
            if anchor is None:
                return total
            sealed = _seal_batch(anchor, batch)
        total += len(sealed)
        if not AuditEvent.objects.filter(seq__isnull=True).exists():
            return total


def _seal_after_commit() -> None:
    """The writer's on_commit hook: seal now, never wait for another sealer."""
    try:
        audit_seal(wait=False)
    except Exception:
        # The write itself is committed and its event pending; the periodic task or the next
        # write seals it (and verification would report a lasting fault, e.g. a missing key).
        # Never turn a committed request into an error page.
        logger.exception("audit sealing after commit failed; the periodic task will retry")


def _seal_pending_on_commit() -> None:
    """Ask for one sealing when the current transaction commits (not one per event)."""
    if connection.in_atomic_block and any(
        entry[1] is _seal_after_commit for entry in connection.run_on_commit
    ):
        # Already asked in this transaction: a savepoint rollback that drops that request
        # would drop every event recorded after it too, so one request covers them all.
        return
    transaction.on_commit(_seal_after_commit)


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEvent:
    """Insert one pending event inside the caller's transaction; it is sealed after commit.

    Callers pass masked personal data; values are made JSON-safe and redacted defensively.
    No shared lock is taken: concurrent writers do not wait for each other (ADR 0006). When the
    caller's transaction commits, ``audit_seal`` chains the event; if it rolls back, the event
    never existed and the chain has no gap. ``ONEX_AUDIT_SEAL_INLINE`` seals inside the caller's
    transaction instead (the old serializing behaviour: the test suite, whose transactions never
    commit, and the benchmark's baseline), and the returned event then carries its chain fields.
    """
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    unit = actor.unit
    user = actor.user
    event = AuditEvent(
        at=timezone.now(),
        actor_id=user.pk if user is not None else None,
        actor_username=user.get_username() if user is not None else "",
        unit_id=unit.pk if unit is not None else None,
        unit_name=unit.name if unit is not None else "",
        unit_province_id=unit.province_id if unit is not None else None,
        action=action,
        target_type=target_type,
        target_id=redact(str(target_id)),
        old=json_safe(old) if old is not None else None,
        new=json_safe(new) if new is not None else None,
        ip=actor.ip or "",
        version=CURRENT_VERSION,
    )
    if settings.ONEX_AUDIT_SEAL_INLINE:
        with transaction.atomic():
            event.save()
            audit_seal(wait=True)
            sealed = AuditEvent.objects.filter(pk=event.pk).values(*_CHAIN_FIELDS).get()
        for name, value in sealed.items():
            setattr(event, name, value)
        return event
    event.save()
    _seal_pending_on_commit()
    return event


def audit_personal_view(*, actor: Actor, target: Model, field: str) -> AuditEvent:
    """Record that ``actor`` saw ``field`` of ``target`` in clear text (PIPL art. 28)."""
    return audit_record(
        actor=actor, action=ACTION_PERSONAL_VIEW, target=target, new={"field": field}
    )


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    anchor_seq: int = 0
    broken_seq: int | None = None
    code: str = ""
    reason: str = ""
    legacy: int = 0  # unkeyed events (version 1, written before the chain was keyed)
    # Committed events not sealed yet (no chain position): not part of the verified chain.
    pending: int = 0

    def __str__(self) -> str:
        tail = f" ({self.pending} pending, not sealed yet)" if self.pending else ""
        if self.ok:
            return f"OK {self.count} events{tail}"
        return f"BROKEN at seq {self.broken_seq} [{self.code}]: {self.reason}{tail}"


def _iter_chain(after_seq: int, upto_seq: int | None) -> Iterator[AuditEvent]:
    """Events with seq > after_seq in order, fetched by keyset in chunks.

    Keyset pages (seq > last) instead of one server-side cursor: constant memory on millions of
    rows, no long-held cursor, and it works behind a transaction-pooling proxy.
    """
    last = after_seq
    while True:
        qs = AuditEvent.objects.filter(seq__gt=last).order_by("seq")
        if upto_seq is not None:
            qs = qs.filter(seq__lte=upto_seq)
        chunk = list(qs[:_VERIFY_CHUNK])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq or last  # never None: the query filters on seq


def _pending_count() -> int:
    return AuditEvent.objects.filter(seq__isnull=True).count()


def audit_verify_chain(*, upto_seq: int | None = None, seal: bool = True) -> VerifyResult:
    """Walk the chain from the anchor and report the first broken link.

    First seals the committed pending events if no other sealer is busy (``seal=False``
    skips it); events still pending afterwards are counted apart (``pending``), they have no
    position to check yet. The walk stops at the head read when it starts, so a sealer running
    meanwhile cannot make a sound chain look broken. With ``upto_seq`` only the prefix up to
    that seq is checked (the purge uses it) and the head is not compared.
    """
    if seal and upto_seq is None:
        audit_seal(wait=False)
    anchor = AuditAnchor.objects.filter(pk=AuditAnchor.SINGLETON_PK).first() or AuditAnchor()
    head_seq, head_hash = anchor.head_seq, anchor.head_hash
    legacy = 0
    pending = 0

    def broken(seq: int, code: str, reason: str, count: int) -> VerifyResult:
        return VerifyResult(
            ok=False,
            count=count,
            head_seq=head_seq,
            head_hash=head_hash,
            anchor_seq=anchor.anchor_seq,
            broken_seq=seq,
            code=code,
            reason=reason,
            legacy=legacy,
            pending=pending,
        )

    if upto_seq is None:
        pending = _pending_count()
    # The purge deletes everything up to the anchor; a survivor means the anchor was moved
    # forward by hand, perhaps to skip tampered events.
    leftover = (
        AuditEvent.objects.filter(seq__lte=anchor.anchor_seq)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    if leftover is not None:
        return broken(
            leftover,
            "anchor",
            _("事件序号 %(seq)s 不晚于锚点序号 %(anchor)s，却未被清理：锚点可能被篡改。")
            % {"seq": leftover, "anchor": anchor.anchor_seq},
            0,
        )

    expected_seq = anchor.anchor_seq + 1
    expected_prev = anchor.anchor_hash
    count = 0
    keyed_seen = False
    # Set by the operator once no new unkeyed event can exist: above it, an unkeyed event is a
    # downgrade (someone rewrote keyed events as unkeyed ones to recompute the chain).
    unkeyed_until = settings.ONEX_AUDIT_UNKEYED_UNTIL_SEQ
    for event in _iter_chain(anchor.anchor_seq, head_seq if upto_seq is None else upto_seq):
        if event.seq != expected_seq:
            return broken(
                expected_seq,
                "missing",
                _("缺少序号 %(seq)s 的事件（下一条为 %(found)s）：事件被删除。")
                % {"seq": expected_seq, "found": event.seq},
                count,
            )
        if event.prev_hash != expected_prev:
            return broken(
                event.seq,
                "prev_hash",
                _("前一事件哈希不符：前一事件被修改或链被重排。"),
                count,
            )
        if event.version not in (VERSION_UNKEYED, VERSION_KEYED):
            return broken(event.seq, "version", _("未知的事件版本：事件被修改。"), count)
        if event.version == VERSION_UNKEYED and (
            keyed_seen or (unkeyed_until is not None and event.seq > unkeyed_until)
        ):
            return broken(
                event.seq,
                "downgrade",
                _("无密钥的旧版事件出现在密钥化事件之后：链被降级重写。"),
                count,
            )
        if compute_hash(_event_fields(event), version=event.version) != event.hash:
            return broken(event.seq, "hash", _("事件内容与其哈希不符：事件被修改。"), count)
        if event.version == VERSION_KEYED:
            keyed_seen = True
            if not mac_is_valid(event):
                return broken(
                    event.seq,
                    "mac",
                    _("事件的密钥校验码不符：事件被修改后重算了哈希链，或密钥未配置。"),
                    count,
                )
        else:
            legacy += 1
        count += 1
        expected_prev = event.hash
        expected_seq += 1

    last_seq = expected_seq - 1
    if upto_seq is None:
        if last_seq < head_seq:
            return broken(
                last_seq + 1,
                "truncated",
                _("链止于序号 %(last)s，但链头记录为 %(head)s：末尾事件被删除。")
                % {"last": last_seq, "head": head_seq},
                count,
            )
        # Sealed events beyond the head: read the highest seq first, then the head again. A
        # sealer moves both in one transaction, so a head read afterwards covers every event a
        # sealer wrote; anything above it was written past the anchor by hand.
        highest = AuditEvent.objects.aggregate(highest=Max("seq"))["highest"] or 0
        head_now = (
            AuditAnchor.objects.filter(pk=AuditAnchor.SINGLETON_PK)
            .values_list("head_seq", flat=True)
            .first()
        ) or 0
        if highest > head_now or expected_prev != head_hash:
            return broken(
                head_seq,
                "head",
                _("链头记录与最后一条事件不符：链头或末尾事件被修改。"),
                count,
            )
    return VerifyResult(
        ok=True,
        count=count,
        head_seq=head_seq,
        head_hash=head_hash,
        anchor_seq=anchor.anchor_seq,
        legacy=legacy,
        pending=pending,
    )


def audit_export_lines() -> Iterator[str]:
    """The chain as JSON Lines for the offline verifier (``core/audit_offline.py``).

    First a header naming the anchor the export starts from, then one event per line with the
    hashed fields (``at`` in its canonical form), the version and the hash. MACs are left out:
    they are only checkable with the secret key, and the export may leave the organisation.
    Committed pending events are sealed first when no other sealer is busy; the export stops
    at the head named in its header (events still pending are not in the chain yet).
    """
    audit_seal(wait=False)
    anchor = AuditAnchor.objects.filter(pk=AuditAnchor.SINGLETON_PK).first() or AuditAnchor()
    header = {
        "type": EXPORT_TYPE,
        "format": 1,
        "anchor_seq": anchor.anchor_seq,
        "anchor_hash": anchor.anchor_hash,
        "head_seq": anchor.head_seq,
        "exported_at": timezone.now().astimezone(dt.timezone.utc).isoformat(),
    }
    yield json.dumps(header, ensure_ascii=False, sort_keys=True)
    for event in _iter_chain(anchor.anchor_seq, anchor.head_seq):
        row = _event_fields(event)
        row["at"] = _canonical_at(event.at)
        row["version"] = event.version
        row["hash"] = event.hash
        yield json.dumps(row, ensure_ascii=False, sort_keys=True)


# --- retention purge ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    anchor_seq: int
    cutoff: dt.datetime


# The legal floor: logs of personal-information processing are kept at least six months
# (184 days covers any six consecutive months). A shorter setting is refused at startup
# (system check onex.E010) and by the purge.
AUDIT_RETENTION_FLOOR_DAYS = 184


def audit_retention_days() -> int:
    return int(settings.ONEX_AUDIT_RETENTION_DAYS)


def _allow_purge_delete() -> None:
    """Lift the PostgreSQL append-only trigger for the DELETEs of this transaction only.

    The trigger (core migration 0009) refuses UPDATE and DELETE on audit events unless the
    transaction-local setting ``onex.audit_purge`` is ``on``; ``set_config(..., true)`` ends
    with the transaction, so nothing else in the session inherits it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('onex.audit_purge', 'on', true)")


def audit_purge(
    *,
    actor: Actor,
    older_than_days: int | None = None,
    now: dt.datetime | None = None,
    batch_size: int = 10_000,
) -> PurgeResult:
    """Delete events older than the retention and move the anchor so the rest still verifies.

    Only a prefix of the chain is purged (up to the first event young enough to keep), so the
    chain stays contiguous even if clocks went backwards. The prefix is verified first: the
    purge refuses to launder a broken chain. Batches commit separately, each moving the anchor,
    so an interrupted purge leaves a verifiable chain.
    """
    actor.require(is_audit_admin(actor))
    retention = audit_retention_days()
    if retention < AUDIT_RETENTION_FLOOR_DAYS:
        raise InvalidInput(
            _("ONEX_AUDIT_RETENTION_DAYS=%(days)s 低于法定下限 %(floor)s 天，拒绝清理。")
            % {"days": retention, "floor": AUDIT_RETENTION_FLOOR_DAYS},
            field="older_than_days",
        )
    days = retention if older_than_days is None else older_than_days
    if days < retention:
        raise InvalidInput(
            _("不能清理保存期（%(days)s 天）内的审计事件。") % {"days": retention},
            field="older_than_days",
        )
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    # Only sealed events are purged (a pending one has no position yet); seal what is committed
    # so an old pending event cannot hold the boundary back.
    audit_seal(wait=True)
    sealed = AuditEvent.objects.filter(seq__isnull=False)
    first_young = (
        sealed.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True)
    ).first()
    last_old = (
        sealed.filter(at__lt=cutoff)
        .filter(**({"seq__lt": first_young} if first_young is not None else {}))
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    anchor = AuditAnchor.objects.filter(pk=AuditAnchor.SINGLETON_PK).first()
    if last_old is None or anchor is None or last_old <= anchor.anchor_seq:
        return PurgeResult(purged=0, anchor_seq=anchor.anchor_seq if anchor else 0, cutoff=cutoff)

    check = audit_verify_chain(upto_seq=last_old)
    if not check.ok:
        raise InvalidInput(
            _("审计链在序号 %(seq)s 处已损坏，拒绝清理：%(reason)s")
            % {"seq": check.broken_seq, "reason": check.reason}
        )

    purged = 0
    while True:
        with transaction.atomic():
            anchor = _locked_anchor()
            if anchor.anchor_seq >= last_old:
                break
            upto = min(last_old, anchor.anchor_seq + batch_size)
            boundary = AuditEvent.objects.get(seq=upto)
            _allow_purge_delete()
            deleted, _detail = AuditEvent.objects.filter(seq__lte=upto).delete()
            purged += deleted
            AuditAnchor.objects.filter(pk=anchor.pk).update(
                anchor_seq=boundary.seq,
                anchor_hash=boundary.hash,
                anchor_at=boundary.at,
                purged_count=anchor.purged_count + deleted,
            )
    audit_record(
        actor=actor,
        action=ACTION_PURGE,
        new={"through_seq": last_old, "purged": purged, "cutoff": cutoff, "days": days},
    )
    return PurgeResult(purged=purged, anchor_seq=last_old, cutoff=cutoff)


# --- selectors (reads) --------------------------------------------------------------------------


# Events of the security domain: logins, lockouts, second factor, tokens, the separated
# administrators' own work. Only the audit administrator reads them (ADR 0005).
SECURITY_ACTION_PREFIXES = ("auth.", "mfa.", "security.", "audit.")


def _security_q() -> Q:
    separated = User.objects.filter(role__in=sorted(SEPARATED_ROLES)).values("pk")
    q = Q(actor_id__in=separated)
    for prefix in SECURITY_ACTION_PREFIXES:
        q |= Q(action__startswith=prefix)
    return q


def is_audit_admin(actor: Actor) -> bool:
    return actor.is_system or actor.role == Role.AUDIT_ADMIN


def _audit_scope(actor: Actor) -> Q:
    """The audit administrator sees everything. Business administrators keep a read-only view
    of the business events of their jurisdiction (national admins: all business events;
    provincial admins: their province and their own unit), without the security domain.

    Anyone else is refused with 403 rather than 404: the audit log is a page, not an object in
    a jurisdiction, so there is nothing whose existence a refusal could reveal.
    """
    if is_audit_admin(actor):
        return Q()
    if actor.is_national and actor.is_admin:
        return ~_security_q()
    if actor.is_kind(UnitKind.PROVINCE) and actor.role == Role.ADMIN:
        return (Q(unit_province_id=actor.province_id) | Q(unit_id=actor.unit_id)) & ~_security_q()
    raise Forbidden(_("只有审计管理员和国家级、省级业务管理员可以查看审计日志。"))


def audit_can_view(*, actor: Actor) -> bool:
    try:
        _audit_scope(actor)
    except Forbidden:
        return False
    return True


def audit_can_verify(*, actor: Actor) -> bool:
    """Verifying and exporting the chain is the audit administrator's alone."""
    return is_audit_admin(actor)


def _day_start(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def audit_event_list(
    *,
    actor: Actor,
    q: str | None = None,
    action: str | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    actor_username: str | None = None,
) -> QuerySet[AuditEvent]:
    """Events the actor may see, newest first (pending ones, not sealed yet, on top).

    ``action`` matches exactly or, ending in ".", as a prefix ("unit." = every unit action).
    ``until`` as a date includes that whole day. ``q`` searches the action, the actor's
    account, the unit name and the target.
    """
    qs = AuditEvent.objects.filter(_audit_scope(actor))
    if action:
        qs = (
            qs.filter(action__startswith=action)
            if action.endswith(".")
            else qs.filter(action=action)
        )
    if actor_username:
        qs = qs.filter(actor_username=actor_username)
    if since is not None:
        qs = qs.filter(at__gte=_day_start(since))
    if until is not None:
        if isinstance(until, dt.datetime):
            qs = qs.filter(at__lte=_day_start(until))
        else:
            qs = qs.filter(at__lt=_day_start(until + dt.timedelta(days=1)))
    if q:
        q = q.strip()
        search = (
            Q(action__icontains=q)
            | Q(actor_username__icontains=q)
            | Q(unit_name__icontains=q)
            | Q(target_type__icontains=q)
            | Q(target_id=q)
        )
        seq = id_param(q)
        if seq:
            search |= Q(seq=seq)
        qs = qs.filter(search)
    # Newest first in chain order: pending events (the chain's end, not sealed yet) on top.
    return qs.order_by(F("seq").desc(nulls_first=True), "-id")


def audit_event_get(*, actor: Actor, seq: int) -> AuditEvent:
    """One event by seq, or NotFound if it is outside the actor's scope."""
    return fetch(audit_event_list(actor=actor), seq=seq)


_ACTIONS_CACHE_KEY = "onex:audit:actions"


def audit_action_choices(*, actor: Actor) -> list[str]:
    """The action names for the filter menu.

    Unscoped and cached: action names are code constants, not data of any jurisdiction, and a
    DISTINCT over millions of events on every page view would cost a full index scan.
    """
    _audit_scope(actor)  # refuse non-admins before anything else
    actions = cache.get(_ACTIONS_CACHE_KEY)
    if actions is None:
        actions = list(
            AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        )
        cache.set(_ACTIONS_CACHE_KEY, actions, 600)
    return list(actions)


@dataclass(frozen=True)
class DiffRow:
    key: str
    old: Any
    new: Any
    changed: bool


def audit_diff(event: AuditEvent) -> list[DiffRow]:
    """Old and new values side by side, one row per key of either."""
    old = event.old if isinstance(event.old, dict) else {}
    new = event.new if isinstance(event.new, dict) else {}
    keys = list(old) + [k for k in new if k not in old]
    return [
        DiffRow(key=k, old=old.get(k), new=new.get(k), changed=old.get(k) != new.get(k))
        for k in keys
    ]


# --- xlsx export --------------------------------------------------------------------------------

AUDIT_EXPORT_LIMIT = 100_000


def _json_text(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_export_xlsx(*, events: QuerySet[AuditEvent]) -> HttpResponse:
    """The filtered events as xlsx (at most AUDIT_EXPORT_LIMIT rows, newest first)."""
    headers = [
        _("序号"),
        _("时间"),
        _("操作人"),
        _("操作单位"),
        _("操作"),
        _("对象类型"),
        _("对象编号"),
        _("原值"),
        _("新值"),
        _("IP 地址"),
        _("哈希"),
    ]
    rows = (
        (
            e.seq,
            e.at,
            e.actor_username,
            e.unit_name,
            e.action,
            e.target_type,
            e.target_id,
            _json_text(e.old),
            _json_text(e.new),
            e.ip,
            e.hash,
        )
        for e in events[:AUDIT_EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return export_response(
        filename=f"{_('审计日志')}-{stamp}.xlsx", headers=headers, rows=rows, sheet=_("审计日志")
    )
