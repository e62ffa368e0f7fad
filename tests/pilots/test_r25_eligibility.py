"""R25 has one deciding function; every path that admits a school type goes through it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from onex.catalog.services.schools import ELIGIBLE_SCHOOL_TYPES, require_eligible_school_type
from onex.core.errors import RuleViolation
from onex.pilots.models import School, SchoolType
from onex.pilots.services import schools as school_services
from tests.personas import Personas

SRC = Path(__file__).resolve().parents[2] / "src" / "onex"


def test_r25_school_update_to_a_technical_school_is_refused(db: None, personas: Personas) -> None:
    school = personas.gd_school_obj
    with pytest.raises(RuleViolation) as info:
        school_services.school_update(
            actor=personas.gd.actor, school=school, school_type=SchoolType.TECHNICAL
        )
    assert info.value.rule == "R25"
    assert info.value.field == "school_type"
    school.refresh_from_db()
    assert school.school_type == SchoolType.HIGHER_VOCATIONAL


def test_r25_school_update_to_another_eligible_type_is_accepted(
    db: None, personas: Personas
) -> None:
    school = personas.gd_school_obj
    assert school_services.school_update(
        actor=personas.gd.actor, school=school, school_type=SchoolType.APPLIED_UNDERGRADUATE
    )
    assert School.objects.get(pk=school.pk).school_type == SchoolType.APPLIED_UNDERGRADUATE


def test_r25_every_school_type_is_classified() -> None:
    # catalog spells pilots' type values (it may not import pilots); a new type must be placed.
    assert set(SchoolType.values) - {SchoolType.TECHNICAL} == ELIGIBLE_SCHOOL_TYPES
    assert school_services.ELIGIBLE_SCHOOL_TYPES == ELIGIBLE_SCHOOL_TYPES
    for school_type in ELIGIBLE_SCHOOL_TYPES:
        require_eligible_school_type(school_type)
    with pytest.raises(RuleViolation) as info:
        require_eligible_school_type(SchoolType.TECHNICAL)
    assert "技工学校" in str(info.value.message)


def test_r25_is_raised_in_one_place_only() -> None:
    places: list[str] = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", "")) == "RuleViolation"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value == "R25"
                ):
                    places.append(f"{path.relative_to(SRC)}:{func.name}")
    assert places == ["catalog/services/schools.py:require_eligible_school_type"]
