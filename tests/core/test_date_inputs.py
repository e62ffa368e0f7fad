"""Every date input renders ISO ``YYYY-MM-DD`` in every UI language (browsers want only that)."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

import onex
from onex.core.forms import DateInput

DAY = dt.date(2026, 12, 3)
SRC = Path(onex.__file__).parent


def _all_onex_forms() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(onex.__path__, "onex."):
        if ".migrations" in info.name or info.name.endswith(("wsgi", "asgi")):
            continue
        importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("onex."):
                found.append(sub)
    return found


def _date_fields() -> list[tuple[str, forms.Field]]:
    out = []
    for form in _all_onex_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                out.append((f"{form.__module__}.{form.__qualname__}.{name}", field))
    return out


def test_the_walk_finds_the_known_date_fields() -> None:
    names = {name for name, _ in _date_fields()}
    assert "onex.assessment.views.exams.PlanForm.exam_date" in names
    assert "onex.core.views.calendar.CalculatorForm.start" in names
    assert len(names) >= 10


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_form_date_field_renders_iso(language: str) -> None:
    with translation.override(language):
        for name, field in _date_fields():
            html = field.widget.render("d", DAY)
            assert 'value="2026-12-03"' in html, (name, html)
            assert 'type="date"' in html, (name, html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_plain_django_date_input_renders_iso_too(language: str) -> None:
    # The format setting is the cause-level fix: even a widget that forgets ``format`` is ISO.
    with translation.override(language):
        assert 'value="2026-12-03"' in forms.DateInput().render("d", DAY)
        assert 'value="2026-12-03"' in DateInput().render("d", DAY)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bound_date_field_with_an_initial_renders_iso(language: str) -> None:
    class F(forms.Form):
        d = forms.DateField(widget=DateInput())

    with translation.override(language):
        assert 'value="2026-12-03"' in str(F(initial={"d": DAY})["d"])


def test_slashed_dates_are_still_accepted_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert forms.DateField().clean("2026/12/03") == DAY


def test_hand_written_date_inputs_format_their_value_as_iso() -> None:
    pattern = re.compile(r'<input[^>]*type="date"[^>]*>')
    for path in SRC.rglob("*.html"):
        for tag in pattern.findall(path.read_text(encoding="utf-8")):
            for value in re.findall(r'value="([^"]*)"', tag):
                assert "date:'Y-m-d'" in value or 'date:"Y-m-d"' in value, (path, tag)
