"""What funding contributes to the shell: menu entries, to-dos, the R29 deadline, demo data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.navigation import OFFICIALS
from onex.core.registry import (
    CardContent,
    DashboardCard,
    DemoStep,
    Figure,
    MenuEntry,
    PolicySetting,
    PolicySource,
    PolicyType,
    SchoolMetric,
    TodoItem,
    TodoProvider,
    counted,
    todo_url,
    year_end,
)
from onex.funding import demo
from onex.funding.models import SettlementStatus
from onex.funding.selectors.funds import funds_totals
from onex.funding.selectors.settlements import (
    school_funds_compliance,
    settlements_due,
    unsettled_overdue,
)

FUNDED = frozenset({*OFFICIALS, UnitKind.SCHOOL})
SETTLING = frozenset({*OFFICIALS, UnitKind.SCHOOL, UnitKind.ORG})

# --- to-dos -------------------------------------------------------------------------------------


def settlement_todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    """R29: a school's completed exams still to settle; an org's settlements to confirm."""
    dues = settlements_due(actor=actor)
    items: list[TodoItem] = []
    if actor.kind == UnitKind.SCHOOL:
        open_ = [d for d in dues if d.settlement is None]
        late = [d for d in open_ if d.overdue(today)]
        if open_:
            items.append(
                TodoItem(
                    title=_("已完成考核待结算费用"),
                    count=len(open_),
                    url=todo_url("funding:settlement_list"),
                    deadline=min(d.deadline for d in open_),
                    tone="danger" if late else "warning",
                )
            )
    if actor.kind == UnitKind.ORG:
        waiting = [
            d
            for d in dues
            if d.settlement is not None and d.settlement.status == SettlementStatus.RECORDED
        ]
        if waiting:
            items.append(
                TodoItem(
                    title=_("待确认的考核费用结算"),
                    count=len(waiting),
                    url=todo_url("funding:settlement_list"),
                    tone="warning",
                )
            )
    if actor.kind in (UnitKind.PROVINCE, UnitKind.MINISTRY):
        late = [d for d in dues if d.overdue(today)]
        if late:
            items.append(
                TodoItem(
                    title=_("逾期未结清的考核费用"),
                    count=len(late),
                    url=todo_url("funding:settlement_list", "overdue=1"),
                    tone="danger",
                )
            )
    return items


registry.todos.register(
    TodoProvider(
        "funding.settlements",
        settlement_todos,
        60,
        kinds=frozenset({UnitKind.SCHOOL, UnitKind.ORG, UnitKind.PROVINCE, UnitKind.MINISTRY}),
        url_names=("funding:settlement_list",),
    )
)

# --- dashboard ----------------------------------------------------------------------------------


def funds_card(actor: Actor) -> CardContent:
    # Money figures are statistics, not to-dos: allocated, spent, balance (R17), and the exams
    # still unsettled past their deadline (R29).
    totals = funds_totals(actor=actor)
    late = len(unsettled_overdue(actor=actor))
    return CardContent(
        figures=[
            Figure(
                _("试点经费下达（元）"),
                str(totals["amount"]),
                url=todo_url("funding:allocation_list"),
            ),
            Figure(_("已支出（元）"), str(totals["spent"]), url=todo_url("funding:flow")),
            Figure(_("余额（元）"), str(totals["balance"])),
            Figure(
                _("逾期未结清的考核费用（R29）"),
                late,
                url=todo_url("funding:settlement_list", "overdue=1"),
            ),
        ]
    )


registry.cards.register(
    DashboardCard(
        "funding.funds",
        frozenset({UnitKind.MINISTRY, UnitKind.PROVINCE, UnitKind.SCHOOL}),
        funds_card,
        60,
        ("funding:allocation_list", "funding:flow", "funding:settlement_list"),
    )
)

# --- menu ---------------------------------------------------------------------------------------

for entry in (
    MenuEntry(gettext_lazy("试点经费"), "funding:allocation_list", 261, kinds=FUNDED),
    MenuEntry(gettext_lazy("资金流向"), "funding:flow", 262, kinds=FUNDED),
    MenuEntry(gettext_lazy("考核费用结算"), "funding:settlement_list", 263, kinds=SETTLING),
):
    registry.menu.register(entry)

# --- policy settings ----------------------------------------------------------------------------

registry.policy_keys.register(
    PolicySetting(
        "r29.settlement_deadline",
        PolicyType.DATE,
        None,
        "R29",
        gettext_lazy("已完成考核的费用结清截止日期"),
        source=PolicySource.PLATFORM,
        default_on=year_end,
        order=300,
    )
)

# --- demo data ----------------------------------------------------------------------------------

registry.demo_steps.register(DemoStep("funding", 120, counted(demo.load_demo)))

# --- per-school figures read by other apps (supervision's R42 evaluation) -----------------------


def _funds_compliance(school_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    return school_funds_compliance(school_ids=school_ids, start=start, end=end)


registry.school_metrics.register(
    SchoolMetric("funds_compliance", gettext_lazy("经费合规率"), _funds_compliance, order=20)
)
