"""Figures the policy documents do not give are marked as platform defaults wherever shown."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from onex.core.policy import REGISTRY, PolicySource, policy_entry, policy_value_set
from tests.personas import Personas

PLATFORM = {
    "r02.org_filing_lead_working_days",
    "r28.field_concentration_share_max",
    "r36.score_publicity_days",
    "r27.summary_table_deadline",
}


def test_every_key_declares_its_source() -> None:
    for key in PLATFORM:
        assert REGISTRY[key].source == PolicySource.PLATFORM, key
    # Figures the documents state stay policy (R26's 50%, R15's 7 working days).
    assert REGISTRY["r26.dual_qualified_ratio_min"].source == PolicySource.POLICY
    assert REGISTRY["r15.certificate_entry_working_days"].source == PolicySource.POLICY
    assert {s.source for s in REGISTRY.values()} <= {PolicySource.POLICY, PolicySource.PLATFORM}


def test_r27_has_a_year_end_deadline_by_default(db: None) -> None:
    entry = policy_entry("r27.summary_table_deadline", on=dt.date(2026, 3, 1))
    assert entry.value == dt.date(2026, 12, 31)
    assert entry.is_platform_default and entry.source_label == "平台默认值"


def test_a_set_value_is_no_longer_a_platform_default(personas: Personas) -> None:
    policy_value_set(
        actor=personas.ministry.actor,
        key="r36.score_publicity_days",
        value=7,
        scope="national",
        effective_from=dt.date(2020, 1, 1),
    )
    entry = policy_entry("r36.score_publicity_days")
    assert entry.value == 7 and not entry.is_platform_default


def test_policy_pages_mark_platform_defaults(client: Client, personas: Personas) -> None:
    client.force_login(personas.ministry.user)
    html = client.get(reverse("policy")).content.decode()
    r28_row = html[html.index("单一领域试点占比提示阈值") :].split("</tr>")[0]
    assert "平台默认值" in r28_row
    r26_row = html[html.index("双师型教师比例下限") :].split("</tr>")[0]
    assert "平台默认值" not in r26_row
    edit = client.get(reverse("policy_edit", args=["r02.org_filing_lead_working_days"]))
    assert "平台默认值" in edit.content.decode()
    edit = client.get(reverse("policy_edit", args=["r26.dual_qualified_ratio_min"]))
    assert "平台默认值" not in edit.content.decode()


def test_policy_api_reports_the_default_source(client: Client, personas: Personas) -> None:
    client.force_login(personas.ministry.user)
    body = client.get("/api/v1/reference/policy").json()
    by_key = {e["key"]: e for e in body["entries"]}
    assert by_key["r28.field_concentration_share_max"]["default_source"] == "platform"
    assert by_key["r26.dual_qualified_ratio_min"]["default_source"] == "policy"
    assert by_key["r27.summary_table_deadline"]["default"]


def test_r28_distribution_page_names_the_platform_default(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.gd.user)
    html = client.get(reverse("pilots:distribution")).content.decode()
    assert "依据：平台默认值" in html
