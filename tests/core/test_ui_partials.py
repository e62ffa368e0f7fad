"""The shared partials in templates/includes/ render with the documented arguments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import timezone

from onex.core.templatetags.onex_ui import deadline_info, percent, status_tone


def render(source: str, **context: object) -> str:
    request = RequestFactory().get("/pilots/schools/", {"q": "广州", "page": "2"})
    return Template("{% load i18n %}" + source).render(RequestContext(request, context))


def test_pagination_keeps_the_search_and_marks_the_current_page() -> None:
    page_obj = Paginator(list(range(300)), 10).page(2)
    html = render('{% include "includes/pagination.html" %}', page_obj=page_obj)
    assert 'aria-current="page">2<' in html
    assert "q=%E5%B9%BF%E5%B7%9E&amp;page=3" in html
    assert "…" in html


def test_toolbar_has_search_and_export_without_the_page_number() -> None:
    html = render(
        '{% include "includes/table_toolbar.html" with export_url="/x.xlsx" target="#t" %}'
    )
    assert 'name="q"' in html
    assert 'value="广州"' in html
    assert 'href="/x.xlsx?q=%E5%B9%BF%E5%B7%9E"' in html
    assert 'hx-target="#t"' in html


def test_status_tag_colours_by_status_value() -> None:
    html = render('{% include "includes/status_tag.html" with status="rejected" label="已驳回" %}')
    assert 'class="tag tag--danger"' in html
    assert "已驳回" in html
    assert status_tone("unknown") == "neutral"


def test_progress_bar_shows_percent_and_polls_while_running() -> None:
    html = render('{% include "includes/progress_bar.html" with value=30 max=120 poll_url="/p" %}')
    assert "25%" in html
    assert 'hx-trigger="every 2s"' in html
    assert percent(5, 0) == 0


def test_timeline_and_empty_state() -> None:
    events = [
        {"at": timezone.now(), "action": "提交", "actor": "张三", "reason": "材料齐全"},
    ]
    html = render('{% include "includes/timeline.html" with events=events %}', events=events)
    assert "提交" in html
    assert "材料齐全" in html
    assert "暂无记录" in render('{% include "includes/timeline.html" with events=None %}')


@pytest.mark.django_db
def test_deadline_badge_shows_date_and_working_days_left() -> None:
    # 2019-09-27 (Fri) → 2019-10-08 (Tue): Sep 29 is a 调休 working Sunday, Oct 1–7 holidays.
    info = deadline_info(dt.date(2019, 10, 8))
    assert info is not None
    assert info["overdue"] is True
    assert info["tone"] == "danger"
    html = render(
        '{% include "includes/deadline_badge.html" with deadline=d %}',
        d=timezone.localdate() + dt.timedelta(days=10),
    )
    assert "<time" in html
    assert "个工作日" in html
