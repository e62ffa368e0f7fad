"""What the accounts app contributes to the shell: its pages in the menu, the lifetimes of
invitation and reset links and claim codes (platform defaults), and its demo step."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from onex.accounts import demo
from onex.core import registry
from onex.core.models import UnitKind
from onex.core.navigation import WORKBENCHES
from onex.core.registry import (
    GROUP_SYSTEM,
    DemoStep,
    MenuEntry,
    PolicySetting,
    PolicySource,
    PolicyType,
    counted,
)

for entry in (
    MenuEntry(
        gettext_lazy("单位与用户"), "accounts:unit_list", 305, GROUP_SYSTEM, kinds=WORKBENCHES
    ),
    MenuEntry(
        gettext_lazy("学生账号认领码"),
        "accounts:claim_code_list",
        306,
        GROUP_SYSTEM,
        kinds=frozenset({UnitKind.SCHOOL}),
        writers_only=True,
    ),
):
    registry.menu.register(entry)

for setting in (
    PolicySetting(
        "accounts.invitation_days",
        PolicyType.DAYS,
        7,
        "",
        gettext_lazy("账号邀请链接有效天数"),
        gettext_lazy("天"),
        maximum=90,
        source=PolicySource.PLATFORM,
        order=210,
    ),
    PolicySetting(
        "accounts.reset_link_days",
        PolicyType.DAYS,
        1,
        "",
        gettext_lazy("重置密码链接有效天数"),
        gettext_lazy("天"),
        maximum=30,
        source=PolicySource.PLATFORM,
        order=220,
    ),
    PolicySetting(
        "accounts.claim_code_days",
        PolicyType.DAYS,
        90,
        "",
        gettext_lazy("学生账号认领码有效天数"),
        gettext_lazy("天"),
        maximum=730,
        source=PolicySource.PLATFORM,
        order=230,
    ),
):
    registry.policy_keys.register(setting)

registry.demo_steps.register(DemoStep("accounts.onboarding", 95, counted(demo.load_demo)))
