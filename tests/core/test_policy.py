"""Policy profiles: national defaults, batch and province overrides, effective dating, access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from onex.catalog.models import Batch
from onex.core.actors import Actor
from onex.core.errors import Forbidden, InvalidInput
from onex.core.models import PolicyScope, PolicyValue
from onex.core.policy import (
    REGISTRY,
    policy_history,
    policy_profile,
    policy_value,
    policy_value_set,
)
from onex.geo.loader import ensure_divisions
from tests.personas import Personas, division

D = dt.date
HUBEI, GUANGDONG, SHANXI = "420000", "440000", "140000"


@pytest.fixture
def provinces(db: None) -> None:
    ensure_divisions()


def test_r26_national_defaults_come_from_policy_rules(db: None) -> None:
    assert policy_value("r26.dual_qualified_ratio_min") == Decimal("0.50")
    assert policy_value("r26.industry_expert_ratio_min") == Decimal("0.20")
    assert policy_value("r26.consecutive_enrolment_years") == 3
    assert policy_value("r26.facilities_required") is True
    assert policy_value("r43.min_full_time_teachers") == 0
    assert policy_value("r15.certificate_entry_working_days") == 7
    assert policy_value("r23.missed_weekly_reports_weeks") == 3
    # R27: the documents set no date; a platform default (the year end) applies until set.
    assert policy_value("r27.summary_table_deadline") == dt.date(timezone.localdate().year, 12, 31)
    profile = policy_profile()
    assert set(profile) == set(REGISTRY)
    assert all(entry.source == "default" for entry in profile.values())


def test_every_setting_has_a_rule_id_label_and_valid_default() -> None:
    for key, item in REGISTRY.items():
        if item.rule:
            assert item.rule.startswith("R") and key.startswith(item.rule.lower() + ".")
        else:  # the platform's own settings (e.g. file retention) name no policy rule
            assert not key.startswith("r") and key.split(".")[0].isalpha()
        assert str(item.label)
        assert item.default is not None or item.optional or item.default_on is not None


def test_r43_hubei_override_wins_for_hubei_and_not_for_guangdong(provinces: None) -> None:
    call_command("seed_policy_profiles")
    call_command("seed_policy_profiles")  # idempotent
    assert PolicyValue.objects.filter(province__code=HUBEI).count() == 4
    hubei, guangdong = division(HUBEI), division(GUANGDONG)
    assert policy_value("r26.dual_qualified_ratio_min", province=hubei) == Decimal("0.30")
    assert policy_value("r43.min_full_time_teachers", province=hubei) == 10
    assert policy_value("r43.training_rooms_required", province=hubei) is True
    assert policy_value("r43.internship_sites_required", province=hubei) is True
    assert policy_value("r26.dual_qualified_ratio_min", province=guangdong) == Decimal("0.50")
    assert policy_value("r43.min_full_time_teachers", province=guangdong) == 0
    profile = policy_profile(province=hubei)
    assert profile["r26.dual_qualified_ratio_min"].source == "province"
    assert profile["r26.industry_expert_ratio_min"].source == "default"
    # A Wuhan school's city division resolves to Hubei.
    assert policy_value("r43.min_full_time_teachers", province=division("420100")) == 10


def test_r32_shanxi_requires_city_first_review(provinces: None) -> None:
    call_command("seed_policy_profiles")
    assert policy_value("r32.city_first_review_required", province=division(SHANXI)) is True
    assert policy_value("r32.city_first_review_required", province=division(HUBEI)) is False


def test_batch_override_applies_to_its_batch_and_yields_to_a_province(provinces: None) -> None:
    system = Actor.system()
    Batch.objects.create(number=2, published_on=D(2019, 6, 4))
    Batch.objects.create(number=3, published_on=D(2020, 1, 6))
    policy_value_set(
        actor=system,
        key="r26.industry_expert_ratio_min",
        value="0.25",
        scope=PolicyScope.BATCH,
        batch_number=2,
        effective_from=D(2019, 1, 1),
        note="",
    )
    on = D(2021, 1, 1)
    assert policy_value("r26.industry_expert_ratio_min", batch_number=2, on=on) == Decimal("0.25")
    assert policy_value("r26.industry_expert_ratio_min", batch_number=3, on=on) == Decimal("0.20")
    policy_value_set(
        actor=system,
        key="r26.industry_expert_ratio_min",
        value="15%",
        scope=PolicyScope.PROVINCE,
        province=division(HUBEI),
        effective_from=D(2020, 1, 1),
        note="",
    )
    hubei = division(HUBEI)
    assert policy_value(
        "r26.industry_expert_ratio_min", batch_number=2, province=hubei, on=on
    ) == Decimal("0.15")
    profile = policy_profile(batch_number=2, province=division(GUANGDONG), on=on)
    assert profile["r26.industry_expert_ratio_min"].source == "batch"


def test_effective_dating_closes_the_previous_row_and_answers_by_date(provinces: None) -> None:
    system = Actor.system()
    key = "r15.certificate_entry_working_days"
    first = policy_value_set(
        actor=system, key=key, value=7, scope="national", effective_from=D(2020, 1, 1), note=""
    )
    second = policy_value_set(
        actor=system, key=key, value="10", scope="national", effective_from=D(2022, 3, 1), note=""
    )
    first.refresh_from_db()
    assert first.effective_to == D(2022, 2, 28)
    assert second.effective_to is None
    assert policy_value(key, on=D(2019, 12, 31)) == 7  # code default before any row
    assert policy_value(key, on=D(2022, 2, 28)) == 7
    assert policy_value(key, on=D(2022, 3, 1)) == 10
    # Inserting between two rows is bounded by the later one.
    middle = policy_value_set(
        actor=system, key=key, value=8, scope="national", effective_from=D(2021, 1, 1), note=""
    )
    first.refresh_from_db()
    assert first.effective_to == D(2020, 12, 31)
    assert middle.effective_to == D(2022, 2, 28)
    assert policy_value(key, on=D(2021, 6, 1)) == 8
    # Same start again corrects the row instead of adding one.
    policy_value_set(
        actor=system, key=key, value=9, scope="national", effective_from=D(2021, 1, 1), note=""
    )
    assert policy_value(key, on=D(2021, 6, 1)) == 9
    assert [r.effective_from for r in policy_history(key=key)] == [
        D(2022, 3, 1),
        D(2021, 1, 1),
        D(2020, 1, 1),
    ]


def test_province_admin_sets_own_province_override(personas: Personas) -> None:
    policy_value_set(
        actor=personas.gd.actor,
        key="r33.contact_filing_months",
        value=2,
        scope="province",
        province=division(GUANGDONG),
        effective_from=D(2020, 1, 1),
        note="粤教职函",
    )
    assert policy_value("r33.contact_filing_months", province=division(GUANGDONG)) == 2


def test_province_admin_cannot_change_another_province(personas: Personas) -> None:
    with pytest.raises(Forbidden) as excinfo:
        policy_value_set(
            actor=personas.gd.actor,
            key="r26.dual_qualified_ratio_min",
            value="0.1",
            scope="province",
            province=division(HUBEI),
            effective_from=D(2020, 1, 1),
            note="",
        )
    assert excinfo.value.status == 403


def test_province_admin_cannot_change_national_values(personas: Personas) -> None:
    with pytest.raises(Forbidden):
        policy_value_set(
            actor=personas.gd.actor,
            key="r26.dual_qualified_ratio_min",
            value="0.1",
            scope="national",
            effective_from=D(2020, 1, 1),
            note="",
        )


@pytest.mark.parametrize("who", ["gd_school", "hb", "gd_viewer", "org", "gz_city"])
def test_school_staff_viewer_org_and_city_cannot_set_policy(personas: Personas, who: str) -> None:
    persona = getattr(personas, who)
    with pytest.raises(Forbidden):
        policy_value_set(
            actor=persona.actor,
            key="r26.dual_qualified_ratio_min",
            value="0.1",
            scope="province",
            province=persona.unit.province or division(GUANGDONG),
            effective_from=D(2020, 1, 1),
            note="",
        )


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("r26.dual_qualified_ratio_min", "abc", "0 到 1"),
        ("r26.dual_qualified_ratio_min", "1.5", "0 到 1"),
        ("r26.dual_qualified_ratio_min", True, "0 到 1"),
        ("r43.min_full_time_teachers", "ten", "整数"),
        ("r43.min_full_time_teachers", -1, "整数"),
        ("r43.min_full_time_teachers", 2.5, "整数"),
        ("r43.training_rooms_required", "maybe", "是"),
        ("r27.summary_table_deadline", "2020/05/01", "YYYY-MM-DD"),
        ("r15.certificate_entry_working_days", 100000, "不能超过"),
        ("r15.certificate_entry_working_days", "", "请填写"),
    ],
)
def test_bad_value_type_gives_a_clear_chinese_error_at_the_value_field(
    personas: Personas, key: str, value: object, fragment: str
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        policy_value_set(
            actor=personas.ministry.actor,
            key=key,
            value=value,
            scope="national",
            effective_from=D(2020, 1, 1),
            note="",
        )
    assert excinfo.value.field == "value"
    assert fragment in str(excinfo.value)
    assert str(REGISTRY[key].label) in str(excinfo.value) or fragment == "请填写"


def test_unknown_key_and_mismatched_scope_are_refused(personas: Personas) -> None:
    actor = personas.ministry.actor
    with pytest.raises(InvalidInput) as excinfo:
        policy_value_set(
            actor=actor, key="r99.x", value=1, scope="national", effective_from=D(2020, 1, 1)
        )
    assert excinfo.value.field == "key"
    with pytest.raises(InvalidInput):
        policy_value_set(
            actor=actor,
            key="r43.min_full_time_teachers",
            value=1,
            scope="province",
            effective_from=D(2020, 1, 1),
        )


def test_database_refuses_a_row_whose_scope_does_not_match_its_target(provinces: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyValue.objects.create(
            key="r43.min_full_time_teachers",
            scope=PolicyScope.NATIONAL,
            province=division(HUBEI),
            value=1,
            effective_from=D(2020, 1, 1),
        )


# --- Pages and API -------------------------------------------------------------------------


def test_policy_page_shows_hubei_override_with_its_source(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_policy_profiles")
    client.force_login(personas.ministry.user)
    body = client.get("/policy/", {"province": HUBEI}).content.decode()
    assert "30%" in body and "省级设置" in body and "R43" in body
    body = client.get("/policy/").content.decode()
    assert "50%" in body and "系统默认" in body


def test_province_user_sees_own_profile_whatever_the_query(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_policy_profiles")
    client.force_login(personas.hb_school.user)
    body = client.get("/policy/", {"province": GUANGDONG}).content.decode()
    assert "湖北" in body and "30%" in body


def test_province_admin_edits_own_province_through_the_page(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.gd.user)
    url = "/policy/r43.min_full_time_teachers/"
    assert "R43" in client.get(url).content.decode()
    response = client.post(url, {"value": "abc", "effective_from": "2020-01-01", "note": ""})
    assert response.status_code == 422 and "整数" in response.content.decode()
    response = client.post(url, {"value": "12", "effective_from": "2020-01-01", "note": "x"})
    assert response.status_code == 302
    assert policy_value("r43.min_full_time_teachers", province=division(GUANGDONG)) == 12
    assert "12 人" in client.get(url).content.decode()  # history


def test_school_cannot_post_the_policy_edit_page(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.gd_school.user)
    response = client.post(
        "/policy/r43.min_full_time_teachers/", {"value": "1", "effective_from": "2020-01-01"}
    )
    assert response.status_code == 403


def test_api_profile_and_set(personas: Personas, client) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_policy_profiles")
    client.force_login(personas.gd.user)
    response = client.get("/api/v1/reference/policy", {"province": HUBEI})
    assert response.status_code == 200
    entries = {e["key"]: e for e in response.json()["entries"]}
    assert entries["r26.dual_qualified_ratio_min"]["value"] == "0.30"
    assert entries["r26.dual_qualified_ratio_min"]["source"] == "province"
    url = "/api/v1/reference/policy"
    payload = {
        "key": "r26.dual_qualified_ratio_min",
        "value": "0.4",
        "scope": "province",
        "province": HUBEI,
        "effective_from": "2021-01-01",
    }
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    payload["province"] = GUANGDONG
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["value"] == "0.40"
    payload["value"] = "lots"
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "value"
    client.force_login(personas.gd_school.user)
    payload["value"] = "0.4"
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 403


def test_batch_value_names_a_batch_the_catalogue_has(provinces: None) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        policy_value_set(
            actor=Actor.system(),
            key="r26.industry_expert_ratio_min",
            value="0.25",
            scope=PolicyScope.BATCH,
            batch_number=7,
            effective_from=D(2019, 1, 1),
        )
    assert excinfo.value.field == "batch"
    Batch.objects.create(number=7, published_on=D(2021, 1, 6))
    row = policy_value_set(
        actor=Actor.system(),
        key="r26.industry_expert_ratio_min",
        value="0.25",
        scope=PolicyScope.BATCH,
        batch_number=7,
        effective_from=D(2019, 1, 1),
    )
    assert (row.batch_number, row.batch_label) == (7, "第7批")
