"""What assessment contributes to the shell: menu entries, the site, fee, complaint and exam
to-dos, its policy setting and its demo steps."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy

from onex.assessment import exam_demo, site_demo
from onex.assessment.selectors.exams import exam_todos
from onex.assessment.selectors.sites import site_and_fee_todos
from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.navigation import NATIONAL, OFFICIALS, ORGANISATIONS
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

# --- to-dos -------------------------------------------------------------------------------------


def exams(actor: Actor, today: dt.date) -> list[TodoItem]:
    # Exam plans, results, objections and the R14 gap awaiting this actor (issue 4).
    return [
        TodoItem(title=t.title, count=t.count, url=todo_url(t.url_name, t.query), tone=t.tone)
        for t in exam_todos(actor=actor)
    ]


def sites(actor: Actor, today: dt.date) -> list[TodoItem]:
    # Assessment sites, fees and brand complaints awaiting this actor (issue 4).
    return [
        TodoItem(title=t.title, count=t.count, url=todo_url(t.url_name, t.query), tone="warning")
        for t in site_and_fee_todos(actor=actor)
    ]


registry.todos.register(
    TodoProvider(
        "assessment.exams",
        exams,
        10,
        url_names=(
            "assessment:exam_plan_list",
            "assessment:registration_list",
            "assessment:r14_report",
        ),
    )
)
registry.todos.register(
    TodoProvider(
        "assessment.sites",
        sites,
        20,
        url_names=(
            "assessment:site_application_list",
            "assessment:fee_list",
            "assessment:negotiation_list",
            "assessment:complaint_list",
        ),
    )
)

# --- menu ---------------------------------------------------------------------------------------

SCHOOL_AND_OFFICIALS = frozenset({*OFFICIALS, UnitKind.SCHOOL})

for entry in (
    MenuEntry(gettext_lazy("考核方案"), "assessment:plan_public_list", 70),
    MenuEntry(gettext_lazy("考核站点"), "assessment:site_list", 80),
    MenuEntry(
        gettext_lazy("站点申请"), "assessment:site_application_list", 90, kinds=ORGANISATIONS
    ),
    MenuEntry(
        gettext_lazy("站点覆盖"),
        "assessment:coverage",
        100,
        kinds=frozenset({*OFFICIALS, UnitKind.ORG}),
    ),
    MenuEntry(gettext_lazy("考核费用"), "assessment:fee_list", 110, kinds=ORGANISATIONS),
    MenuEntry(gettext_lazy("考核计划"), "assessment:exam_plan_list", 120),
    MenuEntry(gettext_lazy("学生名单"), "assessment:student_list", 130, kinds=SCHOOL_AND_OFFICIALS),
    MenuEntry(gettext_lazy("报名与成绩"), "assessment:registration_list", 140),
    MenuEntry(
        gettext_lazy("未参加考核学生"), "assessment:r14_report", 150, kinds=SCHOOL_AND_OFFICIALS
    ),
    MenuEntry(
        gettext_lazy("品牌问题反映"),
        "assessment:complaint_list",
        160,
        kinds=frozenset({*NATIONAL, UnitKind.PROVINCE, UnitKind.SCHOOL}),
    ),
    MenuEntry(
        gettext_lazy("品牌禁用词"),
        "assessment:brand_words",
        170,
        kinds=frozenset({UnitKind.MINISTRY}),
        admin_only=True,
    ),
):
    registry.menu.register(entry)

# --- policy settings ----------------------------------------------------------------------------

for setting in (
    PolicySetting(
        "r36.score_publicity_days",
        PolicyType.DAYS,
        5,
        "R36",
        gettext_lazy("成绩公示天数"),
        gettext_lazy("天"),
        maximum=90,
        source=PolicySource.PLATFORM,
        order=190,
    ),
):
    registry.policy_keys.register(setting)

# --- demo data ----------------------------------------------------------------------------------


registry.demo_steps.register(DemoStep("assessment.sites", 60, counted(site_demo.load_demo)))
registry.demo_steps.register(DemoStep("assessment.exams", 80, counted(exam_demo.load_demo)))
