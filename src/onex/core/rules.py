"""Selectors of the rule catalogue: rules by ID and by search, their parameters with the values
in force, and the enforcing functions' summaries.

The data and its loading live in ``onex.core.rule_catalogue`` (re-exported here); this module
joins them with the policy profiles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from onex.core.errors import NotFound
from onex.core.policy import ProfileEntry, display_value, policy_profile
from onex.core.rule_catalogue import (
    DATA_PATH,
    LANGUAGES,
    RULE_IDS,
    STATUS_LABELS,
    STATUS_TONES,
    Catalogue,
    CatalogueError,
    Document,
    Parameter,
    Rule,
    RuleStatus,
    Source,
    Text,
    catalogue,
    load_catalogue,
    rule_title,
)
from onex.geo.models import Division

__all__ = [
    "DATA_PATH",
    "LANGUAGES",
    "RULE_IDS",
    "STATUS_LABELS",
    "STATUS_TONES",
    "Catalogue",
    "CatalogueError",
    "Document",
    "Parameter",
    "ParameterValue",
    "Rule",
    "RuleStatus",
    "Source",
    "Text",
    "catalogue",
    "enforcer_summary",
    "load_catalogue",
    "rule_get",
    "rule_list",
    "rule_parameter_values",
    "rule_title",
    "status_counts",
]


def rule_get(rule_id: str) -> Rule:
    """One rule by ID (case-insensitive), or ``NotFound``. The catalogue is public policy."""
    rule = catalogue().get(rule_id.strip().upper())
    if rule is None:
        raise NotFound(_("没有编号为 %(id)s 的规则。") % {"id": rule_id[:10]})
    return rule


def rule_list(*, q: str | None = None, status: str | None = None) -> list[Rule]:
    """Rules in ID order, filtered by a search text and a status."""
    rules = catalogue().rules
    if status:
        rules = tuple(r for r in rules if r.status == status)
    if q:
        rules = tuple(r for r in rules if r.matches(q))
    return list(rules)


def status_counts() -> dict[str, int]:
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for rule in catalogue().rules:
        counts[rule.status] += 1
    return counts


@dataclass(frozen=True)
class ParameterValue:
    """A parameter with the value in force for a province (or nationally)."""

    parameter: Parameter
    entry: ProfileEntry | None  # None for a fixed value the documents set

    @property
    def display(self) -> str:
        if self.entry is not None:
            return self.entry.display
        return f"{self.parameter.default} {self.parameter.unit_text}".strip()

    @property
    def default_display(self) -> str:
        item = self.parameter.setting
        if item is None:
            return self.display
        return display_value(item, item.default)

    @property
    def source_label(self) -> str:
        if self.entry is not None:
            return self.entry.source_label
        return _("政策文件（固定值）")


def rule_parameter_values(
    rules: list[Rule], *, province: Division | None = None
) -> dict[str, list[ParameterValue]]:
    """Rule ID → its parameters with the values in force today for ``province``.

    One profile read for all rules; without a province, the national values.
    """
    profile = policy_profile(province=province)
    return {
        rule.id: [ParameterValue(p, profile.get(p.key) if p.key else None) for p in rule.parameters]
        for rule in rules
    }


def enforcer_summary(path: str) -> str | None:
    """The first docstring paragraph of an enforcing function, resolved lazily; None if it
    does not import (the page flags it; the catalogue tests fail on it)."""
    try:
        target: Callable[..., Any] = import_string(path)
    except ImportError:
        return None
    doc = (getattr(target, "__doc__", None) or "").strip()
    first_paragraph = doc.split("\n\n", 1)[0]
    return " ".join(line.strip() for line in first_paragraph.splitlines())
