"""Template filters of the supervision pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    """A ratio in [0, 1] as a percentage with one decimal ("—" when absent)."""
    if value is None:
        return "—"
    return f"{Decimal(value) * 100:.1f}%"
