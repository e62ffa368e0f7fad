"""The funding demo: funds with a flow chart, a refused expenditure (R39), an unsettled exam
past Guangdong's deadline (R29); idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from onex.core.actors import Actor
from onex.funding import demo
from onex.funding.models import Allocation, Expenditure, Settlement
from onex.funding.selectors.funds import funds_flow
from onex.funding.selectors.settlements import unsettled_overdue
from onex.geo.models import Division

pytestmark = pytest.mark.django_db


def test_r39_demo_funds_flow_refused_expenditure_and_overdue_exam() -> None:
    out, err = StringIO(), StringIO()
    call_command("demo_data", stdout=out, stderr=err)
    assert "[R39]" in out.getvalue() + err.getvalue()
    system = Actor.system()
    school = Allocation.objects.filter(school__name=demo.SCHOOL)
    assert school.count() == 3 and Expenditure.objects.count() == len(demo.EXPENDITURES)
    # The refused expenditure stays refused, and left no trace in the ledger.
    special = school.get(title=demo.ALLOCATIONS[1][1])
    spent = special.spent
    refused = demo.attempt_refused(special, Actor.for_user(special.school.unit.users.first()))  # type: ignore[arg-type]
    assert refused is not None and refused.rule == "R39"
    special.refresh_from_db()
    assert special.spent == spent
    flow = funds_flow(actor=system, province=Division.objects.get(code=demo.PROVINCE))
    assert {x.stage for x in flow.links} == {"allocation", "expenditure", "balance"}
    assert flow.allocated == flow.spent + flow.balance
    assert unsettled_overdue(actor=system), "an unsettled exam past the deadline"
    assert Settlement.objects.filter(status="confirmed").count() == 1
    assert demo.load_demo(stdout=lambda _m: None) == {"settlements": 0}
