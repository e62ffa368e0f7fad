"""Audit trail (placeholder signature; the hash-chained implementation replaces the body)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from onex.core.actors import Actor


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """Append one event to the audit chain inside the caller's transaction."""
