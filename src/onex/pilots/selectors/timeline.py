"""What the application's page and API show of its workflow: the timeline and the moves offered."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core.actors import Actor
from onex.pilots.models.applications import (
    ApplicationStatus,
    PilotApplication,
)
from onex.pilots.workflows import APPLICATION


def application_timeline(application: PilotApplication) -> list[dict[str, Any]]:
    """The events as ``includes/timeline.html`` shows them."""
    labels = dict(ApplicationStatus.choices)
    actions = ACTION_LABELS
    events = application.events.select_related("user", "unit").order_by("at", "pk")
    return [
        {
            "at": e.at,
            "action": str(actions.get(e.action, e.action)),
            "actor": " · ".join(
                part
                for part in (
                    e.unit.name if e.unit else _("系统"),
                    (e.user.display_name or e.user.username) if e.user else "",
                )
                if part
            ),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": str(labels.get(e.to_status, e.to_status)),
        }
        for e in events
    ]


ACTION_LABELS: dict[str, Any] = {
    "create": gettext_lazy("创建申请"),
    **{move.action: move.label for move in APPLICATION.moves},
}


def application_moves(*, actor: Actor, application: PilotApplication) -> list[str]:
    """The actions the actor may take now: the page's buttons and the API's ``moves``."""
    return APPLICATION.allowed_actions(application, actor)
