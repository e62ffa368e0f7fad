"""Issue item 23: the to-do panel lists only what the actor can do, per demo persona.

Every to-do a demo account sees must lead to a page that answers 200 for that account and
offers something to act with (a form, a button, or a move); a statistic is a figure.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from onex.core import registry
from onex.core.actors import Actor
from onex.core.dashboard import dashboard_for
from onex.core.models import UnitKind, User

pytestmark = pytest.mark.django_db

MAIN = re.compile(r"<main\b.*?</main>", re.S)
# Something to act with inside the page's main content (the header's logout and language
# forms do not count).
ACTION = re.compile(r"<form\b|<button\b|data-move=", re.S)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    # The state the issue describes: next year's holidays not yet known.
    monkeypatch.setattr("onex.core.calendar.year_coverage", lambda year: "missing")


def test_every_demo_personas_todos_lead_to_a_page_where_it_acts(demo: None, client: Client) -> None:
    seen = 0
    for account in registry.demo_accounts.all():
        user = User.objects.get(username=account.username)
        board = dashboard_for(actor=Actor.for_user(user))
        client.force_login(user)
        for todo in board.todos:
            response = client.get(todo.url)
            assert response.status_code == 200, (account.username, todo.title, todo.url)
            [main] = MAIN.findall(response.content.decode())
            assert ACTION.search(main), (account.username, todo.title, todo.url)
            seen += 1
    assert seen  # the demo data gives the personas something to do


def test_no_school_org_or_city_demo_account_sees_the_holiday_todo(
    demo: None, client: Client
) -> None:
    calendar_titles = set()
    ministry = User.objects.get(username="demo-ministry")
    calendar_titles = {
        t.title for t in dashboard_for(actor=Actor.for_user(ministry)).todos if "节假日" in t.title
    }
    assert calendar_titles  # the national admin who enters the notice is asked to
    for user in User.objects.filter(
        unit__kind__in=[UnitKind.SCHOOL, UnitKind.ORG, UnitKind.CITY, UnitKind.PROVINCE]
    ):
        titles = {t.title for t in dashboard_for(actor=Actor.for_user(user)).todos}
        assert not titles & calendar_titles, user.username
