"""R28: a province's confirmed pilots by certificate field, with concentration flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from onex.core.errors import Forbidden
from onex.core.models import PolicyScope
from onex.core.policy import policy_value_set
from onex.pilots.selectors import summary as summary_selectors
from tests.factories_pilots import (
    certificate,
    confirmed,
    draft,
)
from tests.personas import Personas, division

pytestmark = pytest.mark.django_db


def gd_pilots(personas: Personas) -> None:
    """Guangdong: three 财经商贸 pilots, one 装备制造; a draft in 医药卫生 does not count."""
    school, persona = personas.gd_school_obj, personas.gd_school
    for code, name in (
        ("2-01", "电子商务数据分析"),
        ("2-02", "网店运营推广"),
        ("2-06", "智能财税"),
    ):
        confirmed(personas, persona, school, personas.gd, cert=certificate(personas, code, name))
    confirmed(
        personas,
        persona,
        school,
        personas.gd,
        cert=certificate(personas, "2-03", "工业机器人操作与运维", "装备制造"),
    )
    draft(persona, school, personas, cert=certificate(personas, "2-07", "母婴护理", "医药卫生"))


def test_r28_field_above_the_share_is_flagged(personas: Personas) -> None:
    gd_pilots(personas)

    result = summary_selectors.pilot_distribution(actor=personas.gd.actor)

    assert result.total == 4
    assert result.threshold == Decimal("0.30")
    by_field = {row.field: row for row in result.rows}
    assert by_field["财经商贸"].count == 3 and by_field["财经商贸"].share_text == "75%"
    assert by_field["财经商贸"].flagged
    assert not by_field["装备制造"].flagged  # 25% is within 30%
    assert "医药卫生" not in by_field
    assert [r.field for r in result.flagged] == ["财经商贸"]


def test_r28_threshold_comes_from_the_province_profile(personas: Personas) -> None:
    gd_pilots(personas)
    policy_value_set(
        actor=personas.gd.actor,
        key="r28.field_concentration_share_max",
        value="80%",
        scope=PolicyScope.PROVINCE,
        province=division("440000"),
        effective_from=dt.date(2020, 1, 1),
    )

    result = summary_selectors.pilot_distribution(actor=personas.gd.actor)

    assert not result.flagged
    assert result.threshold_source == "省级设置"


def test_r28_share_exactly_at_threshold_is_not_flagged(personas: Personas) -> None:
    gd_pilots(personas)
    policy_value_set(
        actor=personas.gd.actor,
        key="r28.field_concentration_share_max",
        value="75%",
        scope=PolicyScope.PROVINCE,
        province=division("440000"),
        effective_from=dt.date(2020, 1, 1),
    )

    assert not summary_selectors.pilot_distribution(actor=personas.gd.actor).flagged


def test_r28_province_sees_only_its_own_pilots(personas: Personas) -> None:
    gd_pilots(personas)

    assert summary_selectors.pilot_distribution(actor=personas.hb.actor).total == 0
    national = summary_selectors.pilot_distribution(
        actor=personas.ministry.actor, province=division("440000")
    )
    assert national.total == 4


def test_r28_chart_data_matches_table(personas: Personas) -> None:
    gd_pilots(personas)

    chart = summary_selectors.pilot_distribution(actor=personas.gd.actor).chart()

    assert chart["categories"] == ["财经商贸", "装备制造"]
    assert chart["values"] == [3, 1]


def test_r28_school_cannot_see_distribution(personas: Personas) -> None:
    with pytest.raises(Forbidden):
        summary_selectors.pilot_distribution(actor=personas.gd_school.actor)
