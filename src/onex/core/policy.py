"""Policy profiles: the thresholds and deadlines of POLICY-RULES.md, effective-dated.

Every setting is declared once, by the app whose rule it serves, in the ``policy_keys`` registry
(key, type, shipped default, rule ID, Chinese label and unit; see each app's ``shell.py``).
Administrators record values per scope in ``PolicyValue`` rows; a reader asks
``policy_value(key, province=..., batch_number=..., on=...)`` and gets, in this order of
precedence, the province override, the batch override, the national row, or the code default —
each only when in force on the date asked. A batch-scoped value names its batch by number, so
core needs no catalogue model.

Rule checks elsewhere read thresholds through here, never hard-code them, so that a province
(e.g. Hubei's R43 conditions) can differ from the national notice without a code change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core import registry
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Forbidden, InvalidInput
from onex.core.models import PolicyScope, PolicyValue, UnitKind
from onex.core.registry import PolicyPython as PolicyPython  # re-exported for callers
from onex.core.registry import PolicySetting as PolicySetting
from onex.core.registry import PolicySource as PolicySource
from onex.core.registry import PolicyType as PolicyType
from onex.geo.loader import ensure_divisions
from onex.geo.models import Division, DivisionLevel

COUNT_TYPES = frozenset(
    {PolicyType.INT, PolicyType.DAYS, PolicyType.WORKING_DAYS, PolicyType.MONTHS, PolicyType.WEEKS}
)


class _Settings(Mapping[str, PolicySetting]):
    """Every registered policy setting by key, in registry order (a live view: apps register
    their settings in ``shell.py`` when the project starts)."""

    def __getitem__(self, key: str) -> PolicySetting:
        if key not in registry.policy_keys:
            raise KeyError(key)
        return registry.policy_keys[key]

    def __iter__(self) -> Iterator[str]:
        return iter([item.key for item in registry.policy_keys.all()])

    def __len__(self) -> int:
        return len(registry.policy_keys)


REGISTRY: Mapping[str, PolicySetting] = _Settings()

PLATFORM_DEFAULT_LABEL = gettext_lazy("平台默认值")
SOURCE_LABELS: dict[str, str | Promise] = {
    "default": gettext_lazy("系统默认（政策文件）"),
    PolicyScope.NATIONAL: gettext_lazy("全国设置"),
    PolicyScope.BATCH: gettext_lazy("批次设置"),
    PolicyScope.PROVINCE: gettext_lazy("省级设置"),
}


def setting(key: str) -> PolicySetting:
    try:
        return REGISTRY[key]
    except KeyError:
        raise InvalidInput(_("未知的政策参数：%(key)s") % {"key": key}, field="key") from None


# --- Types: parse user input, store as JSON, read back -------------------------------------


def parse_value(item: PolicySetting, raw: Any) -> PolicyPython:
    """Turn form/API input into the setting's Python type, or raise a clear InvalidInput."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if item.optional:
            return None
        raise InvalidInput(_("请填写%(label)s。") % {"label": item.label}, field="value")
    if item.type == PolicyType.RATIO:
        return _parse_ratio(item, raw)
    if item.type == PolicyType.BOOL:
        return _parse_bool(item, raw)
    if item.type == PolicyType.DATE:
        return _parse_date(item, raw)
    return _parse_count(item, raw)


def _parse_ratio(item: PolicySetting, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise _ratio_error(item)
    text = str(raw).strip()
    percent = text.endswith("%")
    try:
        number = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        raise _ratio_error(item) from None
    if not number.is_finite():
        raise _ratio_error(item)
    if percent:
        number = number / 100
    if not Decimal(0) <= number <= Decimal(1):
        raise _ratio_error(item)
    exact = number.quantize(Decimal("0.0001"))
    if exact != number:
        raise _ratio_error(item)
    two_places = exact.quantize(Decimal("0.01"))
    return two_places if two_places == exact else exact


def _ratio_error(item: PolicySetting) -> InvalidInput:
    return InvalidInput(
        _("%(label)s必须是 0 到 1 之间的小数（如 0.5）或百分比（如 50%%）。")
        % {"label": item.label},
        field="value",
    )


_TRUE = {"true", "1", "yes", "on", "是", "需要", "要求"}
_FALSE = {"false", "0", "no", "off", "否", "不需要", "不要求"}


def _parse_bool(item: PolicySetting, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(_("%(label)s必须是“是”或“否”。") % {"label": item.label}, field="value")


def _parse_date(item: PolicySetting, raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        raise _date_error(item)
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise _date_error(item) from None


def _date_error(item: PolicySetting) -> InvalidInput:
    return InvalidInput(
        _("%(label)s必须是日期，格式为 YYYY-MM-DD。") % {"label": item.label}, field="value"
    )


def _parse_count(item: PolicySetting, raw: Any) -> int:
    error = InvalidInput(
        _("%(label)s必须是不小于 0 的整数%(unit)s。")
        % {"label": item.label, "unit": f"（{item.unit}）" if item.unit else ""},
        field="value",
    )
    if isinstance(raw, (bool, float)):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        else:
            raise error
    if isinstance(raw, int):
        number = raw
    else:
        text = str(raw).strip()
        if not text.lstrip("+").isdigit():
            raise error
        number = int(text)
    if number < 0:
        raise error
    if item.maximum is not None and number > item.maximum:
        raise InvalidInput(
            _("%(label)s不能超过 %(max)s%(unit)s。")
            % {"label": item.label, "max": item.maximum, "unit": item.unit},
            field="value",
        )
    return number


def to_json(item: PolicySetting, value: PolicyPython) -> Any:
    if value is None:
        return None
    if item.type == PolicyType.RATIO:
        return str(value)
    if item.type == PolicyType.DATE:
        assert isinstance(value, dt.date)
        return value.isoformat()
    return value


def from_json(item: PolicySetting, stored: Any) -> PolicyPython:
    if stored is None:
        return None
    if item.type == PolicyType.RATIO:
        return Decimal(str(stored))
    if item.type == PolicyType.DATE:
        return dt.date.fromisoformat(stored)
    if item.type == PolicyType.BOOL:
        return bool(stored)
    return int(stored)


def display_value(item: PolicySetting, value: PolicyPython) -> str:
    """A human reading of a value: ratios as percentages, booleans as 是/否."""
    if value is None:
        return _("未设置")
    if item.type == PolicyType.RATIO:
        assert isinstance(value, Decimal)
        percent = (value * 100).normalize()
        return f"{percent:f}%"
    if item.type == PolicyType.BOOL:
        return _("是") if value else _("否")
    if item.type == PolicyType.DATE:
        assert isinstance(value, dt.date)
        return value.isoformat()
    return f"{value} {item.unit}".strip()


# --- Selectors -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileEntry:
    setting: PolicySetting
    value: PolicyPython
    source: str  # "default" | "national" | "batch" | "province"
    row: PolicyValue | None

    @property
    def is_platform_default(self) -> bool:
        """The value in force is a figure the platform chose, not one from the policy."""
        return self.source == "default" and self.setting.is_platform_default

    @property
    def source_label(self) -> str:
        if self.is_platform_default:
            return str(PLATFORM_DEFAULT_LABEL)
        return str(SOURCE_LABELS[self.source])

    @property
    def display(self) -> str:
        return display_value(self.setting, self.value)


def _province_of(province: Division | None) -> Division | None:
    # Callers often hold a school's or city's division; the override belongs to its province.
    if province is not None and province.level == DivisionLevel.CITY:
        return province.parent
    return province


def _in_force(on: dt.date) -> Q:
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def _resolve(
    keys: Iterable[str],
    *,
    province: Division | None,
    batch_number: int | None,
    on: dt.date | None,
) -> dict[str, ProfileEntry]:
    on = on or timezone.localdate()
    province = _province_of(province)
    keys = list(keys)
    targets = Q(scope=PolicyScope.NATIONAL)
    if batch_number is not None:
        targets |= Q(scope=PolicyScope.BATCH, batch_number=batch_number)
    if province is not None:
        targets |= Q(scope=PolicyScope.PROVINCE, province=province)
    rows = (
        PolicyValue.objects.filter(targets, _in_force(on), key__in=keys)
        .select_related("updated_by", "province")
        .order_by("effective_from")
    )
    # Later starts win within a scope (rows should not overlap; this makes a slip harmless).
    found: dict[tuple[str, str], PolicyValue] = {(r.key, r.scope): r for r in rows}
    result: dict[str, ProfileEntry] = {}
    for key in keys:
        item = REGISTRY[key]
        entry = ProfileEntry(item, item.default_for(on), "default", None)
        for scope in (PolicyScope.PROVINCE, PolicyScope.BATCH, PolicyScope.NATIONAL):
            row = found.get((key, scope))
            if row is not None:
                entry = ProfileEntry(item, from_json(item, row.value), str(scope), row)
                break
        result[key] = entry
    return result


def policy_value(
    key: str,
    *,
    province: Division | None = None,
    batch_number: int | None = None,
    on: dt.date | None = None,
) -> Any:
    """The value in force: province override > batch override > national row > code default.

    Returns the setting's Python type (Decimal for ratios, int, bool, date or None).
    ``on`` defaults to today (Asia/Shanghai).
    """
    setting(key)
    return _resolve([key], province=province, batch_number=batch_number, on=on)[key].value


def policy_entry(
    key: str,
    *,
    province: Division | None = None,
    batch_number: int | None = None,
    on: dt.date | None = None,
) -> ProfileEntry:
    setting(key)
    return _resolve([key], province=province, batch_number=batch_number, on=on)[key]


def policy_profile(
    *,
    province: Division | None = None,
    batch_number: int | None = None,
    on: dt.date | None = None,
) -> dict[str, ProfileEntry]:
    """Every setting's value in force with where it came from, in registry order (one query)."""
    return _resolve(REGISTRY.keys(), province=province, batch_number=batch_number, on=on)


def policy_history(
    *, key: str, province: Division | None = None, batch_number: int | None = None
) -> list[PolicyValue]:
    """Rows of one setting, newest first: national ones plus the given province/batch ones.

    Policy values are public regulation, so every actor may read every scope's history.
    """
    setting(key)
    targets = Q(scope=PolicyScope.NATIONAL)
    if province is not None:
        targets |= Q(scope=PolicyScope.PROVINCE, province=_province_of(province))
    if batch_number is not None:
        targets |= Q(scope=PolicyScope.BATCH, batch_number=batch_number)
    return list(
        PolicyValue.objects.filter(targets, key=key)
        .select_related("updated_by", "province")
        .order_by("-effective_from", "scope")
    )


# --- Services ------------------------------------------------------------------------------


def can_set_policy(actor: Actor, *, scope: str, province: Division | None = None) -> bool:
    """National admins set every scope; a province admin only its own province's overrides."""
    if not actor.is_admin:
        return False
    if actor.is_national:
        return True
    return (
        scope == PolicyScope.PROVINCE
        and actor.is_kind(UnitKind.PROVINCE)
        and province is not None
        and actor.province_id == province.pk
    )


def _row_dict(row: PolicyValue) -> dict[str, Any]:
    return {
        "key": row.key,
        "scope": row.scope,
        "batch": row.batch_number,
        "province": row.province_id,
        "value": row.value,
        "effective_from": row.effective_from.isoformat(),
        "effective_to": row.effective_to.isoformat() if row.effective_to else None,
        "note": row.note,
    }


def policy_value_set(
    *,
    actor: Actor,
    key: str,
    value: Any,
    scope: str,
    province: Division | None = None,
    batch_number: int | None = None,
    effective_from: dt.date,
    note: str = "",
) -> PolicyValue:
    """Record a value for one scope from ``effective_from`` on.

    The row in force on that date is closed the day before; a later row already entered keeps
    its start and bounds the new one. Entering the same start again corrects that row.
    """
    item = setting(key)
    if scope not in PolicyScope.values:
        raise InvalidInput(_("范围必须是全国、批次或省级。"), field="scope")
    province = _province_of(province)
    if scope == PolicyScope.NATIONAL and (province is not None or batch_number is not None):
        raise InvalidInput(_("全国设置不能指定省份或批次。"), field="scope")
    if scope == PolicyScope.BATCH and (batch_number is None or province is not None):
        raise InvalidInput(_("批次设置须指定批次且不能指定省份。"), field="batch")
    if scope == PolicyScope.PROVINCE and (province is None or batch_number is not None):
        raise InvalidInput(_("省级设置须指定省份且不能指定批次。"), field="province")
    if not can_set_policy(actor, scope=scope, province=province):
        raise Forbidden(_("只有国家级管理员可以修改全国和批次参数；省级管理员只能修改本省参数。"))
    if batch_number is not None and not registry.batch_exists(batch_number):
        raise InvalidInput(_("未找到该批次。"), field="batch")
    parsed = parse_value(item, value)
    note = note.strip()
    if len(note) > 300:
        raise InvalidInput(_("依据/说明不能超过 300 个字符。"), field="note")
    stored = to_json(item, parsed)
    same_target = PolicyValue.objects.filter(
        key=key, scope=scope, province=province, batch_number=batch_number
    ).select_for_update()
    with transaction.atomic():
        rows = list(same_target.order_by("effective_from"))
        existing = next((r for r in rows if r.effective_from == effective_from), None)
        if existing is not None:
            old = _row_dict(existing)
            existing.value = stored
            existing.note = note
            existing.updated_by = actor.user
            existing.save()
            audit_record(
                actor=actor, action="policy.set", target=existing, old=old, new=_row_dict(existing)
            )
            return existing
        later = [r for r in rows if r.effective_from > effective_from]
        earlier = [r for r in rows if r.effective_from < effective_from]
        previous = earlier[-1] if earlier else None
        if previous is not None and (
            previous.effective_to is None or previous.effective_to >= effective_from
        ):
            old_previous = _row_dict(previous)
            previous.effective_to = effective_from - dt.timedelta(days=1)
            previous.updated_by = actor.user
            previous.save(update_fields=["effective_to", "updated_by", "updated_at"])
            audit_record(
                actor=actor,
                action="policy.close",
                target=previous,
                old=old_previous,
                new=_row_dict(previous),
            )
        row = PolicyValue.objects.create(
            key=key,
            scope=scope,
            province=province,
            batch_number=batch_number,
            value=stored,
            effective_from=effective_from,
            effective_to=later[0].effective_from - dt.timedelta(days=1) if later else None,
            note=note,
            updated_by=actor.user,
        )
        audit_record(actor=actor, action="policy.set", target=row, new=_row_dict(row))
    return row


# --- Shipped overrides ---------------------------------------------------------------------

# Hubei (鄂教职成办〔2020〕1号, R43) sets its own school conditions; Shanxi (晋教职成〔2020〕9号,
# R32) requires a municipal first review. Neither document states a day of effect, so the rows
# start on 2020-01-01, the year both documents govern. Migration core 0007 ships the same rows
# (a migration may not import this module); keep both lists equal.
SHIPPED_FROM = dt.date(2020, 1, 1)
HUBEI_NOTE = "鄂教职成办〔2020〕1号（R43）"
SHANXI_NOTE = "晋教职成〔2020〕9号 三.1（R32）"

SHIPPED_OVERRIDES: list[tuple[str, str, Any, str]] = [
    # (province code, setting key, value, note)
    ("420000", "r26.dual_qualified_ratio_min", "0.30", HUBEI_NOTE),
    ("420000", "r43.min_full_time_teachers", 10, HUBEI_NOTE),
    ("420000", "r43.training_rooms_required", True, HUBEI_NOTE),
    ("420000", "r43.internship_sites_required", True, HUBEI_NOTE),
    ("140000", "r32.city_first_review_required", True, SHANXI_NOTE),
]


def seed_policy_profiles() -> int:
    """Create the missing shipped override rows; returns how many were created.

    A row already present for the same setting, province and start is left alone, so an
    administrator's later correction survives.
    """
    ensure_divisions()
    created = 0
    for code, key, value, note in SHIPPED_OVERRIDES:
        province = Division.objects.get(code=code)
        if PolicyValue.objects.filter(
            key=key,
            scope=PolicyScope.PROVINCE,
            province=province,
            effective_from=SHIPPED_FROM,
        ).exists():
            continue
        policy_value_set(
            actor=Actor.system(),
            key=key,
            value=value,
            scope=PolicyScope.PROVINCE,
            province=province,
            effective_from=SHIPPED_FROM,
            note=note,
        )
        created += 1
    return created
