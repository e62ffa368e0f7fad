"""Dashboard selector: what each actor's landing page shows (to-dos first, then key figures).

Composes the registries only (``onex.core.registry``): the to-do providers and dashboard cards
that apps declare in their ``shell.py``. To-dos are only what the actor can act on: each names
the page where it acts, one its provider declared; statistics are the cards' figures. Core
knows the kinds of workbench and their titles; everything an app counts comes from the app.
Nothing here writes; the view renders the returned dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.registry import Chart, Figure, TodoItem, TodoProvider

__all__ = ["Chart", "Dashboard", "Figure", "TodoItem", "dashboard_for"]


@dataclass(frozen=True)
class Dashboard:
    kind: str
    title: str  # the kind of workbench, e.g. 省级工作台
    region: str  # whose workbench: the province, city or unit name
    todos: list[TodoItem] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    chart: Chart | None = None
    intro: str = ""


def _title(kind: str) -> str:
    titles: dict[str, str] = {
        UnitKind.MINISTRY: _("部级工作台"),
        UnitKind.AGGREGATOR: _("国家汇总工作台"),
        UnitKind.PROVINCE: _("省级工作台"),
        UnitKind.CITY: _("市级工作台"),
        UnitKind.ORG: _("培训评价组织工作台"),
        UnitKind.SCHOOL: _("院校工作台"),
        UnitKind.LEARNER: _("个人学习空间"),
        UnitKind.CREDITBANK: _("学分银行工作台"),
    }
    return titles.get(kind, _("工作台"))


def _region(actor: Actor) -> str:
    unit = actor.unit
    if actor.kind == UnitKind.LEARNER:
        user = actor.user
        return (user.display_name or user.username) if user else ""
    if unit is None:
        return _("教育部") if actor.is_national else ""
    if actor.kind == UnitKind.PROVINCE and unit.province is not None:
        return unit.province.name
    if actor.kind == UnitKind.CITY and unit.city is not None:
        return unit.city.name
    return unit.name


def _declared(provider: TodoProvider, item: TodoItem) -> TodoItem:
    """``item``, once its page is one its provider declared (the pages onex.E001 checks)."""
    view_name = resolve(urlsplit(item.url).path).view_name
    if view_name not in provider.url_names:
        raise ImproperlyConfigured(
            f"to-do provider {provider.name!r} links to {view_name!r}, "
            f"which is not among its url_names {provider.url_names!r}"
        )
    return item


def dashboard_for(*, actor: Actor) -> Dashboard:
    """The landing page of ``actor``: to-dos, key figures and one chart, scoped to its unit."""
    kind = actor.kind or ""
    if kind not in UnitKind.values:
        return Dashboard(kind="", title=_("工作台"), region="")
    today = timezone.localdate()
    todos = [
        _declared(provider, item)
        for provider in registry.todos.all()
        if provider.applies_to(actor)
        for item in provider.provide(actor, today)
    ]
    figures: list[Figure] = []
    chart: Chart | None = None
    region = _region(actor)
    for card in registry.cards.all():
        if kind not in card.kinds:
            continue
        content = card.build(actor)
        figures.extend(content.figures)
        chart = chart or content.chart
        if content.region:
            region = content.region
    intro = (
        _("在这里查看您的报名、成绩、职业技能等级证书和学分银行学习账户。")
        if kind == UnitKind.LEARNER
        else ""
    )
    return Dashboard(
        kind=kind,
        title=_title(kind),
        region=region,
        todos=todos,
        figures=figures,
        chart=chart,
        intro=intro,
    )
