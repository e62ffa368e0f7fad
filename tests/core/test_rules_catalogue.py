"""The rule catalogue: the data file against the code and the tests, its page and its API."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from openpyxl import load_workbook

from onex.core.actors import Actor
from onex.core.errors import RuleViolation
from onex.core.models import PolicyScope
from onex.core.navigation import menu_for
from onex.core.policy import REGISTRY, policy_value_set
from onex.core.rules import (
    DATA_PATH,
    RULE_IDS,
    CatalogueError,
    RuleStatus,
    catalogue,
    load_catalogue,
    rule_title,
)
from tests.personas import Persona, Personas, division

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "onex"
TESTS = ROOT / "tests"
API = "/api/v1/rules"
RULE_ID = re.compile(r"^R\d{2}$")


# --- the data against the code and the tests -----------------------------------------------


def _constant(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def rule_ids_raised_in_src() -> dict[str, set[str]]:
    """Rule ID → files that raise it: ``RuleViolation("Rnn", …)`` (over any number of lines)
    and any call's ``rule="Rnn"`` keyword."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            ids = [_constant(kw.value) for kw in node.keywords if kw.arg in ("rule", "rule_id")]
            if _callee(node) == "RuleViolation" and node.args:
                ids.append(_constant(node.args[0]))
            for rule_id in ids:
                if rule_id and RULE_ID.match(rule_id):
                    found.setdefault(rule_id, set()).add(str(path.relative_to(ROOT)))
    return found


def rule_ids_with_tests() -> set[str]:
    pattern = re.compile(r"^\s*def (test_r(\d{2})_\w+)", re.MULTILINE)
    found: set[str] = set()
    for path in TESTS.rglob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            found.add(f"R{match.group(2)}")
    return found


def test_catalogue_is_exactly_r01_to_r47() -> None:
    ids = [rule.id for rule in catalogue().rules]
    assert ids == [f"R{n:02d}" for n in range(1, 48)]
    assert tuple(ids) == RULE_IDS


def test_the_scan_sees_multi_line_calls_and_rule_keywords() -> None:
    # Guards the guard: R10 is raised over several lines, R40 only as FeeDue(rule="R40").
    raised = rule_ids_raised_in_src()
    assert "R10" in raised
    assert "R40" in raised
    assert "R26" in raised  # only as rule="R26" in the condition checks


def test_every_rule_raised_in_src_is_in_the_catalogue_and_not_marked_not_yet() -> None:
    raised = rule_ids_raised_in_src()
    missing = {rid: files for rid, files in raised.items() if catalogue().get(rid) is None}
    assert not missing, f"raised in src but not in the catalogue: {missing}"
    understated = {
        rid: files
        for rid, files in raised.items()
        if catalogue().get(rid) is not None and catalogue().by_id[rid].status == RuleStatus.NOT_YET
    }
    assert not understated, f"raised in src but marked not_yet in the catalogue: {understated}"


def test_every_enforced_or_partial_rule_has_a_test_named_after_it() -> None:
    tested = rule_ids_with_tests()
    untested = [
        rule.id
        for rule in catalogue().rules
        if rule.status in (RuleStatus.ENFORCED, RuleStatus.PARTIAL) and rule.id not in tested
    ]
    assert not untested, f"no test_rNN_… test under tests/ for {untested}"


def test_every_enforcing_function_imports() -> None:
    broken: list[str] = []
    for rule in catalogue().rules:
        if rule.status == RuleStatus.ENFORCED:
            assert rule.enforced_by, f"{rule.id} is enforced but names no function"
        for path in rule.enforced_by:
            try:
                target = import_string(path)
            except ImportError:
                broken.append(f"{rule.id}: {path}")
                continue
            assert callable(target), f"{rule.id}: {path} is not a function"
    assert not broken, f"enforcing functions that do not import: {broken}"


def test_every_policy_key_is_a_parameter_of_its_rule() -> None:
    for key, item in REGISTRY.items():
        if not item.rule:  # platform settings outside the policy (e.g. import file retention)
            continue
        rule = catalogue().by_id[item.rule]
        assert key in {p.key for p in rule.parameters}, f"{key} missing from {item.rule}"


def test_every_rule_quotes_its_source_documents() -> None:
    for rule in catalogue().rules:
        assert rule.sources, rule.id
        for source in rule.sources:
            assert source.document.code in {"000", "001", "002", "003", "004"}
            assert source.clause and source.quote
        assert rule.title.zh and rule.title.en, rule.id


def _write(tmp_path: Path, change: Any) -> Path:
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_missing_rule_fails_loading(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["rules"].pop(24))
    with pytest.raises(CatalogueError, match="R25"):
        load_catalogue(path)


def test_an_extra_rule_fails_loading(tmp_path: Path) -> None:
    def add(d: dict[str, Any]) -> None:
        d["rules"].append({**d["rules"][0], "id": "R48"})

    with pytest.raises(CatalogueError, match="R48"):
        load_catalogue(_write(tmp_path, add))


def test_an_enforced_rule_without_function_fails_loading(tmp_path: Path) -> None:
    def strip(d: dict[str, Any]) -> None:
        d["rules"][24]["enforced_by"] = []

    with pytest.raises(CatalogueError, match="R25"):
        load_catalogue(_write(tmp_path, strip))


def test_an_unknown_policy_key_fails_loading(tmp_path: Path) -> None:
    def typo(d: dict[str, Any]) -> None:
        d["rules"][25]["parameters"] = [{"key": "r26.dual_ratio"}]

    with pytest.raises(CatalogueError, match=r"r26\.dual_ratio"):
        load_catalogue(_write(tmp_path, typo))


def test_an_unknown_status_fails_loading(tmp_path: Path) -> None:
    def status(d: dict[str, Any]) -> None:
        d["rules"][0]["status"] = "done"

    with pytest.raises(CatalogueError, match="status"):
        load_catalogue(_write(tmp_path, status))


# --- messages --------------------------------------------------------------------------------


def test_rule_violation_carries_the_catalogue_title() -> None:
    exc = RuleViolation("R25", "x", details={"school": 1})
    assert exc.details == {"school": 1, "rule_title": "试点院校类型范围"}
    assert exc.rule_title == "试点院校类型范围"
    assert exc.as_dict()["details"]["rule_title"] == "试点院校类型范围"
    assert "rule_title" not in RuleViolation("R99", "x").details


def test_rule_title_in_english() -> None:
    with translation.override("en"):
        assert rule_title("R25") == "Eligible school types"
        assert RuleViolation("R26", "x").details["rule_title"] == (
            "National conditions for a school and certificate"
        )


@pytest.mark.django_db
def test_api_refusal_shows_the_rule_title(client: Client, personas: Personas) -> None:
    client.force_login(personas.gd.user)
    response = client.post(
        "/api/v1/pilots/schools",
        {"name": "某技工学校", "code": "3144012349", "school_type": "technical", "city": "440100"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["rule"] == "R25"
    assert body["details"]["rule_title"] == "试点院校类型范围"


# --- page ------------------------------------------------------------------------------------


def hubei_override(key: str, value: object) -> None:
    policy_value_set(
        actor=Actor.system(),
        key=key,
        value=value,
        scope=PolicyScope.PROVINCE,
        province=division("420000"),
        effective_from=dt.date(2020, 1, 1),
    )


def everyone(p: Personas) -> list[Persona]:
    return [
        p.ministry,
        p.aggregator,
        p.gd,
        p.gd_viewer,
        p.hb,
        p.gz_city,
        p.gd_school,
        p.hb_school,
        p.org,
        p.learner,
    ]


def test_anonymous_is_sent_to_login(client: Client, db: None) -> None:
    for url in (reverse("rules"), reverse("rule_detail", args=["R25"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_every_persona_reads_the_list_and_a_rule(client: Client, personas: Personas) -> None:
    for persona in everyone(personas):
        client.force_login(persona.user)
        page = client.get(reverse("rules"))
        assert page.status_code == 200, persona.user.username
        text = page.content.decode()
        assert "R01" in text and "R47" in text and "试点院校类型范围" in text
        detail = client.get(reverse("rule_detail", args=["R25"]))
        assert detail.status_code == 200
        assert "不含技工学校" in detail.content.decode()
        assert "rules" in {item.url_name for item in menu_for(persona.actor)}


@pytest.mark.django_db
def test_unknown_rule_page_is_404(client: Client, personas: Personas) -> None:
    client.force_login(personas.gd.user)
    assert client.get(reverse("rule_detail", args=["R48"])).status_code == 404


@pytest.mark.django_db
def test_only_national_admins_get_the_edit_link(client: Client, personas: Personas) -> None:
    edit = reverse("policy_edit", args=["r26.dual_qualified_ratio_min"])
    client.force_login(personas.ministry.user)
    assert edit in client.get(reverse("rule_detail", args=["R26"])).content.decode()
    assert reverse("policy") in client.get(reverse("rules")).content.decode()
    for persona in (personas.aggregator, personas.gd, personas.gd_school, personas.org):
        client.force_login(persona.user)
        assert edit not in client.get(reverse("rule_detail", args=["R26"])).content.decode()


@pytest.mark.django_db
def test_page_shows_the_province_values_of_the_actor(client: Client, personas: Personas) -> None:
    hubei_override("r43.min_full_time_teachers", 10)
    client.force_login(personas.hb.user)
    hubei = client.get(reverse("rule_detail", args=["R43"])).content.decode()
    assert "10 人" in hubei and "省级设置" in hubei
    client.force_login(personas.gd.user)
    guangdong = client.get(reverse("rule_detail", args=["R43"])).content.decode()
    assert "10 人" not in guangdong
    # National actors pick a province.
    client.force_login(personas.ministry.user)
    picked = client.get(reverse("rule_detail", args=["R43"]), {"province": "420000"})
    assert "10 人" in picked.content.decode()


@pytest.mark.django_db
def test_search_and_status_filter(client: Client, personas: Personas) -> None:
    client.force_login(personas.gd.user)
    text = client.get(reverse("rules"), {"q": "技工学校"}).content.decode()
    assert "R25" in text and "R19" not in text
    text = client.get(reverse("rules"), {"status": "not_yet"}).content.decode()
    not_yet = [r.id for r in catalogue().rules if r.status == RuleStatus.NOT_YET]
    assert (not not_yet or not_yet[0] in text) and ">R25<" not in text
    fragment = client.get(reverse("rules"), {"q": "R33"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "R33" in fragment.content.decode()


@pytest.mark.django_db
def test_xlsx_export_lists_the_filtered_rules(client: Client, personas: Personas) -> None:
    client.force_login(personas.hb_school.user)
    response = client.get(reverse("rules"), {"format": "xlsx", "status": "partial"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    partial = [r.id for r in catalogue().rules if r.status == RuleStatus.PARTIAL]
    assert ids == partial


# --- API -------------------------------------------------------------------------------------


def test_api_anonymous_gets_401(client: Client, db: None) -> None:
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/R25").status_code == 401


@pytest.mark.django_db
def test_api_every_persona_reads_the_catalogue(client: Client, personas: Personas) -> None:
    for persona in everyone(personas):
        client.force_login(persona.user)
        body = client.get(API).json()
        assert body["count"] == 47
        assert [r["id"] for r in body["rules"]] == list(RULE_IDS)
        one = client.get(f"{API}/R25").json()
        assert one["title"] == "试点院校类型范围"
        assert one["status"] == "enforced"
        assert one["enforced_by"] == ["onex.catalog.services.schools.require_eligible_school_type"]
        assert {s["document"] for s in one["source_documents"]} == {"001", "003", "004"}


@pytest.mark.django_db
def test_api_values_follow_the_province(client: Client, personas: Personas) -> None:
    hubei_override("r26.dual_qualified_ratio_min", "0.30")
    client.force_login(personas.hb.user)
    params = {p["key"]: p for p in client.get(f"{API}/R26").json()["parameters"]}
    assert params["r26.dual_qualified_ratio_min"]["value"] == "0.30"
    assert params["r26.dual_qualified_ratio_min"]["source"] == "province"
    assert params["r26.dual_qualified_ratio_min"]["default"] == "0.50"
    client.force_login(personas.ministry.user)
    national = client.get(f"{API}/R26").json()
    assert national["province"] is None
    assert national["parameters"][0]["value"] == "0.50"
    hubei = client.get(f"{API}/R26", {"province": "420000"}).json()
    assert hubei["province"] == "420000"
    assert hubei["parameters"][0]["value"] == "0.30"


@pytest.mark.django_db
def test_api_filters_and_unknown_rule(client: Client, personas: Personas) -> None:
    client.force_login(personas.org.user)
    body = client.get(API, {"status": "partial"}).json()
    assert {r["status"] for r in body["rules"]} == {"partial"}
    assert client.get(API, {"q": "建档立卡"}).json()["rules"][0]["id"] == "R40"
    missing = client.get(f"{API}/R99")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert client.get(API, {"status": "done"}).status_code == 422
    with translation.override("en"):
        english = client.get(f"{API}/R25", headers={"Accept-Language": "en"}).json()
    assert english["title_en"] == "Eligible school types"
