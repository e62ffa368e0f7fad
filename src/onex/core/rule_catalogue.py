"""The rule catalogue data: rules R01–R47 of the pilot's policy documents, loaded and validated.

The catalogue lives in ``core/data/rules.json`` so that officials' wording, the quoted clauses
and each rule's status are reviewed as data, not code. Per rule it holds the ID, a short title
and a summary (zh-hans and English), the source documents with clause and quoted text, the
parameters (a policy-profile key, whose unit and default come from ``onex.core.policy``, or a
fixed value with its own unit), the dotted paths of the functions that enforce it, and a status:
``enforced``, ``partial`` or ``not_yet``.

The kernel imports no other onex app: enforcing functions are strings, resolved with
``import_string`` only where a page shows them (``onex.core.rules``, and the catalogue tests,
which check every path imports). The data file is loaded and validated once per process, on
first use, and a malformed file fails loudly.

This module imports nothing of onex but the registry: ``onex.core.errors`` reads rule titles
from it, so any module can raise a ``RuleViolation`` without an import cycle. The selectors
that join the catalogue with policy profiles live in ``onex.core.rules``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy

from onex.core import registry
from onex.core.registry import PolicySetting

DATA_PATH = Path(__file__).resolve().parent / "data" / "rules.json"
RULE_IDS: tuple[str, ...] = tuple(f"R{n:02d}" for n in range(1, 48))
_RULE_ID_RE = re.compile(r"^R\d{2}$")
_DOTTED_RE = re.compile(r"^onex(\.[A-Za-z_][A-Za-z0-9_]*)+$")
LANGUAGES = ("zh-hans", "en")


class RuleStatus:
    ENFORCED = "enforced"
    PARTIAL = "partial"
    NOT_YET = "not_yet"


STATUS_LABELS: dict[str, str | Promise] = {
    RuleStatus.ENFORCED: gettext_lazy("已落实"),
    RuleStatus.PARTIAL: gettext_lazy("部分落实"),
    RuleStatus.NOT_YET: gettext_lazy("尚未落实"),
}
# Status tag colours of the UI (onex.css tag--*).
STATUS_TONES = {
    RuleStatus.ENFORCED: "success",
    RuleStatus.PARTIAL: "warning",
    RuleStatus.NOT_YET: "neutral",
}


class CatalogueError(ValueError):
    """The data file does not describe R01–R47 correctly (a deployment error, not user input)."""


@dataclass(frozen=True)
class Text:
    """A text in both languages; ``str()`` gives the active language's (Chinese otherwise)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "").startswith("en") and self.en else self.zh


@dataclass(frozen=True)
class Document:
    code: str  # seed file number, e.g. "001"
    number: str  # official document number (发文字号)
    title: Text


@dataclass(frozen=True)
class Source:
    document: Document
    clause: str
    quote: str


@dataclass(frozen=True)
class Parameter:
    """A rule's parameter: a policy-profile key, or a fixed value the documents set."""

    key: str | None
    name: Text | None = None
    unit: Text | None = None
    default: Any = None

    @property
    def setting(self) -> PolicySetting | None:
        return _policy_setting(self.key) if self.key else None

    @property
    def label(self) -> str:
        item = self.setting
        if item is not None:
            return str(item.label)
        return str(self.name or "")

    @property
    def unit_text(self) -> str:
        item = self.setting
        if item is not None:
            return str(item.unit)
        return str(self.unit or "")

    @property
    def default_value(self) -> Any:
        item = self.setting
        return item.default if item is not None else self.default


@dataclass(frozen=True)
class Rule:
    id: str
    title: Text
    summary: Text
    sources: tuple[Source, ...]
    parameters: tuple[Parameter, ...]
    enforced_by: tuple[str, ...]
    status: str
    note: Text

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def status_tone(self) -> str:
        return STATUS_TONES[self.status]

    @property
    def source_label(self) -> str:
        """Short citation, e.g. "教职成司函〔2019〕89号 二；晋教职成〔2020〕9号 三.1"."""
        return "；".join(f"{s.document.number} {s.clause}" for s in self.sources)

    def matches(self, q: str) -> bool:
        needle = q.strip().casefold()
        if not needle:
            return True
        haystack = " ".join(
            [
                self.id,
                self.title.zh,
                self.title.en,
                self.summary.zh,
                self.summary.en,
                self.source_label,
                *(s.quote for s in self.sources),
                *(p.key or "" for p in self.parameters),
            ]
        )
        return needle in haystack.casefold()


@dataclass(frozen=True)
class Catalogue:
    documents: Mapping[str, Document]
    rules: tuple[Rule, ...]
    by_id: Mapping[str, Rule]

    def get(self, rule_id: str) -> Rule | None:
        return self.by_id.get(rule_id)


# --- loading and validation ----------------------------------------------------------------


def _policy_setting(key: str) -> PolicySetting | None:
    return registry.policy_keys.get(key)


def _text(raw: Any, where: str, *, required: bool = True) -> Text:
    if not isinstance(raw, dict) or set(raw) != set(LANGUAGES):
        raise CatalogueError(f"{where}: needs exactly the languages {LANGUAGES}")
    values = [raw[lang] for lang in LANGUAGES]
    if not all(isinstance(v, str) for v in values):
        raise CatalogueError(f"{where}: texts must be strings")
    if required and not all(v.strip() for v in values):
        raise CatalogueError(f"{where}: both languages must be filled in")
    if bool(values[0].strip()) != bool(values[1].strip()):
        raise CatalogueError(f"{where}: one language is empty and the other is not")
    return Text(zh=raw["zh-hans"], en=raw["en"])


def _str(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise CatalogueError(f"{where}: must be a non-empty string")
    return raw


def _parameter(raw: Any, where: str) -> Parameter:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: must be an object")
    if "key" in raw:
        if set(raw) != {"key"}:
            # Unit and default of a profile key live in onex.core.policy, never twice.
            raise CatalogueError(f"{where}: a profile key takes its unit and default from policy")
        key = _str(raw["key"], f"{where}.key")
        if _policy_setting(key) is None:
            raise CatalogueError(f"{where}: unknown policy key {key!r}")
        return Parameter(key=key)
    if set(raw) != {"name", "unit", "default"}:
        raise CatalogueError(f"{where}: needs either key, or name, unit and default")
    default = raw["default"]
    if not isinstance(default, (int, str)) or isinstance(default, bool):
        raise CatalogueError(f"{where}.default: must be a number or a string")
    return Parameter(
        key=None,
        name=_text(raw["name"], f"{where}.name"),
        unit=_text(raw["unit"], f"{where}.unit", required=False),
        default=default,
    )


def _rule(raw: Any, documents: Mapping[str, Document], where: str) -> Rule:
    fields = {
        "id",
        "title",
        "summary",
        "sources",
        "parameters",
        "enforced_by",
        "status",
        "note",
    }
    if not isinstance(raw, dict) or set(raw) != fields:
        raise CatalogueError(f"{where}: needs exactly the fields {sorted(fields)}")
    rule_id = _str(raw["id"], f"{where}.id")
    where = rule_id
    if not _RULE_ID_RE.match(rule_id):
        raise CatalogueError(f"{where}: IDs look like R01")
    status = raw["status"]
    if status not in STATUS_LABELS:
        raise CatalogueError(f"{where}: status must be one of {sorted(STATUS_LABELS)}")
    sources: list[Source] = []
    if not isinstance(raw["sources"], list) or not raw["sources"]:
        raise CatalogueError(f"{where}: needs at least one source")
    for n, source in enumerate(raw["sources"]):
        if not isinstance(source, dict) or set(source) != {"document", "clause", "quote"}:
            raise CatalogueError(f"{where}.sources[{n}]: needs document, clause and quote")
        document = documents.get(source["document"])
        if document is None:
            raise CatalogueError(f"{where}.sources[{n}]: unknown document {source['document']!r}")
        sources.append(
            Source(
                document=document,
                clause=_str(source["clause"], f"{where}.sources[{n}].clause"),
                quote=_str(source["quote"], f"{where}.sources[{n}].quote"),
            )
        )
    if not isinstance(raw["parameters"], list):
        raise CatalogueError(f"{where}.parameters: must be a list")
    parameters = tuple(
        _parameter(p, f"{where}.parameters[{n}]") for n, p in enumerate(raw["parameters"])
    )
    enforced_by = raw["enforced_by"]
    if not isinstance(enforced_by, list) or not all(
        isinstance(p, str) and _DOTTED_RE.match(p) for p in enforced_by
    ):
        raise CatalogueError(f"{where}.enforced_by: a list of dotted paths under onex")
    if status != RuleStatus.NOT_YET and not enforced_by:
        raise CatalogueError(f"{where}: a rule {status} names the functions that enforce it")
    if status == RuleStatus.NOT_YET and enforced_by:
        raise CatalogueError(f"{where}: a rule not yet enforced names no enforcing function")
    return Rule(
        id=rule_id,
        title=_text(raw["title"], f"{where}.title"),
        summary=_text(raw["summary"], f"{where}.summary"),
        sources=tuple(sources),
        parameters=parameters,
        enforced_by=tuple(enforced_by),
        status=status,
        note=_text(raw["note"], f"{where}.note", required=False),
    )


def load_catalogue(path: Path = DATA_PATH) -> Catalogue:
    """Read and validate the data file; ``CatalogueError`` names the first problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{path}: {exc}") from exc
    if not isinstance(data, dict) or set(data) != {"documents", "rules"}:
        raise CatalogueError(f"{path}: needs exactly 'documents' and 'rules'")
    documents: dict[str, Document] = {}
    for code, raw in data["documents"].items():
        if not isinstance(raw, dict) or set(raw) != {"number", "title"}:
            raise CatalogueError(f"document {code}: needs number and title")
        documents[code] = Document(
            code=code,
            number=_str(raw["number"], f"document {code}.number"),
            title=_text(raw["title"], f"document {code}.title"),
        )
    if not isinstance(data["rules"], list):
        raise CatalogueError("rules: must be a list")
    rules = tuple(_rule(raw, documents, f"rules[{n}]") for n, raw in enumerate(data["rules"]))
    ids = tuple(rule.id for rule in rules)
    if ids != RULE_IDS:
        missing = sorted(set(RULE_IDS) - set(ids))
        extra = sorted(set(ids) - set(RULE_IDS))
        raise CatalogueError(
            f"rules must be exactly R01–R47 in order (missing {missing}, unknown {extra})"
        )
    return Catalogue(documents=documents, rules=rules, by_id={r.id: r for r in rules})


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    return load_catalogue()


def rule_title(rule_id: str | None) -> str | None:
    """The catalogue title of a rule in the active language, or None for an unknown ID."""
    if not rule_id:
        return None
    rule = catalogue().get(rule_id)
    return str(rule.title) if rule is not None else None
