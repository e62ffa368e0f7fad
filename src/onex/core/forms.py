"""Form building blocks every app uses: the product's form renderer and the date widget.

One renderer gives every ``{{ form }}`` and ``{{ field.as_field_group }}`` the same label/field
grid, fieldsets and checkbox layout (templates under ``core/templates/onex/forms/``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates

ISO_DATE = "%Y-%m-%d"


class FormRenderer(DjangoTemplates):
    form_template_name = "onex/forms/form.html"
    field_template_name = "onex/forms/field.html"


class DateInput(forms.DateInput):
    """An ``<input type="date">``: browsers accept only ISO values there, whatever the locale.

    Django's localized default (``2026/12/03`` under zh-hans) is rejected by browsers, which then
    show an empty field and submit nothing.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)
