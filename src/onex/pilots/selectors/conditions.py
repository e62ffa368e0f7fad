"""The pilot conditions (R26 national, R43 Hubei) judged against the profile in force, and the
ratios and labels the summary table shares with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import LEVEL_ORDER, Level
from onex.core.errors import RuleViolation
from onex.core.imports import zh
from onex.core.policy import ProfileEntry, policy_profile
from onex.pilots.models.applications import (
    PilotApplication,
)

RATIO_PLACES = Decimal("0.0001")


# --- ratios and labels ----------------------------------------------------------------------


def ratio(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def ratio_text(value: Decimal) -> str:
    """45.45%, 50%: the summary table's and the verdicts' way of writing a ratio."""
    text = f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def dual_qualified_ratio(application: PilotApplication) -> Decimal:
    return ratio(application.dual_qualified_teachers, application.team_size)


def industry_expert_ratio(application: PilotApplication) -> Decimal:
    return ratio(application.industry_experts, application.team_size)


def levels_label(levels: Iterable[str], *, sep: str = "、") -> str:
    labels = dict(Level.choices)
    chosen = set(levels)
    return sep.join(zh(labels[lv]) for lv in LEVEL_ORDER if lv in chosen)


# --- conditions: R26 (national) and R43 (Hubei) ---------------------------------------------

CONDITION_KEYS: tuple[str, ...] = (
    "r26.dual_qualified_ratio_min",
    "r26.industry_expert_ratio_min",
    "r26.consecutive_enrolment_years",
    "r26.facilities_required",
    "r43.min_full_time_teachers",
    "r43.training_rooms_required",
    "r43.internship_sites_required",
)

# The autumn intake is the year's enrolment: before September the current year's intake has not
# happened yet, so "the last N years" end with the previous year (001 二.1 "近 3 年连续招生").
INTAKE_MONTH = 9


def enrolment_years(*, on: dt.date, count: int) -> list[int]:
    last = on.year if on.month >= INTAKE_MONTH else on.year - 1
    return list(range(last - max(count, 1) + 1, last + 1))


@dataclass(frozen=True)
class Verdict:
    """One condition judged against the effective profile, with where the threshold comes from."""

    key: str
    rule: str
    label: str
    actual: str
    required: str
    passed: bool
    applies: bool
    source: str
    field: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "rule": self.rule,
            "label": self.label,
            "actual": self.actual,
            "required": self.required,
            "passed": self.passed,
            "applies": self.applies,
            "source": self.source,
            "field": self.field,
        }


def entry_decimal(entry: ProfileEntry) -> Decimal:
    assert isinstance(entry.value, Decimal)
    return entry.value


def entry_int(entry: ProfileEntry) -> int:
    assert isinstance(entry.value, int)
    return int(entry.value)


def entry_source(entry: ProfileEntry) -> str:
    note = entry.row.note if entry.row is not None and entry.row.note else ""
    return f"{entry.source_label}（{note}）" if note else entry.source_label


def _consecutive_years(enrolments: Mapping[str, Any], years: Sequence[int]) -> int:
    """How many of ``years``, counted back from the last, enrolled students without a gap."""
    run = 0
    for year in reversed(years):
        try:
            students = int(enrolments.get(str(year)) or 0)
        except (TypeError, ValueError):
            students = 0
        if students <= 0:
            break
        run += 1
    return run


def _specialty_key(name: str) -> str:
    # Names are compared as written in the catalogue, ignoring spaces and full-width brackets.
    return "".join(name.split()).replace("（", "(").replace("）", ")")


def related_specialty_verdict(application: PilotApplication) -> Verdict:
    """R26: the applied specialty must be one the certificate names as related (面向专业).

    A certificate that lists no related specialty cannot be matched; the verdict says so and
    does not refuse, so the province judges the pair by reading the application.
    """
    related = application.certificate.specialty_names
    name = application.specialty.name
    listed = bool(related)
    passed = not listed or _specialty_key(name) in {_specialty_key(n) for n in related}
    return Verdict(
        key="r26.related_specialty",
        rule="R26",
        label=_("申报专业与证书面向专业相关"),
        actual=_("%(name)s（%(code)s）") % {"name": name, "code": application.specialty.code},
        required=(
            _("证书面向专业之一：%(names)s") % {"names": "、".join(related)}
            if listed
            else _("证书未列出面向专业，无法比对，由省级教育行政部门审核")
        ),
        passed=passed,
        applies=listed,
        source=_("证书目录"),
        field="specialty",
    )


def evaluate_conditions(
    application: PilotApplication, *, on: dt.date | None = None
) -> list[Verdict]:
    """Every condition of R26 and R43 with the actual value, the required value and its source.

    Thresholds come from the profile in force for the application's province and batch on ``on``
    (default today): the national notice's values unless the province (e.g. Hubei) overrides.
    A requirement switched off in the profile (0 teachers, "no" for rooms) is shown, not judged.
    """
    on = on or timezone.localdate()
    profile = policy_profile(
        province=application.province,
        batch_number=application.certificate.batch.number,
        on=on,
    )
    verdicts: list[Verdict] = []

    dual_min = entry_decimal(profile["r26.dual_qualified_ratio_min"])
    team = application.team_size
    verdicts.append(
        Verdict(
            key="r26.dual_qualified_ratio_min",
            rule="R26",
            label=_("“双师型”教师比例"),
            actual=_("%(ratio)s（%(n)s/%(team)s 人）")
            % {
                "ratio": ratio_text(ratio(application.dual_qualified_teachers, team)),
                "n": application.dual_qualified_teachers,
                "team": team,
            },
            required=_("不低于 %(min)s") % {"min": ratio_text(dual_min)},
            # Compared as fractions, not rounded percentages: 49.996% is below 50%.
            passed=team > 0 and Decimal(application.dual_qualified_teachers) >= dual_min * team,
            applies=True,
            source=entry_source(profile["r26.dual_qualified_ratio_min"]),
            field="dual_qualified_teachers",
        )
    )
    expert_min = entry_decimal(profile["r26.industry_expert_ratio_min"])
    verdicts.append(
        Verdict(
            key="r26.industry_expert_ratio_min",
            rule="R26",
            label=_("行业企业专家比例"),
            actual=_("%(ratio)s（%(n)s/%(team)s 人）")
            % {
                "ratio": ratio_text(ratio(application.industry_experts, team)),
                "n": application.industry_experts,
                "team": team,
            },
            required=_("不低于 %(min)s") % {"min": ratio_text(expert_min)},
            passed=team > 0 and Decimal(application.industry_experts) >= expert_min * team,
            applies=True,
            source=entry_source(profile["r26.industry_expert_ratio_min"]),
            field="industry_experts",
        )
    )
    years_needed = entry_int(profile["r26.consecutive_enrolment_years"])
    years = enrolment_years(on=on, count=years_needed)
    run = _consecutive_years(application.enrolments or {}, years)
    verdicts.append(
        Verdict(
            key="r26.consecutive_enrolment_years",
            rule="R26",
            label=_("相关专业连续招生年数"),
            actual=_("连续 %(n)s 年（%(first)s–%(last)s 年）")
            % {"n": run, "first": years[0], "last": years[-1]},
            required=_("近 %(n)s 年连续招生") % {"n": years_needed},
            passed=years_needed == 0 or run >= years_needed,
            applies=years_needed > 0,
            source=entry_source(profile["r26.consecutive_enrolment_years"]),
            field="enrolments",
        )
    )
    facilities_required = bool(profile["r26.facilities_required"].value)
    has_facilities = bool(application.facility_kind and application.facility_description.strip())
    verdicts.append(
        Verdict(
            key="r26.facilities_required",
            rule="R26",
            label=_("教学和实习实训设施（自有、租用或共用）"),
            actual=(
                str(application.get_facility_kind_display()) if has_facilities else _("未填写")
            ),
            required=_("须具备") if facilities_required else _("不要求"),
            passed=has_facilities or not facilities_required,
            applies=facilities_required,
            source=entry_source(profile["r26.facilities_required"]),
            field="facility_description",
        )
    )
    verdicts.append(related_specialty_verdict(application))
    min_teachers = entry_int(profile["r43.min_full_time_teachers"])
    verdicts.append(
        Verdict(
            key="r43.min_full_time_teachers",
            rule="R43",
            label=_("能独立承担教学任务的专任教师"),
            actual=_("%(n)s 人") % {"n": application.full_time_teachers},
            required=(_("不少于 %(n)s 人") % {"n": min_teachers}) if min_teachers else _("不要求"),
            passed=application.full_time_teachers >= min_teachers,
            applies=min_teachers > 0,
            source=entry_source(profile["r43.min_full_time_teachers"]),
            field="full_time_teachers",
        )
    )
    for key, label, value, field_name in (
        (
            "r43.training_rooms_required",
            _("相关实训室"),
            application.has_training_rooms,
            "has_training_rooms",
        ),
        (
            "r43.internship_sites_required",
            _("相关实习实训场所"),
            application.has_internship_sites,
            "has_internship_sites",
        ),
    ):
        required = bool(profile[key].value)
        verdicts.append(
            Verdict(
                key=key,
                rule="R43",
                label=label,
                actual=_("有") if value else _("无"),
                required=_("须具备") if required else _("不要求"),
                passed=value or not required,
                applies=required,
                source=entry_source(profile[key]),
                field=field_name,
            )
        )
    return verdicts


def require_conditions(application: PilotApplication, *, on: dt.date | None = None) -> None:
    """Refuse with the rule of the first failed condition; the message names every failure."""
    failed = [v for v in evaluate_conditions(application, on=on) if not v.passed]
    if not failed:
        return
    parts = [
        _("%(label)s：实际 %(actual)s，要求 %(required)s〔%(rule)s〕")
        % {"label": v.label, "actual": v.actual, "required": v.required, "rule": v.rule}
        for v in failed
    ]
    raise RuleViolation(
        failed[0].rule,
        _("不符合试点申报条件。") + "；".join(parts) + "。",
        field=failed[0].field,
        details={"failed": [v.as_dict() for v in failed]},
    )
