"""What the pilots app contributes to the shell: menu entries, school figures on the official
and school dashboards, the application and R33 to-dos, its policy settings and demo steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import NATIONAL_KINDS, Role, Unit, UnitKind
from onex.core.navigation import NATIONAL, OFFICIALS, ORGANISATIONS, WORKBENCHES
from onex.core.registry import (
    CardContent,
    Chart,
    DashboardCard,
    DemoAccount,
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
    year_end,
)
from onex.geo.models import Division
from onex.pilots import demo
from onex.pilots.models import SchoolType
from onex.pilots.selectors.applications import application_todos
from onex.pilots.selectors.coordination import working_body_todos
from onex.pilots.selectors.schools import school_list

PROVINCE = frozenset({UnitKind.PROVINCE})
CITY = frozenset({UnitKind.CITY})
SCHOOL = frozenset({UnitKind.SCHOOL})

# --- to-dos -------------------------------------------------------------------------------------


def applications(actor: Actor, today: dt.date) -> list[TodoItem]:
    # Pilot applications awaiting this actor: city/province reviews, a school's returned ones.
    return application_todos(actor=actor)


def working_bodies(actor: Actor, today: dt.date) -> list[TodoItem]:
    # R33 working-body filings: the school's own deadline and reminders, officials' overdue.
    return [TodoItem(**item) for item in working_body_todos(actor=actor)]


registry.todos.register(
    TodoProvider("pilots.applications", applications, 50, WORKBENCHES, ("pilots:application_list",))
)
registry.todos.register(
    TodoProvider(
        "pilots.working_bodies",
        working_bodies,
        80,
        WORKBENCHES,
        ("pilots:working_body_file", "pilots:school_detail", "pilots:working_body_list"),
    )
)

# --- dashboard cards ----------------------------------------------------------------------------


def national_card(actor: Actor) -> CardContent:
    schools = school_list(actor=actor).count()
    return CardContent(figures=[Figure(_("试点院校"), schools, url=todo_url("pilots:school_list"))])


def province_card(actor: Actor) -> CardContent:
    assert actor.unit is not None and actor.unit.province is not None
    province = actor.unit.province
    per_city = list(
        school_list(actor=actor)
        .order_by()
        .values("city__code", "city__name")
        .annotate(n=Count("pk"))
        .order_by("city__code")
    )
    cities = Division.objects.filter(parent=province).count()
    city_bureaus = Unit.objects.filter(kind=UnitKind.CITY, province=province).count()
    total = sum(row["n"] for row in per_city)
    return CardContent(
        figures=[
            Figure(_("试点院校"), total, url=todo_url("pilots:school_list")),
            Figure(_("有试点院校的地市"), len(per_city), _("共 %(n)s 个地市") % {"n": cities}),
            Figure(_("已开通的市级账号"), city_bureaus),
        ],
        chart=Chart(
            title=_("各地市试点院校数量"),
            series_name=_("试点院校"),
            categories=[row["city__name"] for row in per_city],
            values=[row["n"] for row in per_city],
        )
        if per_city
        else None,
    )


def city_card(actor: Actor) -> CardContent:
    by_type = list(
        school_list(actor=actor)
        .order_by()
        .values("school_type")
        .annotate(n=Count("pk"))
        .order_by("school_type")
    )
    labels = dict(SchoolType.choices)
    total = sum(row["n"] for row in by_type)
    return CardContent(
        figures=[
            Figure(_("试点院校"), total, url=todo_url("pilots:school_list")),
            Figure(_("学校类型"), len(by_type)),
        ],
        chart=Chart(
            title=_("试点院校类型分布"),
            series_name=_("试点院校"),
            categories=[str(labels.get(row["school_type"], row["school_type"])) for row in by_type],
            values=[row["n"] for row in by_type],
            kind="pie",
        )
        if by_type
        else None,
    )


def school_card(actor: Actor) -> CardContent:
    school = school_list(actor=actor).select_related("province", "city").first()
    if school is None:
        return CardContent()
    return CardContent(
        figures=[
            Figure(_("学校类型"), school.get_school_type_display()),
            Figure(_("所在地区"), f"{school.province.name} {school.city.name}"),
            Figure(_("学校标识码"), school.code),
        ],
        region=school.name,
    )


_SCHOOL_LIST = ("pilots:school_list",)
registry.cards.register(
    DashboardCard("pilots.national", NATIONAL_KINDS, national_card, 20, _SCHOOL_LIST)
)
registry.cards.register(DashboardCard("pilots.province", PROVINCE, province_card, 20, _SCHOOL_LIST))
registry.cards.register(DashboardCard("pilots.city", CITY, city_card, 20, _SCHOOL_LIST))
registry.cards.register(DashboardCard("pilots.school", SCHOOL, school_card, 20))

# --- menu ---------------------------------------------------------------------------------------

for entry in (
    MenuEntry(gettext_lazy("试点院校"), "pilots:school_list", 10, kinds=OFFICIALS),
    MenuEntry(
        gettext_lazy("本校信息"),
        "pilots:school_list",
        20,
        kinds=SCHOOL,
        key="pilots:school_list:own",
    ),
    MenuEntry(
        gettext_lazy("工作机构报备督促"),
        "pilots:working_body_list",
        30,
        kinds=frozenset({*NATIONAL_KINDS, UnitKind.PROVINCE, UnitKind.CITY}),
    ),
    MenuEntry(
        gettext_lazy("试点工作协调机构"),
        "pilots:coordination",
        40,
        kinds=frozenset({*OFFICIALS, UnitKind.ORG, UnitKind.SCHOOL}),
    ),
    MenuEntry(gettext_lazy("试点申请"), "pilots:application_list", 200, kinds=ORGANISATIONS),
    MenuEntry(
        gettext_lazy("试点院校汇总表"),
        "pilots:summary",
        210,
        kinds=frozenset({*NATIONAL, UnitKind.PROVINCE}),
    ),
    MenuEntry(
        gettext_lazy("试点领域分布"),
        "pilots:distribution",
        220,
        kinds=frozenset({*NATIONAL, UnitKind.PROVINCE}),
    ),
    MenuEntry(gettext_lazy("试点院校名单"), "pilots:public_list", 230),
):
    registry.menu.register(entry)

# --- policy settings ----------------------------------------------------------------------------

for setting in (
    PolicySetting(
        "r20.monitoring_points_per_certificate",
        PolicyType.INT,
        10,
        "R20",
        gettext_lazy("每个证书的监测点院校数"),
        gettext_lazy("所"),
        maximum=1000,
        order=50,
    ),
    PolicySetting(
        "r23.missed_weekly_reports_weeks",
        PolicyType.WEEKS,
        3,
        "R23",
        gettext_lazy("连续未报周报即取消试点资格的周数（R23/R47）"),
        gettext_lazy("周"),
        maximum=52,
        order=60,
    ),
    PolicySetting(
        "r26.dual_qualified_ratio_min",
        PolicyType.RATIO,
        Decimal("0.50"),
        "R26",
        gettext_lazy("双师型教师比例下限"),
        order=70,
    ),
    PolicySetting(
        "r26.industry_expert_ratio_min",
        PolicyType.RATIO,
        Decimal("0.20"),
        "R26",
        gettext_lazy("行业企业专家比例下限"),
        order=80,
    ),
    PolicySetting(
        "r26.consecutive_enrolment_years",
        PolicyType.INT,
        3,
        "R26",
        gettext_lazy("相关专业连续招生年数下限"),
        gettext_lazy("年"),
        maximum=20,
        order=90,
    ),
    PolicySetting(
        "r26.facilities_required",
        PolicyType.BOOL,
        True,
        "R26",
        gettext_lazy("须具备教学实训设施（租用、共享可计）"),
        order=100,
    ),
    PolicySetting(
        "r43.min_full_time_teachers",
        PolicyType.INT,
        0,
        "R43",
        gettext_lazy("专任教师人数下限（0 表示不设下限）"),
        gettext_lazy("人"),
        maximum=10000,
        order=110,
    ),
    PolicySetting(
        "r43.training_rooms_required",
        PolicyType.BOOL,
        False,
        "R43",
        gettext_lazy("须有实训室"),
        order=120,
    ),
    PolicySetting(
        "r43.internship_sites_required",
        PolicyType.BOOL,
        False,
        "R43",
        gettext_lazy("须有实习基地"),
        order=130,
    ),
    PolicySetting(
        "r27.summary_table_deadline",
        PolicyType.DATE,
        None,
        "R27",
        gettext_lazy("省级汇总表报送截止日期"),
        optional=True,
        source=PolicySource.PLATFORM,
        default_on=year_end,
        order=140,
    ),
    PolicySetting(
        "r28.field_concentration_share_max",
        PolicyType.RATIO,
        Decimal("0.30"),
        "R28",
        gettext_lazy("单一领域试点占比提示阈值"),
        source=PolicySource.PLATFORM,
        order=150,
    ),
    PolicySetting(
        "r32.city_first_review_required",
        PolicyType.BOOL,
        False,
        "R32",
        gettext_lazy("试点申请须经市级初审"),
        source=PolicySource.PLATFORM,
        order=160,
    ),
    PolicySetting(
        "r33.contact_filing_months",
        PolicyType.MONTHS,
        1,
        "R33",
        gettext_lazy("名单公布后报备联络人和工作机构时限"),
        gettext_lazy("个月"),
        maximum=24,
        order=170,
    ),
    PolicySetting(
        "r33.due_soon_days",
        PolicyType.DAYS,
        7,
        "R33",
        gettext_lazy("工作机构报备截止前开始提醒的天数"),
        gettext_lazy("天"),
        maximum=90,
        source=PolicySource.PLATFORM,
        order=180,
    ),
):
    registry.policy_keys.register(setting)

# --- demo data ----------------------------------------------------------------------------------

for step in (
    DemoStep("pilots.schools", 30, demo.load_schools),
    DemoStep("pilots.working_bodies", 50, counted(demo.load_demo)),
    DemoStep("pilots.applications", 70, counted(demo.load_application_demo)),
):
    registry.demo_steps.register(step)

# The Taiyuan city reviewer the application step creates (R32 city first review), in the
# banner after the Guangzhou city account.
username, unit, _province, _city, description = demo.CITY_ACCOUNT
registry.demo_accounts.register(
    DemoAccount(username, Role.STAFF, unit, description, UnitKind.CITY, order=70)
)
