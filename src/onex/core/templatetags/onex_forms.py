"""The product form layout's helper: a form's visible fields, grouped into its fieldsets."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


@register.filter
def field_groups(form: forms.BaseForm) -> list[tuple[Any, list[BoundField]]]:
    """``[(legend, fields), …]`` from the form's optional ``fieldsets = [(legend, [names])]``.

    Fields a form's fieldsets leave out (or every field, when it declares none) come last in a
    group without a legend, so a field is never dropped from the page.
    """
    visible = {bf.name: bf for bf in form.visible_fields()}
    groups: list[tuple[Any, list[BoundField]]] = []
    for legend, names in getattr(form, "fieldsets", ()):
        fields = [visible.pop(name) for name in names if name in visible]
        if fields:
            groups.append((legend, fields))
    if visible:
        groups.append(("", list(visible.values())))
    return groups
