"""What training contributes to the shell: menu entries, to-dos, dashboard figures, its policy
setting (R08's update period) and its demo step.

R02's lead time (``r02.org_filing_lead_working_days``) and R05's industry share
(``r05.industry_trainer_ratio_min``) are registered by the catalogue, which declared them first;
training reads them.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.catalog.selectors.orgs import org_of
from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.navigation import NATIONAL, ORGANISATIONS
from onex.core.registry import (
    CardContent,
    DashboardCard,
    DemoStep,
    Figure,
    MenuEntry,
    PolicySetting,
    PolicySource,
    PolicyType,
    TodoItem,
    TodoProvider,
    counted,
    todo_url,
)
from onex.training import demo
from onex.training.models import ActivityStatus, ProgrammeStatus
from onex.training.selectors.activities import activity_list
from onex.training.selectors.programmes import programme_list
from onex.training.selectors.resources import stale_items

ORGS = frozenset({UnitKind.ORG})
SCHOOLS = frozenset({UnitKind.SCHOOL})
PROVINCES = frozenset({UnitKind.PROVINCE})
ACTIVITY_READERS = frozenset({*NATIONAL, UnitKind.PROVINCE, UnitKind.ORG, UnitKind.SCHOOL})

# --- policy -------------------------------------------------------------------------------------

registry.policy_keys.register(
    PolicySetting(
        "r08.resource_update_months",
        PolicyType.MONTHS,
        12,
        "R08",
        gettext_lazy("习题库、标准未更新即标记的月数"),
        gettext_lazy("个月"),
        maximum=120,
        source=PolicySource.PLATFORM,
        order=45,
    )
)

# --- menu ---------------------------------------------------------------------------------------

for entry in (
    MenuEntry(gettext_lazy("活动备案"), "training:activity_list", 200, kinds=ACTIVITY_READERS),
    MenuEntry(gettext_lazy("活动日历"), "training:activity_calendar", 201, kinds=ACTIVITY_READERS),
    MenuEntry(gettext_lazy("师资培训"), "training:programme_list", 202, kinds=ORGANISATIONS),
    MenuEntry(gettext_lazy("教师与工作量"), "training:workload", 203, kinds=SCHOOLS),
    MenuEntry(gettext_lazy("培训联合体"), "training:alliance_list", 204, kinds=ORGANISATIONS),
    MenuEntry(gettext_lazy("培训资源"), "training:resource_list", 205),
    MenuEntry(gettext_lazy("出版单位名单"), "training:publisher_list", 206, kinds=NATIONAL),
):
    registry.menu.register(entry)

# --- to-dos -------------------------------------------------------------------------------------


def province_todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    pending = activity_list(actor=actor, status=ActivityStatus.FILED, starts_from=today)
    count = pending.count()
    if not count:
        return []
    late = pending.filter(late=True).count()
    return [
        TodoItem(
            _("待确认知悉的活动备案"),
            todo_url("training:activity_list", "status=filed"),
            count,
            tone="warning" if late else "info",
            note=_("其中 %(n)s 项为临近活动备案") % {"n": late} if late else "",
        )
    ]


def org_todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    org = org_of(actor)
    if org is None:
        return []
    items: list[TodoItem] = []
    stale = [i for i in stale_items(org=org, today=today) if i.what == "question_bank"]
    if stale:
        items.append(
            TodoItem(
                _("习题库未按期更新"),
                todo_url("training:resource_list", "stale=1"),
                len(stale),
                tone="danger",
            )
        )
    drafts = programme_list(actor=actor, status=ProgrammeStatus.DRAFT).count()
    if drafts:
        items.append(
            TodoItem(
                _("待公示的师资培训项目"),
                todo_url("training:programme_list", "status=draft"),
                drafts,
            )
        )
    return items


registry.todos.register(
    TodoProvider("training.activities", province_todos, 120, PROVINCES, ("training:activity_list",))
)
registry.todos.register(
    TodoProvider(
        "training.org",
        org_todos,
        121,
        ORGS,
        ("training:resource_list", "training:programme_list"),
    )
)

# --- dashboard ----------------------------------------------------------------------------------


def activities_card(actor: Actor) -> CardContent:
    today = timezone.localdate()
    upcoming = activity_list(actor=actor, starts_from=today).exclude(
        status=ActivityStatus.CANCELLED
    )
    return CardContent(
        figures=[
            Figure(
                _("即将开展的备案活动"),
                upcoming.count(),
                _("临近活动备案 %(n)s 项") % {"n": upcoming.filter(late=True).count()},
                url=todo_url("training:activity_calendar"),
            )
        ]
    )


registry.cards.register(
    DashboardCard(
        "training.activities",
        frozenset({*NATIONAL, UnitKind.PROVINCE}),
        activities_card,
        120,
        ("training:activity_calendar",),
    )
)

# --- demo ---------------------------------------------------------------------------------------

registry.demo_steps.register(DemoStep("training.demo", 95, counted(demo.load_demo)))
