"""Dashboard selector: what each actor's landing page shows (to-dos first, then key figures).

Reads other apps through their selectors where they exist and otherwise queries models scoped
by ``actor.region_q``; nothing here writes. The view only renders the returned dataclass.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Batch, Certificate, Org
from onex.core.actors import Actor
from onex.core.models import Unit, UnitKind
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School, SchoolType

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TodoItem:
    title: str
    count: int | None = None
    url: str | None = None
    deadline: dt.date | None = None
    tone: str = "info"  # info | warning | danger: how urgently the item asks for attention
    note: str = ""


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    note: str = ""
    url: str | None = None

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int)


@dataclass(frozen=True)
class Chart:
    title: str
    series_name: str
    categories: list[str]
    values: list[int]
    kind: str = "bar"  # bar | pie

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "seriesName": self.series_name,
            "categories": self.categories,
            "values": self.values,
            "kind": self.kind,
        }

    @property
    def rows(self) -> list[tuple[str, int]]:
        return list(zip(self.categories, self.values, strict=True))


@dataclass(frozen=True)
class Dashboard:
    kind: str
    title: str  # the kind of workbench, e.g. 省级工作台
    region: str  # whose workbench: the province, city or unit name
    todos: list[TodoItem] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    chart: Chart | None = None
    intro: str = ""


def _url(name: str, query: str = "") -> str | None:
    # Pages are being added by other apps; link only to those that exist.
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def _schools(actor: Actor) -> QuerySet[School]:
    try:
        from onex.pilots.selectors import school_list
    except ImportError:
        return School.objects.filter(actor.region_q(unit="unit"))
    result = school_list(actor=actor)
    if isinstance(result, QuerySet):
        return result
    return School.objects.filter(pk__in=[s.pk for s in result])


def _calendar_todo(today: dt.date) -> TodoItem | None:
    """Warn when next year's working-day calendar has neither package data nor a notice."""
    year = today.year + 1
    try:  # the calendar service is young; the dashboard must render even if it misbehaves
        from onex.core.calendar import missing_year_message, year_coverage

        if year_coverage(year) != "missing":
            return None
        note = missing_year_message([year])
    except Exception:
        logger.exception("calendar coverage check failed for %s", year)
        return None
    return TodoItem(
        title=_("%(year)s 年节假日安排尚未录入") % {"year": year},
        url=_url("calendar"),
        # Deadlines in January need next year's calendar before the year starts.
        deadline=dt.date(today.year, 12, 31),
        tone="warning",
        note=note,
    )


# Older failures were either fixed by a later upload or abandoned; they are no longer to-dos.
FAILED_IMPORT_DAYS = 14


def _failed_imports_todo(actor: Actor) -> TodoItem | None:
    if actor.unit is None:
        return None
    try:
        model = apps.get_model("core", "ImportJob")
    except LookupError:
        return None
    since = timezone.now() - dt.timedelta(days=FAILED_IMPORT_DAYS)
    count = model.objects.filter(unit=actor.unit, status="failed", created_at__gte=since).count()
    if not count:
        return None
    return TodoItem(
        title=_("导入失败的文件"),
        count=count,
        url=_url("imports"),
        tone="danger",
        note=_("近 %(days)s 天内。请查看错误清单，修改后重新上传。") % {"days": FAILED_IMPORT_DAYS},
    )


def _pilots_todos(actor: Actor) -> list[TodoItem]:
    # R33 working-body filings: the school's own deadline and reminders, officials' overdue.
    from onex.pilots.selectors import working_body_todos

    return [TodoItem(**item) for item in working_body_todos(actor=actor)]


def _common_todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    found = [t for t in (_calendar_todo(today), _failed_imports_todo(actor)) if t]
    return _application_todos(actor) + found + _pilots_todos(actor)


def _application_todos(actor: Actor) -> list[TodoItem]:
    # Pilot applications awaiting this actor: city/province reviews, a school's returned ones.
    from onex.pilots.applications import application_todos

    return application_todos(actor=actor)


def _national(actor: Actor, today: dt.date) -> Dashboard:
    provinces = Division.objects.filter(level=DivisionLevel.PROVINCE).count()
    with_account = Unit.objects.filter(kind=UnitKind.PROVINCE, is_active=True).count()
    orgs = Org.objects.count()
    schools = _schools(actor).count()
    by_batch = list(
        Batch.objects.annotate(n=Count("certificates")).order_by("number").values("number", "n")
    )
    certificates = sum(row["n"] for row in by_batch)
    todos: list[TodoItem] = []
    if provinces - with_account > 0:
        todos.append(
            TodoItem(
                title=_("尚未开通账号的省级行政区"),
                count=provinces - with_account,
                tone="warning",
                note=_("已开通 %(n)s / %(total)s") % {"n": with_account, "total": provinces},
            )
        )
    todos.append(TodoItem(title=_("在册培训评价组织"), count=orgs))
    for row in by_batch:
        todos.append(
            TodoItem(title=_("第%(n)s批证书") % {"n": row["number"]}, count=row["n"], tone="info")
        )
    todos.extend(_common_todos(actor, today))
    kind = actor.kind or UnitKind.MINISTRY
    title = _("部级工作台") if kind == UnitKind.MINISTRY else _("国家汇总工作台")
    return Dashboard(
        kind=kind,
        title=title,
        region=actor.unit.name if actor.unit else _("教育部"),
        todos=todos,
        figures=[
            Figure(_("省级行政区"), with_account, _("共 %(n)s 个") % {"n": provinces}),
            Figure(_("试点院校"), schools, url=_url("pilots:school_list")),
            Figure(_("培训评价组织"), orgs),
            Figure(_("职业技能等级证书"), certificates, _("%(n)s 个批次") % {"n": len(by_batch)}),
        ],
        chart=Chart(
            title=_("各批次证书数量"),
            series_name=_("证书"),
            categories=[_("第%(n)s批") % {"n": row["number"]} for row in by_batch],
            values=[row["n"] for row in by_batch],
        )
        if by_batch
        else None,
    )


def _province(actor: Actor, today: dt.date) -> Dashboard:
    assert actor.unit is not None and actor.unit.province is not None
    province = actor.unit.province
    schools = _schools(actor)
    per_city = list(
        schools.values("city__code", "city__name").annotate(n=Count("pk")).order_by("city__code")
    )
    cities = Division.objects.filter(parent=province).count()
    city_bureaus = Unit.objects.filter(kind=UnitKind.CITY, province=province).count()
    total = sum(row["n"] for row in per_city)
    todos = [
        TodoItem(
            title=_("本省试点院校"),
            count=total,
            url=_url("pilots:school_list"),
            note=_("分布在 %(n)s 个地市") % {"n": len(per_city)},
        ),
        *_common_todos(actor, today),
    ]
    return Dashboard(
        kind=UnitKind.PROVINCE,
        title=_("省级工作台"),
        region=province.name,
        todos=todos,
        figures=[
            Figure(_("试点院校"), total, url=_url("pilots:school_list")),
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


def _city(actor: Actor, today: dt.date) -> Dashboard:
    assert actor.unit is not None
    schools = _schools(actor)
    by_type = list(schools.values("school_type").annotate(n=Count("pk")).order_by("school_type"))
    labels = dict(SchoolType.choices)
    total = sum(row["n"] for row in by_type)
    city = actor.unit.city
    return Dashboard(
        kind=UnitKind.CITY,
        title=_("市级工作台"),
        region=city.name if city else actor.unit.name,
        todos=[
            TodoItem(title=_("本市试点院校"), count=total, url=_url("pilots:school_list")),
            *_common_todos(actor, today),
        ],
        figures=[
            Figure(_("试点院校"), total, url=_url("pilots:school_list")),
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


def _certificate_todos(actor: Actor) -> list[TodoItem]:
    """Orgs: passed candidates awaiting a certificate, late entries (R15); learners: theirs."""
    from onex.certificates.selectors import (
        certificate_scope,
        closed_plans_for_issue,
        entry_compliance,
    )

    if actor.kind == UnitKind.LEARNER:
        count = certificate_scope(actor=actor).count()
        return [TodoItem(title=_("我的证书"), count=count, url=_url("certificates:list"))]
    todos: list[TodoItem] = []
    waiting = sum(passed - issued for _plan, passed, issued in closed_plans_for_issue(actor=actor))
    if waiting:
        todos.append(
            TodoItem(
                title=_("待颁发证书的合格考生"),
                count=waiting,
                url=_url("certificates:issue"),
                tone="warning",
                note=_("发证后须在规定工作日内录入平台（R15）。"),
            )
        )
    late = entry_compliance(actor=actor).late
    if late:
        todos.append(
            TodoItem(
                title=_("逾期录入的证书（R15）"),
                count=late,
                url=_url("certificates:compliance"),
                tone="danger",
            )
        )
    return todos


def _org(actor: Actor, today: dt.date) -> Dashboard:
    assert actor.unit is not None
    certificates = Certificate.objects.filter(org__unit=actor.unit)
    by_batch = list(
        certificates.values("batch__number").annotate(n=Count("pk")).order_by("batch__number")
    )
    total = sum(row["n"] for row in by_batch)
    return Dashboard(
        kind=UnitKind.ORG,
        title=_("培训评价组织工作台"),
        region=actor.unit.name,
        todos=[
            TodoItem(title=_("本组织负责的证书"), count=total),
            *_certificate_todos(actor),
            *_common_todos(actor, today),
        ],
        figures=[
            Figure(_("职业技能等级证书"), total),
            Figure(_("涉及批次"), len(by_batch)),
        ],
        chart=Chart(
            title=_("各批次证书数量"),
            series_name=_("证书"),
            categories=[_("第%(n)s批") % {"n": row["batch__number"]} for row in by_batch],
            values=[row["n"] for row in by_batch],
        )
        if by_batch
        else None,
    )


def _school(actor: Actor, today: dt.date) -> Dashboard:
    assert actor.unit is not None
    school = _schools(actor).select_related("province", "city").first()
    figures: list[Figure] = []
    if school is not None:
        figures = [
            Figure(_("学校类型"), school.get_school_type_display()),
            Figure(_("所在地区"), f"{school.province.name} {school.city.name}"),
            Figure(_("学校标识码"), school.code),
        ]
    return Dashboard(
        kind=UnitKind.SCHOOL,
        title=_("院校工作台"),
        region=school.name if school else actor.unit.name,
        todos=_common_todos(actor, today),
        figures=figures,
    )


def _learner(actor: Actor, today: dt.date) -> Dashboard:
    user = actor.user
    name = (user.display_name or user.username) if user else ""
    return Dashboard(
        kind=UnitKind.LEARNER,
        title=_("个人学习空间"),
        region=name,
        intro=_("在这里查看您的职业技能等级证书和学分银行记录。"),
        todos=_certificate_todos(actor),
    )


_BUILDERS: dict[str, Callable[[Actor, dt.date], Dashboard]] = {
    UnitKind.MINISTRY: _national,
    UnitKind.AGGREGATOR: _national,
    UnitKind.PROVINCE: _province,
    UnitKind.CITY: _city,
    UnitKind.ORG: _org,
    UnitKind.SCHOOL: _school,
    UnitKind.LEARNER: _learner,
}


def dashboard_for(*, actor: Actor) -> Dashboard:
    """The landing page of ``actor``: to-dos, key figures and one chart, scoped to its unit."""
    today = timezone.localdate()
    builder = _BUILDERS.get(actor.kind or "")
    if builder is None:
        return Dashboard(kind="", title=_("工作台"), region="")
    board = builder(actor, today)
    board.todos[:0] = _site_todos(actor)
    board.todos[:0] = _exam_todos(actor)
    return board


def _site_todos(actor: Actor) -> list[TodoItem]:
    # Assessment sites, fees and brand complaints awaiting this actor (issue 4).
    from onex.assessment.sites import site_and_fee_todos

    return [
        TodoItem(title=t.title, count=t.count, url=_url(t.url_name, t.query), tone="warning")
        for t in site_and_fee_todos(actor=actor)
    ]


def _exam_todos(actor: Actor) -> list[TodoItem]:
    # Exam plans, results, objections and the R14 gap awaiting this actor (issue 4).
    from onex.assessment.exams import exam_todos

    return [
        TodoItem(title=t.title, count=t.count, url=_url(t.url_name, t.query), tone=t.tone)
        for t in exam_todos(actor=actor)
    ]
