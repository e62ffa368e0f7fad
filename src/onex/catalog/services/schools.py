"""Which schools may pilot (R25) and at which levels they train (R34)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from onex.catalog.models import LEVEL_ORDER
from onex.core.errors import InvalidInput, RuleViolation

# School type values of onex.pilots.models.SchoolType, spelled here because catalog sits upstream
# of pilots and imports none of its modules (a pilots test checks every type is classified).
_ANY_LEVEL_TYPES = frozenset({"secondary_vocational", "higher_vocational"})
# 003 三.5: undergraduate pilots choose levels "according to the specialty"; the Open University
# is not named there, so it chooses explicitly too (the stricter reading; a policy question).
_CHOOSE_LEVEL_TYPES = frozenset(
    {"vocational_undergraduate", "applied_undergraduate", "open_university"}
)
# R25 (001 二, 003 三.1, 004 二): higher and secondary vocational schools, vocational
# undergraduate pilots, applied undergraduate universities and the Open University. Technical
# schools (技工学校, "technical") are run under the human-resources ministry and excluded.
ELIGIBLE_SCHOOL_TYPES = _ANY_LEVEL_TYPES | _CHOOSE_LEVEL_TYPES


def school_type_is_eligible(school_type: str) -> bool:
    """R25: whether a school of this type may be a pilot school."""
    return school_type in ELIGIBLE_SCHOOL_TYPES


def require_eligible_school_type(school_type: str, *, field: str = "school_type") -> None:
    """R25, the one place that decides it: registration, correction, bulk import and pilot
    applications all call this, so the rule and its message cannot drift apart."""
    if school_type_is_eligible(school_type):
        return
    if school_type == "technical":
        message = _(
            "技工学校不在试点范围内：试点院校为高等职业学校、中等职业学校（不含技工学校）、"
            "本科层次职业教育试点学校、应用型本科高校及国家开放大学。"
        )
    else:
        message = _("该类型学校不在试点院校范围内。")
    raise RuleViolation("R25", message, field=field)


def levels_allowed_for_school_type(school_type: str) -> tuple[str, ...]:
    """Levels a school of this type may train for (R34); empty for an ineligible type."""
    return LEVEL_ORDER if school_type_is_eligible(school_type) else ()


def levels_must_be_chosen(school_type: str) -> bool:
    """Undergraduate schools must name their levels; vocational schools default to all (R34)."""
    return school_type in _CHOOSE_LEVEL_TYPES


def resolve_training_levels(*, school_type: str, chosen: Sequence[str]) -> list[str]:
    """The levels a pilot application trains for (R34), in 初级→高级 order.

    Vocational schools with no choice train every level; undergraduate schools must choose.
    """
    require_eligible_school_type(school_type)
    allowed = levels_allowed_for_school_type(school_type)
    unknown = [lv for lv in chosen if lv not in allowed]
    if unknown:
        raise InvalidInput(_("未知的等级：%(l)s") % {"l": ", ".join(unknown)}, field="levels")
    if not chosen:
        if levels_must_be_chosen(school_type):
            raise RuleViolation(
                "R34",
                _("本科层次职业教育试点学校和应用型本科高校须根据专业实际选择培训等级。"),
                field="levels",
            )
        return list(allowed)
    return [lv for lv in LEVEL_ORDER if lv in set(chosen)]
