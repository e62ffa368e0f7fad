"""What feedback contributes to the shell: menu entries, to-dos, its policy settings, demo data."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.navigation import NATIONAL
from onex.core.registry import (
    DemoStep,
    MenuEntry,
    PolicySetting,
    PolicySource,
    PolicyType,
    TodoItem,
    TodoProvider,
    counted,
    todo_url,
)
from onex.feedback import demo
from onex.feedback.models import FeedbackStatus, IssueStatus, ReminderStage
from onex.feedback.selectors.feedback import feedback_scope, order_scope
from onex.feedback.selectors.progress import pending_reminders

OFFICIALS = frozenset({*NATIONAL, UnitKind.PROVINCE})
REPORTERS = frozenset({UnitKind.PROVINCE, UnitKind.SCHOOL, UnitKind.ORG})


def feedback_todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    items: list[TodoItem] = []
    if actor.kind in (UnitKind.MINISTRY, UnitKind.PROVINCE):
        waiting = feedback_scope(actor=actor).filter(status=FeedbackStatus.SUBMITTED)
        if actor.kind == UnitKind.MINISTRY:
            waiting = waiting.filter(province__isnull=True)
        n = waiting.count()
        if n:
            late = waiting.filter(due_on__lt=today).exists()
            items.append(
                TodoItem(
                    title=_("待答复的意见与投诉"),
                    count=n,
                    url=todo_url("feedback:list", "status=submitted"),
                    tone="danger" if late else "warning",
                )
            )
    if actor.kind == UnitKind.ORG:
        n = order_scope(actor=actor).filter(status=IssueStatus.OPEN).count()
        if n:
            items.append(
                TodoItem(
                    title=_("待整改的集中反映问题"),
                    count=n,
                    url=todo_url("feedback:order_list"),
                    tone="danger",
                )
            )
    if actor.kind in REPORTERS:
        # R03: the in-app half of each progress-report reminder, until the report is filed.
        for reminder in pending_reminders(actor=actor):
            items.append(
                TodoItem(
                    title=reminder.message,
                    url=todo_url(
                        "feedback:report_new", f"period={reminder.period_start.isoformat()}"
                    ),
                    deadline=reminder.due_on,
                    tone="danger" if reminder.stage == ReminderStage.AFTER else "warning",
                )
            )
    if actor.kind == UnitKind.MINISTRY:
        n = order_scope(actor=actor).filter(status=IssueStatus.REPORTED).count()
        if n:
            items.append(
                TodoItem(
                    title=_("待核实的整改情况"),
                    count=n,
                    url=todo_url("feedback:order_list", "status=reported"),
                    tone="warning",
                )
            )
    return items


registry.todos.register(
    TodoProvider(
        "feedback",
        feedback_todos,
        70,
        kinds=frozenset({UnitKind.MINISTRY, UnitKind.PROVINCE, UnitKind.ORG, UnitKind.SCHOOL}),
        url_names=("feedback:list", "feedback:order_list", "feedback:report_new"),
    )
)

for entry in (
    MenuEntry(gettext_lazy("意见与投诉"), "feedback:list", 264),
    MenuEntry(
        gettext_lazy("集中反映问题整改"),
        "feedback:order_list",
        265,
        kinds=frozenset({*OFFICIALS, UnitKind.ORG}),
    ),
    MenuEntry(
        gettext_lazy("绩效评价"),
        "feedback:evaluation_list",
        266,
        kinds=frozenset({*OFFICIALS, UnitKind.SCHOOL, UnitKind.ORG}),
    ),
    MenuEntry(
        gettext_lazy("工作动态与典型案例"),
        "feedback:report_list",
        267,
        kinds=frozenset({*OFFICIALS, UnitKind.CITY, UnitKind.SCHOOL, UnitKind.ORG}),
    ),
    MenuEntry(
        gettext_lazy("工作动态报送情况"),
        "feedback:report_status",
        268,
        kinds=OFFICIALS,
    ),
):
    registry.menu.register(entry)

for setting in (
    PolicySetting(
        "r21.answer_working_days",
        PolicyType.WORKING_DAYS,
        15,
        "R21",
        gettext_lazy("意见与投诉答复时限"),
        gettext_lazy("个工作日"),
        maximum=120,
        source=PolicySource.PLATFORM,
        order=310,
    ),
    PolicySetting(
        "r22.concentration_count",
        PolicyType.INT,
        5,
        "R22",
        gettext_lazy("构成集中反映问题的同类反映件数"),
        gettext_lazy("件"),
        maximum=1000,
        source=PolicySource.PLATFORM,
        order=320,
    ),
    PolicySetting(
        "r22.concentration_days",
        PolicyType.DAYS,
        90,
        "R22",
        gettext_lazy("集中反映问题的统计天数"),
        gettext_lazy("天"),
        maximum=730,
        source=PolicySource.PLATFORM,
        order=330,
    ),
    PolicySetting(
        "r22.rectification_working_days",
        PolicyType.WORKING_DAYS,
        20,
        "R22",
        gettext_lazy("集中反映问题整改期限"),
        gettext_lazy("个工作日"),
        maximum=250,
        source=PolicySource.PLATFORM,
        order=340,
    ),
    PolicySetting(
        "r03.period_months",
        PolicyType.MONTHS,
        6,
        "R03",
        gettext_lazy("工作动态报送周期（按自然年划分，取能整除 12 的月数）"),
        gettext_lazy("个月"),
        maximum=12,
        source=PolicySource.PLATFORM,
        order=300,
    ),
    PolicySetting(
        "r03.due_days",
        PolicyType.DAYS,
        15,
        "R03",
        gettext_lazy("工作动态报送截止（报送期结束后天数）"),
        gettext_lazy("天"),
        maximum=90,
        source=PolicySource.PLATFORM,
        order=302,
    ),
    PolicySetting(
        "r03.reminder_days",
        PolicyType.DAYS,
        7,
        "R03",
        gettext_lazy("工作动态截止前提醒天数"),
        gettext_lazy("天"),
        maximum=60,
        source=PolicySource.PLATFORM,
        order=304,
    ),
):
    registry.policy_keys.register(setting)

registry.demo_steps.register(DemoStep("feedback", 130, counted(demo.load_demo)))
