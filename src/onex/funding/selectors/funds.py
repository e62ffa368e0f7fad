"""Reads of allocations and expenditures, scoped to the actor, and the funds flow (R17)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.funding.models import (
    ZERO,
    Allocation,
    AllocationStatus,
    Expenditure,
    ExpenditureCategory,
    FundSource,
)
from onex.geo.models import Division


def allocation_scope(*, actor: Actor) -> QuerySet[Allocation]:
    """National: all; a province: its schools'; a city: its city's schools'; a school: its own.
    Orgs and learners hold no pilot funds and see none."""
    return Allocation.objects.filter(
        actor.region_q(province="province", city="school__city", unit="school__unit")
    ).select_related("school", "province", "created_by")


def allocation_list(
    *,
    actor: Actor,
    q: str = "",
    source: str = "",
    status: str = "",
    province: Division | None = None,
    year: int | None = None,
) -> QuerySet[Allocation]:
    qs = allocation_scope(actor=actor)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(title__icontains=q) | Q(school__name__icontains=q) | Q(document_number__icontains=q)
        )
    if source:
        qs = qs.filter(source=source) if source in FundSource.values else qs.none()
    if status:
        qs = qs.filter(status=status) if status in AllocationStatus.values else qs.none()
    if province is not None:
        qs = qs.filter(province=province)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "province__code", "school__name", "pk")


def allocation_get(*, actor: Actor, pk: int) -> Allocation:
    return fetch(allocation_scope(actor=actor), pk=pk)


def expenditure_scope(*, actor: Actor) -> QuerySet[Expenditure]:
    return Expenditure.objects.filter(
        allocation__in=allocation_scope(actor=actor).values("pk")
    ).select_related("allocation", "allocation__school")


def expenditure_list(
    *, actor: Actor, allocation: Allocation | None = None, q: str = "", category: str = ""
) -> QuerySet[Expenditure]:
    qs = expenditure_scope(actor=actor)
    if allocation is not None:
        qs = qs.filter(allocation=allocation)
    if q:
        q = q.strip()
        qs = qs.filter(Q(payee__icontains=q) | Q(purpose__icontains=q))
    if category:
        qs = qs.filter(category=category) if category in ExpenditureCategory.values else qs.none()
    return qs.order_by("-spent_on", "-pk")


def expenditure_get(*, actor: Actor, pk: int) -> Expenditure:
    return fetch(expenditure_scope(actor=actor), pk=pk)


# --- the funds flow (R17) ----------------------------------------------------------------------


@dataclass(frozen=True)
class FlowLink:
    source: str
    target: str
    value: Decimal
    stage: str


@dataclass
class FundsFlow:
    """Source → school → category (or unspent balance), with totals that reconcile."""

    province: Division | None
    year: int | None
    links: list[FlowLink] = field(default_factory=list)
    allocated: Decimal = ZERO
    spent: Decimal = ZERO
    balance: Decimal = ZERO

    @property
    def nodes(self) -> list[str]:
        seen: dict[str, None] = {}
        for link in self.links:
            seen.setdefault(link.source, None)
            seen.setdefault(link.target, None)
        return list(seen)

    def as_json(self) -> dict[str, Any]:
        """What ``charts.js`` draws as an ECharts sankey (numbers as strings: no float)."""
        return {
            "kind": "sankey",
            "title": _("资金流向"),
            "nodes": [{"name": n} for n in self.nodes],
            "links": [
                {"source": x.source, "target": x.target, "value": str(x.value)} for x in self.links
            ],
        }


def yuan(value: Decimal | None) -> Decimal:
    """A sum as yuan with two places (SQLite's SUM drops the scale: 1000.00 comes back 1000)."""
    return (value or ZERO).quantize(ZERO)


def funds_flow(*, actor: Actor, province: Division | None, year: int | None = None) -> FundsFlow:
    """The flow of the actor's visible allocations in ``province`` (None: all it sees)."""
    allocations = allocation_scope(actor=actor)
    if province is not None:
        allocations = allocations.filter(province=province)
    if year is not None:
        allocations = allocations.filter(year=year)
    flow = FundsFlow(province=province, year=year)
    sources = dict(FundSource.choices)
    categories = dict(ExpenditureCategory.choices)
    by_source: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    balance_by_school: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in allocations.values("source", "school__name").annotate(
        amount=Sum("amount"), spent=Sum("spent")
    ):
        school = str(row["school__name"])
        amount, spent = yuan(row["amount"]), yuan(row["spent"])
        by_source[(str(sources[row["source"]]), school)] += amount
        balance_by_school[school] += amount - spent
        flow.allocated += amount
        flow.spent += spent
    spent_rows = (
        Expenditure.objects.filter(allocation__in=allocations.values("pk"))
        .values("allocation__school__name", "category")
        .annotate(total=Sum("amount"))
        .order_by("allocation__school__name", "category")
    )
    for (source, school), amount in sorted(by_source.items()):
        flow.links.append(FlowLink(source, school, amount, "allocation"))
    for out in spent_rows:
        flow.links.append(
            FlowLink(
                str(out["allocation__school__name"]),
                str(categories.get(out["category"], out["category"])),
                yuan(out["total"]),
                "expenditure",
            )
        )
    unspent = str(_("未支出余额"))
    for school, balance in sorted(balance_by_school.items()):
        if balance > 0:
            flow.links.append(FlowLink(school, unspent, balance, "balance"))
    flow.balance = flow.allocated - flow.spent
    return flow


def funds_totals(*, actor: Actor, province: Division | None = None) -> dict[str, Decimal]:
    qs = allocation_scope(actor=actor)
    if province is not None:
        qs = qs.filter(province=province)
    agg = qs.aggregate(amount=Sum("amount"), spent=Sum("spent"))
    amount = yuan(agg["amount"])
    spent = yuan(agg["spent"])
    return {"amount": amount, "spent": spent, "balance": amount - spent}


def flow_provinces(*, actor: Actor) -> QuerySet[Division]:
    """The provinces whose flow the actor may see (a province: its own)."""
    ids = allocation_scope(actor=actor).values("province_id")
    return Division.objects.filter(pk__in=ids).order_by("code")


def school_may_spend(actor: Actor, allocation: Allocation) -> bool:
    return actor.kind == UnitKind.SCHOOL and allocation.school.unit_id == actor.unit_id
