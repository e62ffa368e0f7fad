"""Bulk creation of a unit's users from xlsx: every row becomes an invited user of the
administrator's own unit; the whole file or nothing (core import framework)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onex.accounts.selectors.permissions import may_administer
from onex.accounts.services.accounts import clean_email, clean_username, user_invite
from onex.core.actors import Actor
from onex.core.errors import InvalidInput
from onex.core.imports import (
    CellError,
    ChoiceParser,
    Column,
    ImportRejected,
    ImportSpec,
    ParsedRow,
    RowError,
    TextParser,
    register_spec,
)
from onex.core.models import ImportJob, Role, UnitKind


@register_spec
class UserSpec(ImportSpec):
    """One row per person; each gets an invitation e-mail to set their password."""

    name = "accounts_users"
    title = _("本单位用户")
    description = _(
        "每行一名用户，导入后为本单位的用户；每人会收到一封邀请邮件，通过邮件中的链接设置密码。"
    )
    columns = (
        Column("username", _("用户名"), parse=TextParser(max_length=150), example="zhang.san"),
        Column("display_name", _("姓名"), parse=TextParser(max_length=64), example=_("张三")),
        Column(
            "email",
            _("电子邮箱"),
            parse=TextParser(max_length=254),
            example="zhang.san@example.edu.cn",
            width=30,
        ),
        Column("role", _("角色"), parse=ChoiceParser(Role.choices), example=_("经办人")),
        Column("phone", _("联系电话"), parse=TextParser(max_length=32), required=False, default=""),
    )
    unique_key = ("username",)
    max_rows = 5000
    order = 90

    def allowed(self, *, actor: Actor) -> bool:
        unit = actor.unit
        return (
            unit is not None
            and unit.kind != UnitKind.LEARNER
            and actor.can_write
            and may_administer(actor, unit)
        )

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        try:
            clean_username(values["username"])
        except InvalidInput as exc:
            raise CellError(str(exc.message), column="username") from None
        try:
            clean_email(values["email"], required=True)
        except InvalidInput as exc:
            raise CellError(str(exc.message), column="email") from None

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        assert actor.unit is not None
        for row in rows:
            v = row.values
            try:
                user_invite(
                    actor=actor,
                    unit=actor.unit,
                    username=v["username"],
                    display_name=v["display_name"],
                    email=v["email"],
                    role=v["role"],
                    phone=v["phone"] or "",
                    import_job=job.pk,
                )
            except InvalidInput as exc:
                column = exc.field if exc.field in ("username", "email", "role") else "username"
                header = str(self.column(column).header_zh)
                raise ImportRejected([RowError(row.number, header, str(exc.message))]) from None
        return {"created": len(rows)}
