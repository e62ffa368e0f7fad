"""What the reporting app contributes to the shell: menu entries, to-dos (reports due, missed
weeks, alarms), dashboard cards with reporting rates, its policy settings and demo steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import NATIONAL_KINDS, UnitKind
from onex.core.navigation import OFFICIALS
from onex.core.registry import (
    CardContent,
    Chart,
    DashboardCard,
    DemoStep,
    EventListener,
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
)
from onex.pilots.services.schools import SCHOOL_OBLIGATION_CHANGED
from onex.reporting import demo
from onex.reporting.models import ReportKind
from onex.reporting.selectors import (
    ComplianceRow,
    actor_scope,
    alarm_list,
    compliance,
    compliance_summary,
    gaps,
    pending_reminders,
    school_reporting_rates,
)
from onex.reporting.services.tallies import tally_obligation_changed

FILERS = frozenset({UnitKind.SCHOOL, UnitKind.ORG})
WATCHERS = frozenset({*NATIONAL_KINDS, UnitKind.PROVINCE, UnitKind.CITY})


def _year_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 1, 1)


# --- to-dos -------------------------------------------------------------------------------------


def reports_due(actor: Actor, today: dt.date) -> list[TodoItem]:
    # The filer's missing reports of the last eight weeks (weekly) or half a year (others).
    scope = actor_scope(actor=actor)
    items: list[TodoItem] = []
    kinds = (
        (ReportKind.WEEKLY, ReportKind.HALF_YEAR)
        if actor.kind == UnitKind.SCHOOL
        else (ReportKind.MONTHLY, ReportKind.HALF_YEAR)
    )
    for kind in kinds:
        back = 56 if kind == ReportKind.WEEKLY else 366
        total, _rows = gaps(
            kind=kind,
            scope=scope,
            start=today - dt.timedelta(days=back),
            end=today,
            which="missing",
            as_of=today,
            limit=0,
        )
        if total:
            items.append(
                TodoItem(
                    title=_("未报送的%(kind)s") % {"kind": ReportKind(kind).label},
                    url=todo_url("reporting:my_reports", f"kind={kind}"),
                    count=total,
                    tone="danger",
                    note=_("逾期仍可补报，系统将标记为逾期报送。"),
                )
            )
    # Reminders the platform sent for reports still owed (the in-app half of each reminder).
    for reminder in pending_reminders(actor=actor, now=timezone.now()):
        items.append(
            TodoItem(
                title=reminder.message,
                url=todo_url(
                    "reporting:report_file",
                    f"kind={reminder.kind}&period={reminder.period_start.isoformat()}"
                    f"&province={reminder.province.code}",
                ),
                deadline=timezone.localtime(reminder.due_at).date(),
                tone="warning",
            )
        )
    return items


def alarms(actor: Actor, today: dt.date) -> list[TodoItem]:
    count = alarm_list(actor=actor).count()
    if not count:
        return []
    return [
        TodoItem(
            title=_("连续未报周报预警的试点院校"),
            url=todo_url("reporting:watchlist"),
            count=count,
            tone="danger",
            note=_("连续未填报周报达到规定周数（R23）。"),
        )
    ]


registry.todos.register(
    TodoProvider(
        "reporting.due",
        reports_due,
        40,
        FILERS,
        ("reporting:my_reports", "reporting:report_file"),
    )
)
registry.todos.register(
    TodoProvider(
        "reporting.alarms",
        alarms,
        45,
        frozenset({UnitKind.PROVINCE, UnitKind.CITY}),
        ("reporting:watchlist",),
        writers_only=False,
    )
)

# --- dashboard cards ----------------------------------------------------------------------------


def _pct(value: object) -> str:
    return f"{value}%" if value is not None else "—"


def officials_card(actor: Actor) -> CardContent:
    today = timezone.localdate()
    scope = actor_scope(actor=actor)
    start = _year_start(today)
    level = "province" if actor.is_national else "city"
    # From the compliance summary (P4): the same cost at 100 or 10,000 schools. Weekly filers
    # are schools, each with a province and a city, so the rows of the level add up to the
    # whole jurisdiction.
    rows = compliance_summary(level=level, scope=scope, start=start, end=today)
    total = ComplianceRow(
        None,
        "",
        "",
        sum(row.expected for row in rows),
        sum(row.actual for row in rows),
        sum(row.on_time for row in rows),
    )
    open_alarms = alarm_list(actor=actor).count()
    return CardContent(
        figures=[
            Figure(
                _("本年周报报送率"),
                _pct(total.reporting_rate),
                _("应报 %(e)s 份，实报 %(a)s 份") % {"e": total.expected, "a": total.actual},
                url=todo_url("reporting:compliance"),
            ),
            Figure(_("本年周报及时率"), _pct(total.on_time_rate)),
            Figure(_("预警院校"), open_alarms, url=todo_url("reporting:watchlist")),
        ],
        chart=Chart(
            title=_("周报报送率（%）"),
            series_name=_("报送率"),
            categories=[row.name for row in rows],
            values=[round(row.reporting_rate or 0) for row in rows],
        )
        if rows
        else None,
    )


def filer_card(actor: Actor) -> CardContent:
    today = timezone.localdate()
    kind = ReportKind.WEEKLY if actor.kind == UnitKind.SCHOOL else ReportKind.MONTHLY
    rows = compliance(
        kind=kind,
        level="nation",
        scope=actor_scope(actor=actor),
        start=_year_start(today),
        end=today,
    )
    row = rows[0]
    return CardContent(
        figures=[
            Figure(
                _("本年%(kind)s报送率") % {"kind": ReportKind(kind).label},
                _pct(row.reporting_rate),
                _("应报 %(e)s 份，实报 %(a)s 份，逾期 %(l)s 份")
                % {"e": row.expected, "a": row.actual, "l": row.late},
                url=todo_url("reporting:my_reports"),
            ),
        ]
    )


_COMPLIANCE = ("reporting:compliance", "reporting:watchlist")
registry.cards.register(
    DashboardCard("reporting.officials", WATCHERS, officials_card, 30, _COMPLIANCE)
)
registry.cards.register(
    DashboardCard("reporting.filers", FILERS, filer_card, 30, ("reporting:my_reports",))
)

# --- menu ---------------------------------------------------------------------------------------

for entry in (
    MenuEntry(gettext_lazy("工作报告"), "reporting:my_reports", 240, kinds=FILERS),
    MenuEntry(gettext_lazy("报告报送情况"), "reporting:compliance", 242, kinds=OFFICIALS),
    MenuEntry(gettext_lazy("逾期与未报"), "reporting:gaps", 244, kinds=OFFICIALS),
    MenuEntry(gettext_lazy("周报预警名单"), "reporting:watchlist", 246, kinds=OFFICIALS),
    MenuEntry(
        gettext_lazy("试点概况"),
        "reporting:overview",
        248,
        kinds=frozenset({*NATIONAL_KINDS, UnitKind.PROVINCE}),
    ),
):
    registry.menu.register(entry)

# --- policy settings ----------------------------------------------------------------------------

for setting in (
    PolicySetting(
        "r41.weekly_due_day",
        PolicyType.INT,
        5,
        "R41",
        gettext_lazy("周报截止日（自该周周一起第几天，1=周一，5=周五，8=下周一）"),
        gettext_lazy("天"),
        maximum=14,
        source=PolicySource.PLATFORM,
        order=400,
    ),
    PolicySetting(
        "r41.monthly_due_day",
        PolicyType.INT,
        5,
        "R41",
        gettext_lazy("组织月报截止日（次月几日）"),
        gettext_lazy("日"),
        maximum=28,
        source=PolicySource.PLATFORM,
        order=410,
    ),
    PolicySetting(
        "r41.half_year_due_days",
        PolicyType.DAYS,
        15,
        "R41",
        gettext_lazy("半年总结截止（半年结束后天数）"),
        gettext_lazy("天"),
        maximum=90,
        source=PolicySource.PLATFORM,
        order=420,
    ),
    PolicySetting(
        "r41.due_hour",
        PolicyType.INT,
        17,
        "R41",
        gettext_lazy("报告截止时刻（当日几点）"),
        gettext_lazy("时"),
        maximum=23,
        source=PolicySource.PLATFORM,
        order=430,
    ),
    PolicySetting(
        "r41.reminder_days",
        PolicyType.DAYS,
        2,
        "R41",
        gettext_lazy("报告截止前开始提醒的天数"),
        gettext_lazy("天"),
        maximum=14,
        source=PolicySource.PLATFORM,
        order=440,
    ),
    PolicySetting(
        "r47.late_counts_as_missed",
        PolicyType.BOOL,
        False,
        "R47",
        gettext_lazy("逾期报送的周报按未报计算（湖北：连续三周不按时填报）"),
        source=PolicySource.PLATFORM,
        order=450,
    ),
):
    registry.policy_keys.register(setting)

# --- demo data ----------------------------------------------------------------------------------

registry.demo_steps.register(DemoStep("reporting.reports", 200, counted(demo.load_demo)))

# --- the compliance summary follows the schools' pilot periods (inside their transaction) ------

registry.listeners.register(
    EventListener("reporting.weekly_tally", SCHOOL_OBLIGATION_CHANGED, tally_obligation_changed, 0)
)

# --- per-school figures read by other apps (supervision's R42 evaluation) -----------------------


def _reporting_rate(school_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    return school_reporting_rates(school_ids=school_ids, start=start, end=end)


registry.school_metrics.register(
    SchoolMetric("reporting_rate", gettext_lazy("周报报送率"), _reporting_rate, order=10)
)
