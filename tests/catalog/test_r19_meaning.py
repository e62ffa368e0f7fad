"""R19 (issue item 13): the phrase list refuses what the policy means, an endorsement by the
Ministry or a designation of training, not the bare word 指定 in an ordinary notice."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps

from onex.catalog.models import UnauthorizedPhrase
from onex.catalog.services.notices import find_unauthorized_phrases, notice_publish
from onex.catalog.services.phrases import phrase_add
from onex.core.errors import RuleViolation
from tests.personas import Personas

pytestmark = pytest.mark.django_db

patterns_migration: Any = import_module("onex.catalog.migrations.0003_r19_phrase_patterns")


def _publish(personas: Personas, body: str) -> None:
    notice_publish(actor=personas.org.actor, org=personas.org_obj, title="考核通知", body=body)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("本证书已获教育部认可。", "教育部认可"),
        ("经教育部官方授权开展考核。", "教育部官方授权"),
        ("教育部重点推荐的职业技能等级证书。", "教育部重点推荐"),
        ("本机构是唯一指定培训机构。", "指定培训"),
        ("请购买指定的培训教材。", "指定的培训"),
        ("本书为 1+X 指定教材。", "指定教材"),
        ("本项目由教育部指导。", "教育部指导"),
    ],
)
def test_r19_endorsements_and_designations_of_training_are_refused(
    personas: Personas, body: str, named: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        _publish(personas, body)

    assert refused.value.rule_id == "R19"
    assert named in str(refused.value.message)
    assert not personas.org_obj.notices.exists()


@pytest.mark.parametrize(
    "body",
    [
        "请考生在指定时间到达考场。",
        "请于指定时间参加师资培训，逾期不候。",
        "考试在指定考点进行，请携带身份证件。",
        "考核费用请汇入指定账户。",
        "教育部等四部门印发的方案；本次培训面向试点院校。",
    ],
)
def test_r19_ordinary_notices_with_the_bare_word_pass(personas: Personas, body: str) -> None:
    _publish(personas, body)

    assert personas.org_obj.notices.count() == 1


def test_r19_a_pattern_does_not_reach_across_a_sentence(personas: Personas) -> None:
    assert find_unauthorized_phrases("欢迎参加教育部组织的会议。本次推荐三名教师。") == []


def test_r19_a_title_ending_does_not_join_the_body(personas: Personas) -> None:
    notice_publish(
        actor=personas.org.actor, org=personas.org_obj, title="考点已指定", body="培训安排见附件"
    )

    assert personas.org_obj.notices.count() == 1


def test_r19_an_admin_adds_a_pattern_with_a_gap(personas: Personas) -> None:
    phrase_add(actor=personas.ministry.actor, phrase="部委…推荐")

    with pytest.raises(RuleViolation) as refused:
        _publish(personas, "本证书为部委联合推荐。")

    assert "部委联合推荐" in str(refused.value.message)
    assert UnauthorizedPhrase.objects.filter(phrase="部委…推荐", is_active=True).exists()


def test_r19_a_written_list_loses_the_bare_word_on_migrating(personas: Personas) -> None:
    # An install whose admins already edited the list holds the old defaults, 指定 among them.
    for phrase in ("教育部指导", "指定", "教育部授权"):
        UnauthorizedPhrase.objects.create(phrase=phrase)

    patterns_migration.forwards(django_apps, None)

    assert not UnauthorizedPhrase.objects.get(phrase="指定").is_active
    _publish(personas, "请考生在指定时间到达考场。")
    with pytest.raises(RuleViolation):
        _publish(personas, "本书为指定教材。")


def test_r19_an_unwritten_list_stays_on_the_shipped_defaults() -> None:
    patterns_migration.forwards(django_apps, None)

    assert not UnauthorizedPhrase.objects.exists()
