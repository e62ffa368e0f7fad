"""Landing dashboards and role-aware navigation, one persona per unit kind."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from onex.catalog.models import Batch, Certificate
from onex.core import registry
from onex.core.calendar import can_edit_calendar
from onex.core.checks import check_registered_urls
from onex.core.dashboard import dashboard_for
from onex.core.navigation import menu_for
from onex.core.registry import MenuEntry
from onex.core.views.dashboard import dashboard
from tests.personas import Persona, Personas

pytestmark = pytest.mark.django_db


def page(client: Client, persona: Persona) -> str:
    client.force_login(persona.user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("ministry", "部级工作台"),
        ("aggregator", "国家汇总工作台"),
        ("gd", "省级工作台"),
        ("gz_city", "市级工作台"),
        ("org", "培训评价组织工作台"),
        ("gd_school", "院校工作台"),
        ("learner", "个人学习空间"),
    ],
)
def test_each_kind_lands_on_its_own_dashboard(
    client: Client, personas: Personas, name: str, heading: str
) -> None:
    html = page(client, getattr(personas, name))
    assert heading in html
    assert "待办" in html


def test_province_dashboard_names_the_province_and_counts_only_its_schools(
    client: Client, personas: Personas
) -> None:
    board = dashboard_for(actor=personas.gd.actor)
    assert board.region == "广东省"
    assert board.title == "省级工作台"
    assert board.figures[0].value == 2  # Guangzhou and Shenzhen, not the Hubei school
    assert board.chart is not None
    assert sorted(board.chart.values) == [1, 1]
    html = page(client, personas.gd)
    assert "广东省" in html
    assert 'id="dashboard-chart-data"' in html
    assert "武汉" not in html


def test_city_dashboard_counts_only_its_city(personas: Personas) -> None:
    board = dashboard_for(actor=personas.gz_city.actor)
    assert board.region == "广州市"
    assert board.figures[0].value == 1


def test_national_dashboard_charts_certificates_per_batch(personas: Personas) -> None:
    batch = Batch.objects.create(number=1, published_on="2019-04-01")
    Certificate.objects.create(code="C1", name="物流管理", org=personas.org_obj, batch=batch)
    board = dashboard_for(actor=personas.ministry.actor)
    assert board.chart is not None
    assert board.chart.categories == ["第1批"]
    assert board.chart.values == [1]
    org_board = dashboard_for(actor=personas.org.actor)
    assert org_board.figures[0].value == 1


def test_school_dashboard_shows_its_own_school(client: Client, personas: Personas) -> None:
    html = page(client, personas.gd_school)
    assert "广州番禺职业技术学院" in html
    assert "深圳职业技术学院" not in html


def test_htmx_refresh_returns_the_todo_panel_only(client: Client, personas: Personas) -> None:
    client.force_login(personas.gd.user)
    response = client.get(reverse("dashboard"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="todo-panel"' in html
    assert "<html" not in html


def test_anonymous_gets_the_public_home_page_not_the_dashboard(client: Client) -> None:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.templates[0].name == "core/home.html"
    # The dashboard view itself still sends anonymous callers to the login page.
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = dashboard(request)
    assert response.status_code == 302
    assert "login" in response["Location"] and "next=/" in response["Location"]


def test_audit_entry_is_for_national_and_provincial_admins_only(personas: Personas) -> None:
    audit = registry.menu["audit"]
    assert audit.visible_to(personas.ministry.actor)
    assert audit.visible_to(personas.gd.actor)
    assert not audit.visible_to(personas.aggregator.actor)  # staff, not admin
    assert not audit.visible_to(personas.gd_viewer.actor)
    assert not audit.visible_to(personas.hb.actor)  # staff
    assert not audit.visible_to(personas.gd_school.actor)  # admin, but of a school
    assert not audit.visible_to(personas.org.actor)


def test_menu_shows_audit_link_to_admins_when_the_page_exists(
    client: Client, personas: Personas
) -> None:
    names = {item.url_name for item in menu_for(personas.gd.actor)}
    audit_url = reverse("audit")
    assert "audit" in names
    assert f'href="{audit_url}"' in page(client, personas.gd)
    assert f'href="{audit_url}"' not in page(client, personas.gd_school)
    assert "audit" not in {item.url_name for item in menu_for(personas.hb.actor)}


def test_registered_menu_entries_all_resolve() -> None:
    assert check_registered_urls() == []


def test_menu_entry_that_does_not_resolve_fails_the_system_check_with_e001() -> None:
    with registry.menu.added(MenuEntry("不存在", "no-such-page", 999)):
        errors = check_registered_urls()
    assert [e.id for e in errors] == ["onex.E001"]
    assert "no-such-page" in errors[0].msg


def test_menu_entry_that_does_not_resolve_stops_manage_py_check() -> None:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    entry = MenuEntry("不存在", "pilots:no-such-page", 999)
    with registry.menu.added(entry), pytest.raises(SystemCheckError, match=r"onex\.E001"):
        call_command("check")


def test_todo_provider_declaring_an_unknown_url_name_fails_the_check() -> None:
    provider = registry.TodoProvider(
        "tests.unknown", lambda actor, today: [], 999, url_names=("pilots:nowhere",)
    )
    with registry.todos.added(provider):
        errors = check_registered_urls()
    assert [e.id for e in errors] == ["onex.E001"]
    assert "pilots:nowhere" in errors[0].msg


def test_url_names_taking_arguments_count_as_existing() -> None:
    from onex.core.checks import url_name_exists

    assert url_name_exists("pilots:school_detail")
    assert url_name_exists("dashboard")
    assert not url_name_exists("nowhere:dashboard")
    assert not url_name_exists("pilots:nowhere")


def test_menu_keeps_the_declared_order_across_apps(personas: Personas) -> None:
    names = [item.url_name for item in menu_for(personas.ministry.actor)]
    assert names[0] == "dashboard"
    assert names.index("pilots:school_list") < names.index("catalog:list")
    assert names.index("catalog:list") < names.index("assessment:site_list")
    assert names.index("assessment:site_list") < names.index("catalog:phrase_list")
    assert names[-1] == "password_change"


def test_a_registered_todo_appears_on_its_actors_dashboard_only(personas: Personas) -> None:
    def provide(actor: object, today: object) -> list[registry.TodoItem]:
        return [registry.TodoItem(title="测试待办", count=3, url=registry.todo_url("calendar"))]

    provider = registry.TodoProvider(
        "tests.todo", provide, 1, frozenset({"province"}), ("calendar",)
    )
    with registry.todos.added(provider):
        province = dashboard_for(actor=personas.gd.actor)
        school = dashboard_for(actor=personas.gd_school.actor)
    assert province.todos[0].title == "测试待办"
    assert province.todos[0].url == reverse("calendar")
    assert "测试待办" not in [t.title for t in school.todos]
    assert "测试待办" not in [t.title for t in dashboard_for(actor=personas.gd.actor).todos]


def test_a_registered_card_adds_its_figures_to_its_kind(personas: Personas) -> None:
    card = registry.DashboardCard(
        "tests.card",
        frozenset({"city"}),
        lambda actor: registry.CardContent(figures=[registry.Figure("测试数字", 7)]),
        999,
    )
    with registry.cards.added(card):
        city = dashboard_for(actor=personas.gz_city.actor)
        province = dashboard_for(actor=personas.gd.actor)
    assert city.figures[-1] == registry.Figure("测试数字", 7)
    assert "测试数字" not in [f.label for f in province.figures]


def test_every_app_contributes_through_its_shell() -> None:
    apps = {provider.name.split(".")[0] for provider in registry.todos.all()}
    assert apps == {
        "core",
        "pilots",
        "assessment",
        "certificates",
        "creditbank",
        "training",
        "funding",
        "reporting",
        "feedback",
        "supervision",
    }
    card_apps = {card.name.split(".")[0] for card in registry.cards.all()}
    assert card_apps == {
        "core",
        "catalog",
        "pilots",
        "certificates",
        "creditbank",
        "training",
        "funding",
        "reporting",
    }
    steps = [step.name for step in registry.demo_steps.all()]
    assert steps.index("catalog.catalogue") < steps.index("pilots.schools")
    assert steps.index("pilots.schools") < steps.index("core.users")


def test_menu_marks_the_current_page(personas: Personas) -> None:
    items = menu_for(personas.gd.actor, path="/")
    assert [i.url_name for i in items if i.active] == ["dashboard"]


def test_anonymous_gets_no_menu() -> None:
    from onex.core.actors import Actor

    assert menu_for(Actor.anonymous()) == []


def test_layout_has_skip_link_language_switch_and_role(client: Client, personas: Personas) -> None:
    html = page(client, personas.gd)
    assert 'href="#main"' in html
    assert 'action="/i18n/setlang/"' in html
    assert 'value="en"' in html
    assert "广东省教育厅" in html
    assert "管理员" in html


def test_ministry_admin_todo_warns_when_next_years_calendar_is_missing(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("onex.core.calendar.year_coverage", lambda year: "missing")
    board = dashboard_for(actor=personas.ministry.actor)
    warning = next(t for t in board.todos if t.url == reverse("calendar"))
    assert warning.deadline is not None
    assert (warning.deadline.month, warning.deadline.day) == (12, 31)
    assert str(warning.deadline.year + 1) in warning.title

    monkeypatch.setattr("onex.core.calendar.year_coverage", lambda year: "package")
    board = dashboard_for(actor=personas.ministry.actor)
    assert all(t.url != reverse("calendar") for t in board.todos)


@pytest.mark.parametrize(
    "name", ["aggregator", "gd", "hb", "gd_viewer", "gz_city", "org", "gd_school", "learner"]
)
def test_only_who_may_enter_holiday_notices_gets_the_calendar_todo(
    personas: Personas, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # Issue item 23: the 2027 holiday to-do reached schools, orgs and cities that cannot act.
    monkeypatch.setattr("onex.core.calendar.year_coverage", lambda year: "missing")
    actor = getattr(personas, name).actor
    assert not can_edit_calendar(actor)
    assert all(t.url != reverse("calendar") for t in dashboard_for(actor=actor).todos)


def test_calendar_todo_provider_serves_exactly_who_may_edit_the_calendar(
    personas: Personas,
) -> None:
    provider = registry.todos["core.calendar"]
    for name in ("ministry", "aggregator", "gd", "gz_city", "org", "gd_school", "learner"):
        actor = getattr(personas, name).actor
        assert provider.applies_to(actor) == can_edit_calendar(actor), name


def test_a_todo_without_a_page_to_act_on_is_refused() -> None:
    with pytest.raises(ValueError, match="names no page"):
        registry.TodoItem(title="本省试点院校", url="")


def test_a_todo_linking_to_a_page_its_provider_did_not_declare_is_refused(
    personas: Personas,
) -> None:
    def provide(actor: object, today: object) -> list[registry.TodoItem]:
        return [registry.TodoItem(title="测试待办", url=registry.todo_url("imports"))]

    provider = registry.TodoProvider("tests.undeclared", provide, 1, url_names=("calendar",))
    with registry.todos.added(provider), pytest.raises(ImproperlyConfigured, match="imports"):
        dashboard_for(actor=personas.gd.actor)


def test_viewers_get_no_todos_by_default(personas: Personas) -> None:
    def provide(actor: object, today: object) -> list[registry.TodoItem]:
        return [registry.TodoItem(title="测试待办", url=registry.todo_url("calendar"))]

    provider = registry.TodoProvider("tests.todo", provide, 1, url_names=("calendar",))
    with registry.todos.added(provider):
        assert "测试待办" in [t.title for t in dashboard_for(actor=personas.gd.actor).todos]
        viewer = dashboard_for(actor=personas.gd_viewer.actor)
    assert "测试待办" not in [t.title for t in viewer.todos]


@pytest.mark.parametrize("name", ["ministry", "gd", "gz_city", "org", "gd_school", "learner"])
def test_statistics_are_figures_not_todos(personas: Personas, name: str) -> None:
    # Counts of schools, orgs or certificates have no page to act on: they are figures.
    board = dashboard_for(actor=getattr(personas, name).actor)
    titles = {t.title for t in board.todos}
    assert not titles & {"本省试点院校", "本市试点院校", "在册培训评价组织", "本组织负责的证书"}
    assert not titles & {"我的证书", "尚未开通账号的省级行政区"}


def test_failed_imports_of_own_unit_are_a_todo(personas: Personas) -> None:
    from onex.core.models.imports import ImportJob

    ImportJob.objects.create(
        spec_name="schools",
        unit=personas.gd.unit,
        file="imports/x.xlsx",
        file_name="x.xlsx",
        sha256="0" * 64,
        status="failed",
    )
    failed = [t for t in dashboard_for(actor=personas.gd.actor).todos if t.tone == "danger"]
    assert [t.count for t in failed] == [1]
    assert not [t for t in dashboard_for(actor=personas.hb.actor).todos if t.tone == "danger"]
