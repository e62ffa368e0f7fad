"""What the kernel itself contributes to the registries: its pages in the menu, its to-dos
(calendar coverage for who may enter holiday notices, failed imports), its figure on the
national dashboard (provinces with an account) and its demo steps (units, accounts, shipped
policy overrides)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core import calendar, demo, registry
from onex.core.actors import Actor
from onex.core.models import NATIONAL_KINDS, ImportJob, Role, Unit, UnitKind
from onex.core.navigation import NATIONAL, ORGANISATIONS, WORKBENCHES
from onex.core.registry import (
    GROUP_SYSTEM,
    CardContent,
    DashboardCard,
    DemoStep,
    Figure,
    MenuEntry,
    PolicySetting,
    PolicyType,
    TodoItem,
    TodoProvider,
    todo_url,
)
from onex.geo.models import Division, DivisionLevel

OFFICIALS_WITH_AUDIT = frozenset({*NATIONAL, UnitKind.PROVINCE})

# --- to-dos -------------------------------------------------------------------------------------


def calendar_todo(actor: Actor, today: dt.date) -> list[TodoItem]:
    """Warn when next year's working-day calendar has neither package data nor a notice."""
    year = today.year + 1
    if calendar.year_coverage(year) != "missing":
        return []
    return [
        TodoItem(
            title=_("%(year)s 年节假日安排尚未录入") % {"year": year},
            url=todo_url("calendar"),
            # Deadlines in January need next year's calendar before the year starts.
            deadline=dt.date(today.year, 12, 31),
            tone="warning",
            note=calendar.missing_year_message([year]),
        )
    ]


# Older failures were either fixed by a later upload or abandoned; they are no longer to-dos.
FAILED_IMPORT_DAYS = 14


def failed_imports_todo(actor: Actor, today: dt.date) -> list[TodoItem]:
    if actor.unit is None:
        return []
    since = timezone.now() - dt.timedelta(days=FAILED_IMPORT_DAYS)
    count = ImportJob.objects.filter(
        unit=actor.unit, status="failed", created_at__gte=since
    ).count()
    if not count:
        return []
    return [
        TodoItem(
            title=_("导入失败的文件"),
            count=count,
            url=todo_url("imports"),
            tone="danger",
            note=_("近 %(days)s 天内。请查看错误清单，修改后重新上传。")
            % {"days": FAILED_IMPORT_DAYS},
        )
    ]


# Only those who may enter the State Council's holiday notice get the calendar to-do; every
# other workbench reads the gap as a warning on the calendar page, where it cannot act on it.
registry.todos.register(
    TodoProvider(
        "core.calendar",
        calendar_todo,
        60,
        NATIONAL,
        url_names=("calendar",),
        audience=calendar.can_edit_calendar,
    )
)
# The imports page is for writers (its menu entry too): viewers cannot upload a corrected file.
registry.todos.register(
    TodoProvider("core.failed_imports", failed_imports_todo, 70, WORKBENCHES, ("imports",))
)

# --- the national figure ------------------------------------------------------------------------


def national_card(actor: Actor) -> CardContent:
    # A statistic, not a to-do: province accounts are opened on the accounts app's pages.
    provinces = Division.objects.filter(level=DivisionLevel.PROVINCE).count()
    with_account = Unit.objects.filter(kind=UnitKind.PROVINCE, is_active=True).count()
    return CardContent(
        figures=[
            Figure(
                _("已开通账号的省级行政区"),
                with_account,
                _("共 %(n)s 个") % {"n": provinces},
            )
        ]
    )


registry.cards.register(DashboardCard("core.provinces", NATIONAL_KINDS, national_card, 10))

# --- menu ---------------------------------------------------------------------------------------

for entry in (
    MenuEntry(gettext_lazy("工作台"), "dashboard", 0),
    MenuEntry(gettext_lazy("批量导入"), "imports", 270, kinds=ORGANISATIONS, writers_only=True),
    MenuEntry(gettext_lazy("工作日历"), "calendar", 280, GROUP_SYSTEM, kinds=ORGANISATIONS),
    MenuEntry(gettext_lazy("政策参数"), "policy", 290, GROUP_SYSTEM, kinds=OFFICIALS_WITH_AUDIT),
    # The rule catalogue is public regulation: every logged-in role reads it.
    MenuEntry(gettext_lazy("政策规则"), "rules", 295, GROUP_SYSTEM),
    # Audit is for national and provincial admins only (issue 2).
    MenuEntry(
        gettext_lazy("审计日志"),
        "audit",
        300,
        GROUP_SYSTEM,
        kinds=OFFICIALS_WITH_AUDIT,
        admin_only=True,
    ),
    # The separated administrators' pages (ADR 0005).
    MenuEntry(
        gettext_lazy("审计日志"),
        "audit",
        300,
        GROUP_SYSTEM,
        roles=frozenset({Role.AUDIT_ADMIN}),
        key="audit_admin",
    ),
    MenuEntry(
        gettext_lazy("安全管理"),
        "security",
        302,
        GROUP_SYSTEM,
        roles=frozenset({Role.SECURITY_ADMIN}),
    ),
    MenuEntry(gettext_lazy("接口令牌"), "tokens", 310, GROUP_SYSTEM),
    MenuEntry(gettext_lazy("双因素认证"), "mfa_setup", 315, GROUP_SYSTEM),
    MenuEntry(gettext_lazy("修改密码"), "password_change", 320, GROUP_SYSTEM),
):
    registry.menu.register(entry)

# --- policy settings ----------------------------------------------------------------------------

# Not a rule of the policy documents: PIPL storage limitation (art. 19) of uploaded files.
registry.policy_keys.register(
    PolicySetting(
        "imports.file_retention_days",
        PolicyType.DAYS,
        30,
        "",
        gettext_lazy("导入文件保存天数（到期删除文件，保留导入结果和错误清单）"),
        gettext_lazy("天"),
        maximum=3660,
        order=200,
    )
)

# --- demo data ----------------------------------------------------------------------------------

registry.demo_steps.register(DemoStep("core.units", 10, demo.load_units))
registry.demo_steps.register(DemoStep("core.users", 40, demo.load_users))
registry.demo_steps.register(DemoStep("core.policy_overrides", 100, demo.load_policy_profiles))
for account in demo.DEMO_ACCOUNTS:
    registry.demo_accounts.register(account)
