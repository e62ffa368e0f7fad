"""Small template helpers for the shared UI partials in templates/includes/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from onex.core.calendar import CalendarDataMissing, working_days_between

register = template.Library()

# Status value → tag colour. Apps use these value names for their status fields; an unknown
# status falls back to the neutral tag rather than failing the page.
STATUS_TONES: dict[str, str] = {
    "draft": "neutral",
    "submitted": "info",
    "city_review": "info",
    "confirmed": "success",
    "pending": "info",
    "reviewing": "info",
    "running": "info",
    "approved": "success",
    "accepted": "success",
    "published": "success",
    "active": "success",
    "done": "success",
    "succeeded": "success",
    "returned": "warning",
    "suspended": "warning",
    "valid": "success",
    "overdue": "danger",
    "rejected": "danger",
    "failed": "danger",
    "revoked": "danger",
    "disqualified": "danger",
    "exited": "neutral",
}


@register.filter
def status_tone(status: object) -> str:
    return STATUS_TONES.get(str(status), "neutral")


def working_days_until(deadline: dt.date, today: dt.date | None = None) -> int | None:
    """Working days from today to ``deadline`` (negative when overdue), or None if unknown.

    Goes through the calendar service only: when it is missing or the year is not covered we
    show the date alone instead of guessing Mon–Fri (ARCHITECTURE: deadlines).
    """
    today = today or timezone.localdate()
    try:
        if deadline >= today:
            return int(working_days_between(today, deadline))
        return -int(working_days_between(deadline, today))
    except CalendarDataMissing:  # an uncovered year: the badge then shows the date only
        return None


@register.simple_tag
def deadline_info(deadline: dt.date | dt.datetime | None) -> dict[str, Any] | None:
    if deadline is None:
        return None
    if isinstance(deadline, dt.datetime):
        deadline = timezone.localtime(deadline).date()
    today = timezone.localdate()
    left = working_days_until(deadline, today)
    overdue = deadline < today
    if overdue:
        tone = "danger"
    elif left is not None and left <= 3:
        tone = "warning"
    else:
        tone = "neutral"
    days = abs(left) if left is not None else None
    return {"date": deadline, "left": left, "days": days, "overdue": overdue, "tone": tone}


@register.filter
def elided_pages(page_obj: Any) -> list[int | str]:
    """Page numbers with ellipses for long lists (templates cannot pass the argument)."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number))


@register.filter
def percent(value: object, total: object) -> int:
    try:
        v, t = float(value), float(total)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    if t <= 0:
        return 0
    return max(0, min(100, round(v * 100 / t)))
