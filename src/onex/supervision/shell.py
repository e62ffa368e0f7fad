"""What supervision contributes to the shell: menu entries, to-dos, policy settings, demo step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy

from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import NATIONAL_KINDS, UnitKind
from onex.core.navigation import NATIONAL
from onex.core.registry import (
    DemoStep,
    MenuEntry,
    PolicySetting,
    PolicySource,
    PolicyType,
    TodoItem,
    TodoProvider,
)
from onex.supervision import demo
from onex.supervision.selectors.lists import supervision_todos

PROVINCIAL = frozenset({*NATIONAL_KINDS, UnitKind.PROVINCE})
OFFICIALS_ONLY = frozenset({*NATIONAL_KINDS, UnitKind.PROVINCE, UnitKind.CITY})
TARGETS = frozenset(
    {*NATIONAL_KINDS, UnitKind.PROVINCE, UnitKind.CITY, UnitKind.SCHOOL, UnitKind.ORG}
)


def todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    return supervision_todos(actor=actor)


registry.todos.register(
    TodoProvider(
        "supervision",
        todos,
        90,
        frozenset({UnitKind.MINISTRY, UnitKind.PROVINCE, UnitKind.SCHOOL, UnitKind.ORG}),
        ("supervision:proceeding_list", "supervision:rectification_list"),
    )
)

for entry in (
    MenuEntry(gettext_lazy("监测点"), "supervision:point_list", 250, kinds=OFFICIALS_ONLY),
    MenuEntry(gettext_lazy("随机抽查"), "supervision:round_list", 252, kinds=PROVINCIAL),
    MenuEntry(
        gettext_lazy("整改通知"),
        "supervision:rectification_list",
        253,
        kinds=frozenset({*OFFICIALS_ONLY, UnitKind.SCHOOL}),
    ),
    MenuEntry(gettext_lazy("取消资格"), "supervision:proceeding_list", 254, kinds=TARGETS),
    MenuEntry(gettext_lazy("绩效评价"), "supervision:evaluation", 255, kinds=OFFICIALS_ONLY),
    MenuEntry(gettext_lazy("监测点覆盖"), "supervision:coverage", 251, kinds=NATIONAL),
):
    registry.menu.register(entry)


for setting in (
    PolicySetting(
        "r23.answer_working_days",
        PolicyType.WORKING_DAYS,
        10,
        "R23",
        gettext_lazy("取消资格提议后的申辩期"),
        gettext_lazy("个工作日"),
        maximum=60,
        source=PolicySource.PLATFORM,
        order=400,
    ),
    PolicySetting(
        "r23.province_decides_school",
        PolicyType.BOOL,
        False,
        "R23",
        gettext_lazy("由省级教育行政部门（而非教育部）决定取消学校试点资格"),
        source=PolicySource.PLATFORM,
        order=410,
    ),
    PolicySetting(
        "r41.rectification_working_days",
        PolicyType.WORKING_DAYS,
        20,
        "R41",
        gettext_lazy("抽查发现问题的整改期限"),
        gettext_lazy("个工作日"),
        maximum=250,
        source=PolicySource.PLATFORM,
        order=420,
    ),
    PolicySetting(
        "r42.weight_reporting_rate",
        PolicyType.RATIO,
        Decimal("0.20"),
        "R42",
        gettext_lazy("期末绩效评价权重：周报报送率"),
        source=PolicySource.PLATFORM,
        order=430,
    ),
    PolicySetting(
        "r42.weight_exam_coverage",
        PolicyType.RATIO,
        Decimal("0.25"),
        "R42",
        gettext_lazy("期末绩效评价权重：学生参考覆盖率"),
        source=PolicySource.PLATFORM,
        order=431,
    ),
    PolicySetting(
        "r42.weight_pass_rate",
        PolicyType.RATIO,
        Decimal("0.25"),
        "R42",
        gettext_lazy("期末绩效评价权重：考核通过率"),
        source=PolicySource.PLATFORM,
        order=432,
    ),
    PolicySetting(
        "r42.weight_rectification",
        PolicyType.RATIO,
        Decimal("0.15"),
        "R42",
        gettext_lazy("期末绩效评价权重：按期整改率"),
        source=PolicySource.PLATFORM,
        order=433,
    ),
    PolicySetting(
        "r42.weight_funds_compliance",
        PolicyType.RATIO,
        Decimal("0.15"),
        "R42",
        gettext_lazy("期末绩效评价权重：经费使用合规率"),
        source=PolicySource.PLATFORM,
        order=434,
    ),
):
    registry.policy_keys.register(setting)

registry.demo_steps.register(DemoStep("supervision", 900, demo.load))
