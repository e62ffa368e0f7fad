"""Schemas and input parsers shared by every app's API router.

- ``ErrorOut``: the body of every 4xx answer (see ``onex.api``);
- ``RowOut``: the base of a row of a long answer, validated without per-field resolvers;
- ``StatusStepOut`` / ``TimelineEventOut``: a step of a ``StatusTimelineEvent`` timeline;
- ``province_by_code``: a GB/T 2260 province code from a request → its ``Division``.
"""

# No `from __future__ import annotations`: ninja resolves schema annotations at import time.

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BaseModel, ConfigDict

from onex.core.errors import InvalidInput
from onex.geo.models import Division, DivisionLevel


class ErrorOut(Schema):
    code: str
    rule: str | None
    message: str
    details: dict[str, Any]


class RowOut(BaseModel):
    """A row of a long answer (a catalogue page, an overview by certificate) whose selector
    gives every field: pydantic reads the attributes or keys itself. ninja's ``Schema`` wraps
    each item in a Python getter that asks every field for a resolver, about 20 µs a row:
    10 ms of an answer of 500 rows, most of what grew with the data at national scale."""

    model_config = ConfigDict(from_attributes=True)


class StatusStepOut(Schema):
    """The columns of a ``StatusTimelineEvent`` step that every API shows."""

    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    reason: str


class TimelineEventOut(StatusStepOut):
    """A timeline step with the name of the unit that took it."""

    unit: str | None

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return obj.unit.name if obj.unit else None


def province_by_code(code: str) -> Division:
    """The province with this code, or ``InvalidInput`` at the ``province`` field."""
    province = Division.objects.filter(code=code, level=DivisionLevel.PROVINCE).first()
    if province is None:
        raise InvalidInput(_("未知的省份代码。"), field="province")
    return province
