"""The audit log in the UI language: action labels, objects and field names for people.

Events store code names (``auth.login``, ``certificates.issuedcertificate``, ``late_entry``)
so the hash chain never depends on a language. This module turns them into words at display
time: an action label from the registry (apps add theirs with ``register_action_labels``) or,
for an action nobody labelled, one composed from its verb and the object's model; the object as
its model's verbose_name and ``str()``; field names as verbose_names; booleans as 是/否.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core.models import AuditEvent

_ACTION_LABELS: dict[str, str | Promise] = {}


def register_action_labels(labels: Mapping[str, str | Promise]) -> None:
    """Give actions their display labels (lazy translations); later registrations win."""
    _ACTION_LABELS.update(labels)


register_action_labels(
    {
        "auth.login": gettext_lazy("登录"),
        "auth.logout": gettext_lazy("退出登录"),
        "auth.password_change": gettext_lazy("修改密码"),
        "auth.token_issue": gettext_lazy("创建 API 令牌"),
        "auth.token_revoke": gettext_lazy("吊销 API 令牌"),
        "user.create": gettext_lazy("创建用户"),
        "unit.create": gettext_lazy("创建单位"),
        "policy.set": gettext_lazy("设置政策参数"),
        "policy.close": gettext_lazy("截止政策参数"),
        "personal.view": gettext_lazy("查看个人信息明文"),
        "audit.purge": gettext_lazy("清理过期审计事件"),
        "import.succeeded": gettext_lazy("批量导入完成"),
        "calendar.notice_set": gettext_lazy("录入放假安排"),
        "calendar.notice_delete": gettext_lazy("删除放假安排"),
        "calendar.notice_import": gettext_lazy("导入放假安排"),
    }
)

# The verbs of action code names, for actions without a registered label.
_VERBS: dict[str, str | Promise] = {
    "create": gettext_lazy("创建"),
    "update": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"),
    "set": gettext_lazy("设置"),
    "add": gettext_lazy("添加"),
    "seed": gettext_lazy("初始化"),
    "publish": gettext_lazy("发布"),
    "submit": gettext_lazy("提交"),
    "resubmit": gettext_lazy("重新提交"),
    "approve": gettext_lazy("批准"),
    "accept": gettext_lazy("接受"),
    "confirm": gettext_lazy("确认"),
    "return": gettext_lazy("退回"),
    "reject": gettext_lazy("驳回"),
    "withdraw": gettext_lazy("撤回"),
    "sign": gettext_lazy("签署"),
    "issue": gettext_lazy("颁发"),
    "revoke": gettext_lazy("撤销"),
    "import": gettext_lazy("导入"),
    "export": gettext_lazy("导出"),
    "register": gettext_lazy("登记"),
    "attach": gettext_lazy("上传附件"),
    "file": gettext_lazy("报备"),
    "remind": gettext_lazy("提醒"),
    "open": gettext_lazy("开放"),
    "close": gettext_lazy("结束"),
    "handle": gettext_lazy("处理"),
    "lodge": gettext_lazy("提出"),
    "answer": gettext_lazy("答复"),
    "pay": gettext_lazy("缴费"),
    "link": gettext_lazy("关联"),
    "negotiate": gettext_lazy("协商"),
    "generate": gettext_lazy("生成"),
    "letter": gettext_lazy("出具函件"),
    "view": gettext_lazy("查看"),
}


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _model_for_words(app_label: str, words: list[str]) -> type[Model] | None:
    """The app's model the action's noun names: ``site_application`` → SiteApplication."""
    if not words:
        return None
    try:
        models = list(apps.get_app_config(app_label).get_models())
    except LookupError:
        return None
    # Longest run of words first: "site_application_org" names SiteApplication, not Org.
    runs = sorted(
        ("".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)),
        key=len,
        reverse=True,
    )
    for name in runs:
        for model in models:
            if model._meta.model_name == name:
                return model
        for model in models:
            if (model._meta.model_name or "").endswith(name):
                return model
    return None


def action_label(action: str, target_type: str = "") -> str:
    """The action in the UI language; a composed label, or the code name as the last resort."""
    if action in _ACTION_LABELS:
        return str(_ACTION_LABELS[action])
    app_label, _sep, rest = action.partition(".")
    words = rest.replace(".", "_").split("_") if rest else []
    verb_at = max((i for i, w in enumerate(words) if w in _VERBS), default=None)
    if verb_at is None:
        return action
    model = _model_for_words(app_label, words[:verb_at]) or _model(target_type)
    noun = str(model._meta.verbose_name) if model is not None else ""
    return _("%(verb)s%(object)s") % {"verb": _VERBS[words[verb_at]], "object": noun}


@dataclass(frozen=True)
class ObjectLabel:
    kind: str
    name: str


def object_labels(events: Iterable[AuditEvent]) -> dict[tuple[str, str], ObjectLabel]:
    """``(target_type, target_id)`` → the object's verbose_name and ``str()``, one query a type.

    A deleted object (or an id that is not a key) keeps its number: history outlives rows.
    """
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.target_type:
            wanted.setdefault(event.target_type, set()).add(event.target_id)
    labels: dict[tuple[str, str], ObjectLabel] = {}
    for target_type, ids in wanted.items():
        model = _model(target_type)
        if model is None:
            for target_id in ids:
                labels[(target_type, target_id)] = ObjectLabel(target_type, f"#{target_id}")
            continue
        pk_field = model._meta.pk
        assert pk_field is not None
        pks: dict[str, Any] = {}
        for target_id in ids:
            with suppress(ValidationError):
                pks[target_id] = pk_field.to_python(target_id)
        found = model._default_manager.in_bulk(list(pks.values()))
        kind = str(model._meta.verbose_name)
        for target_id in ids:
            obj = found.get(pks[target_id]) if target_id in pks else None
            name = str(obj) if obj is not None else f"#{target_id}"
            labels[(target_type, target_id)] = ObjectLabel(kind, name)
    return labels


def field_label(target_type: str, key: str) -> str:
    """A recorded key as its field's verbose_name; unknown keys become words, not snake_case."""
    model = _model(target_type) if target_type else None
    if model is not None:
        for name in (key, key.removesuffix("_id")):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            verbose = getattr(field, "verbose_name", None)
            if verbose:
                return str(verbose)
    return key.replace("_", " ")


def value_text(value: Any) -> str:
    """A recorded value for reading: 是/否 for booleans, lists joined, — for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(value_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{k}：{value_text(v)}" for k, v in value.items()) or "—"
    return str(value)


@dataclass(frozen=True)
class DisplayRow:
    key: str
    label: str
    old: str
    new: str
    changed: bool


def diff_rows(event: AuditEvent, rows: Iterable[Any]) -> list[DisplayRow]:
    """``audit_diff`` rows with field labels and readable values."""
    return [
        DisplayRow(
            key=row.key,
            label=field_label(event.target_type, row.key),
            old=value_text(row.old),
            new=value_text(row.new),
            changed=row.changed,
        )
        for row in rows
    ]
