"""Helpers for the school, coordination and R33 tests (kept out of conftest.py, which the
applications tests may want for themselves)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from onex.core.actors import Actor
from onex.pilots.models import School, SchoolWorkingBody
from onex.pilots.selectors import coordination as coordination_selectors
from onex.pilots.services import coordination as coordination_services

WORKING_BODY: dict[str, str] = {
    "body_name": "1+X证书制度试点工作领导小组",
    "leader_name": "王校长",
    "leader_title": "党委副书记、校长",
    "contact_name": "李老师",
    "contact_title": "教务处副处长",
    "contact_phone": "020-34832345",
    "contact_mobile": "13800138000",
    "contact_email": "1x@example.edu.cn",
}


def file_working_body(actor: Actor, school: School, **overrides: str) -> SchoolWorkingBody:
    return coordination_services.working_body_file(
        actor=actor, school=school, **{**WORKING_BODY, **overrides}
    )


PublishFn = Callable[[School, dt.date], None]


@pytest.fixture
def publish(monkeypatch: pytest.MonkeyPatch) -> PublishFn:
    """Mark schools as published on a list on a date, whatever the applications module does."""
    dates: dict[int, dt.date] = {}

    def fake(schools: Any) -> dict[int, dt.date]:
        return {s.pk: dates[s.pk] for s in schools if s.pk in dates}

    monkeypatch.setattr(coordination_selectors, "first_published_dates", fake)

    def mark(school: School, day: dt.date) -> None:
        dates[school.pk] = day

    return mark
