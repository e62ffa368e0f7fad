"""The audit trail: an append-only, hash-chained and keyed log of writes and sensitive reads.

Each event stores the hash of its predecessor (``prev_hash``) and its own hash over a canonical
JSON of its fields, so changing, inserting or deleting any row breaks the chain at that point;
since version 2 each hash also carries a MAC under a key outside the database, so whoever can
write to the database cannot recompute a valid chain after an edit. On PostgreSQL a trigger
refuses UPDATE and DELETE on the table (migrations 0009, 0013) except for the retention purge and
the sealing update.

Writers only INSERT a *pending* event (chain fields ``seq``, ``prev_hash``, ``hash``, ``mac_key``,
``mac`` all NULL) in their own transaction, with no shared lock. A sequencer (``core.audit.
audit_seal``) gives the committed pending events their chain position, link, hash and MAC in
insertion order, under the ``AuditAnchor`` row lock held only for that short sealing transaction
(ADR 0006). ``AuditAnchor`` is a single row that (a) serializes the sealers and records the head,
and (b) remembers the last purged event so the chain stays verifiable after old events are
deleted for retention.

The hashing and every write live in ``onex.core.audit``; these models only hold data and refuse
instance-level updates and deletes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# prev_hash of the very first event, and the anchor's hash before anything was purged.
GENESIS_HASH = "0" * 64


class AuditAppendOnlyError(RuntimeError):
    """An audit event was about to be changed or deleted through the ORM instance."""


class AuditEvent(models.Model):
    """One event of the chain. Copies names (actor, unit) so history survives renames."""

    # The chain position; NULL while the event is pending (committed, not sealed yet). NULLs do
    # not collide in the unique index, and the positive check passes them.
    seq = models.BigIntegerField(_("序号"), unique=True, null=True, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    # No DB constraint and DO_NOTHING: deleting a user or unit must never rewrite audit rows
    # (SET_NULL would change hashed data and break the chain); the copied id stays as history.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True, db_index=True)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("操作单位"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_name = models.CharField(_("操作单位名称"), max_length=200, blank=True)
    # The acting unit's province at the time of the event: provincial admins' scope.
    unit_province = models.ForeignKey(
        "geo.Division",
        verbose_name=_("所属省份"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    old = models.JSONField(_("原值"), null=True, blank=True)
    new = models.JSONField(_("新值"), null=True, blank=True)
    # A plain string, not GenericIPAddressField: PostgreSQL's inet would normalize IPv6 text
    # and the stored value would no longer match the hashed one.
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)
    # NULL, not "", while pending (DJ001 notwithstanding): the sealer and the PostgreSQL trigger
    # tell a pending row by its NULL chain fields, and "" is what version 1 events carry in mac.
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64, null=True, blank=True)  # noqa: DJ001
    hash = models.CharField(_("哈希"), max_length=64, null=True, blank=True)  # noqa: DJ001
    # 1: unkeyed SHA-256 chain (events written before the chain was keyed; existing rows);
    # 2: the hash payload names the version and ``mac`` authenticates the hash with a key kept
    # outside the database (core.crypto.mac), so recomputing the chain after an edit fails.
    version = models.PositiveSmallIntegerField(_("链版本"), default=1)
    # Version 1 events have "" here; pending events NULL (set by the sealer with the hash).
    mac_key = models.CharField(_("校验密钥编号"), max_length=16, null=True, blank=True)  # noqa: DJ001
    mac = models.CharField(_("密钥校验码"), max_length=64, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        # Newest first: pending events (the chain's future end) before the sealed ones, on every
        # database (PostgreSQL and SQLite disagree on where NULLs sort by default).
        ordering = [F("seq").desc(nulls_first=True), "-id"]
        indexes = [
            models.Index(fields=["unit_province", "seq"], name="audit_province_seq"),
            models.Index(fields=["unit", "seq"], name="audit_unit_seq"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            # The sealer's work list: pending events in insertion order, a tiny partial index.
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="audit_pending"),
        ]
        constraints = [models.CheckConstraint(name="audit_seq_positive", condition=Q(seq__gt=0))]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}" if self.seq is not None else f"(pending) {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditAppendOnlyError("audit events are append-only")
        # force_insert: an instance built with an existing pk must fail, not UPDATE that row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditAppendOnlyError("audit events are deleted only by the retention purge")

    @property
    def is_pending(self) -> bool:
        """Committed but not sealed yet: no chain position, hash or MAC."""
        return self.seq is None


class AuditAnchor(models.Model):
    """The single chain-state row (pk=1).

    ``head_*``: the last sealed event; sealers lock this row (only for their short sealing
    transaction), so on PostgreSQL two sealers never compute the same next seq. Verification
    also compares it with the last stored event, which reveals events deleted from the end of
    the chain.
    ``anchor_*``: the last purged event; verification starts from it instead of the genesis hash.
    """

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK)
    head_seq = models.BigIntegerField(_("最新序号"), default=0)
    head_hash = models.CharField(_("最新哈希"), max_length=64, default=GENESIS_HASH)
    anchor_seq = models.BigIntegerField(_("已清理至序号"), default=0)
    anchor_hash = models.CharField(_("锚点哈希"), max_length=64, default=GENESIS_HASH)
    anchor_at = models.DateTimeField(_("锚点事件时间"), null=True, blank=True)
    purged_count = models.BigIntegerField(_("累计清理条数"), default=0)

    class Meta:
        verbose_name = _("审计链锚点")
        verbose_name_plural = _("审计链锚点")
        constraints = [models.CheckConstraint(name="audit_anchor_singleton", condition=Q(id=1))]

    def __str__(self) -> str:
        return f"head #{self.head_seq}, anchor #{self.anchor_seq}"
