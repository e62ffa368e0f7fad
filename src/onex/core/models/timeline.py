"""The base of every object's timeline (filings, applications, sites, fees, plans, certificates).

Each workflow keeps its own concrete event table (a foreign key to its object) so a timeline is
one indexed query, while the columns and the way a step is recorded are defined once here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from onex.core.actors import Actor


class TimelineEvent(models.Model):
    """One step on an object's timeline: when, who (person and unit), what, and why."""

    at = models.DateTimeField(_("时间"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("操作单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=32)
    reason = models.TextField(_("原因"), blank=True, default="")

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @classmethod
    def record(cls, *, actor: Actor, action: str, reason: str = "", **fields: Any) -> Self:
        """Add a step done by ``actor``; ``fields`` carry the parent object and extra columns."""
        return cls._default_manager.create(
            user=actor.user, unit=actor.unit, action=action, reason=reason, **fields
        )


class StatusTimelineEvent(TimelineEvent):
    """A timeline step that moves the object from one status to another."""

    from_status = models.CharField(_("原状态"), max_length=24, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=24)

    class Meta(TimelineEvent.Meta):
        abstract = True
