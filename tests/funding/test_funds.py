"""Allocations and expenditures: every yuan traced from source to expenditure (R17), prohibited
uses refused (R39), special funds recovered (R41)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext

from onex.core.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from onex.funding.models import (
    Allocation,
    AllocationStatus,
    Expenditure,
    ExpenditureCategory,
    FundSource,
    ProhibitedUse,
)
from onex.funding.selectors.funds import allocation_list, funds_flow, funds_totals
from onex.funding.services import funds as fund_services
from tests.factories_funding import allocate, evidence, spend
from tests.personas import Personas, division

pytestmark = pytest.mark.django_db


# --- R17: within the balance, traced, reconciled -----------------------------------------------


def test_r17_an_expenditure_beyond_the_allocation_balance_is_refused(personas: Personas) -> None:
    allocation = allocate(personas, amount="1000.00")
    spend(personas, allocation, "600.00")
    with pytest.raises(RuleViolation) as refused:
        spend(personas, allocation, "400.01")
    assert refused.value.rule == "R17"
    assert refused.value.details["balance"] == "400.00"
    allocation.refresh_from_db()
    assert allocation.spent == Decimal("600.00")
    assert Expenditure.objects.count() == 1
    spend(personas, allocation, "400.00")  # exactly the balance is allowed
    allocation.refresh_from_db()
    assert allocation.balance == Decimal("0.00")


def test_r17_the_database_refuses_an_allocation_spent_beyond_its_amount(
    personas: Personas,
) -> None:
    allocation = allocate(personas, amount="100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(spent=F("amount") + Decimal("0.01"))


def test_r17_every_expenditure_names_its_allocation_and_source(personas: Personas) -> None:
    central = allocate(personas, source=FundSource.CENTRAL_AWARD, amount="50000.00")
    row = spend(personas, central, "1234.56", category=ExpenditureCategory.TRAINING_FACILITIES)
    assert row.allocation.source == FundSource.CENTRAL_AWARD
    assert row.allocation.school == personas.gd_school_obj
    assert row.evidence.name.startswith("funding/evidence/") and "发票" not in row.evidence.name


def test_r17_totals_reconcile_at_every_level(personas: Personas) -> None:
    p = personas
    a1 = allocate(p, source=FundSource.CENTRAL_AWARD, amount="300000.00")
    a2 = allocate(p, source=FundSource.PROVINCIAL_SPECIAL, amount="120000.50")
    a3 = allocate(p, source=FundSource.SCHOOL_OWN, amount="8000.00")
    a4 = allocate(p, school=p.hb_school_obj, amount="70000.00")
    spend(p, a1, "123456.78")
    spend(p, a1, "0.01", category=ExpenditureCategory.EXAM_FEES)
    spend(p, a2, "120000.50", category=ExpenditureCategory.TEACHING_RESOURCES)
    spend(p, a3, "99.99")
    spend(p, a4, "1.00", actor=p.hb_school.actor)
    ministry = p.ministry.actor
    # Each allocation: amount = spent + balance, and spent = the sum of its expenditures.
    for a in Allocation.objects.all():
        ledger = a.expenditures.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        assert a.spent == ledger and a.amount == a.spent + a.balance, a.title
        assert isinstance(a.spent, Decimal)
    # Each school, province and source: the same identity on the sums.
    for group in ("school", "province", "source"):
        for row in Allocation.objects.values(group).annotate(
            amount=Sum("amount"), spent=Sum("spent")
        ):
            ledger = Expenditure.objects.filter(**{f"allocation__{group}": row[group]}).aggregate(
                s=Sum("amount")
            )["s"] or Decimal("0")
            assert row["spent"] == ledger, (group, row)
    # The flow of Guangdong: what flows in flows on, to categories or the balance.
    flow = funds_flow(actor=ministry, province=division("440000"))
    inflow = sum((x.value for x in flow.links if x.stage == "allocation"), Decimal("0"))
    outflow = sum((x.value for x in flow.links if x.stage != "allocation"), Decimal("0"))
    assert inflow == outflow == flow.allocated == Decimal("428000.50")
    assert flow.spent + flow.balance == flow.allocated
    assert flow.spent == Decimal("243557.28")
    national = funds_totals(actor=ministry)
    assert national["amount"] == Decimal("498000.50")
    assert national["amount"] == national["spent"] + national["balance"]


def test_amounts_are_decimal_never_float(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        fund_services.allocation_create(
            actor=personas.gd.actor,
            school=personas.gd_school_obj,
            source=FundSource.PROVINCIAL_SPECIAL,
            year=2026,
            title="x",
            amount=0.1 + 0.2,
        )
    with pytest.raises(InvalidInput):
        fund_services.money("1.001")


def test_an_expenditure_needs_evidence_of_a_sniffed_type(personas: Personas) -> None:
    allocation = allocate(personas)
    kwargs = {
        "actor": personas.gd_school.actor,
        "allocation": allocation,
        "category": ExpenditureCategory.TEACHER_TRAINING,
        "amount": Decimal("10.00"),
        "spent_on": allocation.created_at.date(),
        "payee": "x",
        "purpose": "培训",
    }
    with pytest.raises(InvalidInput) as missing:
        fund_services.expenditure_record(evidence=None, **kwargs)  # type: ignore[arg-type]
    assert missing.value.field == "evidence"
    with pytest.raises(InvalidInput):
        fund_services.expenditure_record(
            evidence=evidence("a.pdf").__class__("a.pdf", b"MZ", "application/pdf"), **kwargs
        )  # type: ignore[arg-type]


# --- R39: prohibited uses -----------------------------------------------------------------------


@pytest.mark.parametrize("use", ProhibitedUse.values)
def test_r39_special_funds_refuse_every_prohibited_use(personas: Personas, use: str) -> None:
    allocation = allocate(personas, source=FundSource.CENTRAL_AWARD)
    with pytest.raises(RuleViolation) as refused:
        spend(personas, allocation, "100.00", category=use)
    assert refused.value.rule == "R39"
    assert refused.value.field == "category"
    allocation.refresh_from_db()
    assert allocation.spent == 0 and not Expenditure.objects.exists()


@pytest.mark.parametrize(
    "purpose", ["用于偿还学校基建贷款", "支付银行利息", "提取项目管理费", "弥补其他项目资金缺口"]
)
def test_r39_a_purpose_naming_a_prohibited_use_is_refused(personas: Personas, purpose: str) -> None:
    allocation = allocate(personas)
    with pytest.raises(RuleViolation) as refused:
        spend(
            personas,
            allocation,
            "100.00",
            category=ExpenditureCategory.OTHER_PILOT,
            purpose=purpose,
        )
    assert refused.value.rule == "R39" and refused.value.field == "purpose"


def test_r39_the_database_holds_no_prohibited_category(personas: Personas) -> None:
    row = spend(personas, allocate(personas), "10.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Expenditure.objects.filter(pk=row.pk).update(category=ProhibitedUse.REPAY_DEBT)


def test_a_schools_own_funds_refuse_a_non_pilot_use_without_the_special_funds_rule(
    personas: Personas,
) -> None:
    own = allocate(personas, source=FundSource.SCHOOL_OWN)
    with pytest.raises(InvalidInput) as refused:
        spend(personas, own, "10.00", category=ProhibitedUse.PAY_INTEREST)
    assert not isinstance(refused.value, RuleViolation)


# --- who may do what ----------------------------------------------------------------------------


def test_who_allocates_which_source(personas: Personas) -> None:
    p = personas
    with pytest.raises(Forbidden):
        allocate(p, source=FundSource.CENTRAL_AWARD, actor=p.gd.actor)
    with pytest.raises(Forbidden):
        allocate(p, source=FundSource.PROVINCIAL_SPECIAL, actor=p.ministry.actor)
    with pytest.raises(NotFound):  # another province's school is not visible
        allocate(p, school=p.hb_school_obj, actor=p.gd.actor)
    with pytest.raises(Forbidden):
        allocate(p, source=FundSource.PROVINCIAL_SPECIAL, actor=p.gd_school.actor)
    with pytest.raises(Forbidden):  # viewers change nothing
        allocate(p, actor=p.gd_viewer.actor)
    assert allocate(p, source=FundSource.SCHOOL_OWN).created_by == p.gd_school.unit


def test_only_the_funded_school_records_expenditures(personas: Personas) -> None:
    p = personas
    allocation = allocate(p)
    with pytest.raises(Forbidden):
        spend(p, allocation, "1.00", actor=p.gd.actor)
    with pytest.raises(NotFound):
        spend(p, allocation, "1.00", actor=p.hb_school.actor)
    with pytest.raises(NotFound):
        spend(p, allocation, "1.00", actor=p.org.actor)


def test_allocations_are_scoped_to_the_actor(personas: Personas) -> None:
    p = personas
    gd = allocate(p)
    hb = allocate(p, school=p.hb_school_obj)
    assert set(allocation_list(actor=p.ministry.actor)) == {gd, hb}
    assert list(allocation_list(actor=p.gd.actor)) == [gd]
    assert list(allocation_list(actor=p.gz_city.actor)) == [gd]
    assert list(allocation_list(actor=p.hb_school.actor)) == [hb]
    assert list(allocation_list(actor=p.org.actor)) == []
    assert list(allocation_list(actor=p.learner.actor)) == []


# --- R41: recovery ------------------------------------------------------------------------------


def test_r41_a_schools_special_funds_are_marked_for_recovery_and_frozen(
    personas: Personas,
) -> None:
    p = personas
    central = allocate(p, source=FundSource.CENTRAL_AWARD)
    special = allocate(p)
    own = allocate(p, source=FundSource.SCHOOL_OWN)
    marked = fund_services.school_special_funds_mark_for_recovery(
        actor=p.gd.actor, school=p.gd_school_obj, reason="取消试点资格"
    )
    assert {a.pk for a in marked} == {central.pk, special.pk}
    own.refresh_from_db()
    assert own.status == AllocationStatus.ACTIVE
    with pytest.raises(RuleViolation) as refused:
        spend(p, special, "1.00")
    assert refused.value.rule == "R41"
    spend(p, own, "1.00")  # the school's own money stays usable
    with pytest.raises(RuleViolation) as not_special:
        fund_services.allocation_mark_for_recovery(actor=p.gd.actor, allocation=own, reason="x")
    assert not_special.value.rule == "R41"
    recovered = fund_services.allocation_recover(actor=p.gd.actor, allocation=special)
    assert recovered.status == AllocationStatus.RECOVERED
    assert list(special.events.values_list("action", flat=True)) == [
        "create",
        "mark_for_recovery",
        "recover",
    ]


def test_r41_only_the_province_or_the_ministry_recovers(personas: Personas) -> None:
    p = personas
    special = allocate(p)
    with pytest.raises(Forbidden):
        fund_services.allocation_mark_for_recovery(
            actor=p.gd_school.actor, allocation=special, reason="x"
        )
    with pytest.raises(NotFound):
        fund_services.allocation_mark_for_recovery(actor=p.hb.actor, allocation=special, reason="x")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL"
)
def test_r17_the_allocation_row_is_locked_before_the_balance_is_checked(
    personas: Personas,
) -> None:
    allocation = allocate(personas, amount="100.00")
    with CaptureQueriesContext(connection) as queries:
        spend(personas, allocation, "10.00")
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert any('"funding_allocation"' in sql for sql in locking)
    first_lock = next(i for i, q in enumerate(queries.captured_queries) if "FOR UPDATE" in q["sql"])
    insert = next(
        i
        for i, q in enumerate(queries.captured_queries)
        if q["sql"].startswith('INSERT INTO "funding_expenditure"')
    )
    assert first_lock < insert
