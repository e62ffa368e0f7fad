"""One form layout: the product renderer's label/field grid, fieldsets, checkboxes, CJK colon."""

from __future__ import annotations

from pathlib import Path

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

import onex
from tests.personas import Personas


class Sample(forms.Form):
    fieldsets = [("基本信息", ["name"])]
    name = forms.CharField(label="名称", help_text="全称")
    agree = forms.BooleanField(label="同意", required=False)
    kind = forms.ChoiceField(
        label="类型", choices=[("a", "甲"), ("b", "乙")], widget=forms.RadioSelect
    )


def test_labels_end_with_the_full_width_colon_in_chinese() -> None:
    with translation.override("zh-hans"):
        html = str(Sample())
    assert 'class="form-row__label" for="id_name">名称：</label>' in html
    assert "类型：" in html


def test_labels_end_with_an_ascii_colon_in_english() -> None:
    with translation.override("en"):
        if translation.gettext("：") == "：":
            pytest.skip("English catalogue not compiled (make messages)")
        html = str(Sample())
    assert ">名称:</label>" in html


def test_checkbox_sits_inside_its_label_without_a_colon() -> None:
    html = str(Sample())
    assert 'class="form-row form-row--check' in html
    assert '<label class="form-check" for="id_agree"><input type="checkbox"' in html
    assert "同意：" not in html


def test_fieldsets_group_fields_and_nothing_is_dropped() -> None:
    html = str(Sample())
    assert '<fieldset class="form-section"><legend>基本信息</legend>' in html
    assert html.index("id_name") < html.index("</fieldset>") < html.index("id_agree")
    assert 'id="id_name_helptext"' in html


def test_templates_use_the_product_renderer_not_as_p_or_as_div() -> None:
    src = Path(onex.__file__).parent
    for path in src.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert ".as_p" not in text and ".as_div" not in text and ".as_table" not in text, path


def test_a_form_page_renders_the_grid(client: Client, personas: Personas) -> None:
    client.force_login(personas.ministry.user)
    response = client.get(reverse("calendar"))
    html = response.content.decode()
    assert 'class="form-grid"' in html
    assert "起始日期：</label>" in html
