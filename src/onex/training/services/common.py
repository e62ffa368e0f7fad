"""Input checks shared by training's services."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from onex.core.errors import InvalidInput

TERM_RE = re.compile(r"^(\d{4})-(\d{4})-([12])$")


def clean_text(
    value: str, *, field: str, label: str, max_length: int, required: bool = True
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(text) > max_length:
        raise InvalidInput(
            _("%(label)s不能超过 %(n)s 个字符。") % {"label": label, "n": max_length}, field=field
        )
    return text


def clean_term(value: str) -> str:
    """A school term as ``2026-2027-1`` (academic years in a row, term 1 or 2)."""
    term = (value or "").strip()
    match = TERM_RE.match(term)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise InvalidInput(_("学期格式应为“2026-2027-1”。"), field="term")
    return term


def clean_decimal(
    value: object,
    *,
    field: str,
    label: str,
    places: int,
    minimum: Decimal = Decimal(0),
    maximum: Decimal = Decimal("99999999"),
    strictly_positive: bool = False,
) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("%(label)s应为数字。") % {"label": label}, field=field) from None
    if not number.is_finite():
        raise InvalidInput(_("%(label)s应为数字。") % {"label": label}, field=field)
    quantum = Decimal(1).scaleb(-places)
    number = number.quantize(quantum)
    if number < minimum or number > maximum or (strictly_positive and number <= 0):
        raise InvalidInput(
            _("%(label)s超出允许范围。") % {"label": label},
            field=field,
            details={"value": str(number)},
        )
    return number
