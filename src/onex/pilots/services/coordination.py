"""Writes of provincial coordination bodies (R01), school working-body filings (R33) and the
reminders sent about them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from onex.core.models import UnitKind
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import (
    ProvinceCoordination,
    ReminderKind,
    School,
    SchoolReminder,
    SchoolWorkingBody,
)
from onex.pilots.selectors.coordination import (
    FilingState,
    WorkingBodyObligation,
    working_body_obligation,
    working_body_obligations,
)

# --- R01: coordination bodies and working bodies -----------------------------------------------

PHONE_RE = re.compile(r"^[0-9+()\- 转]{7,32}$")
# R01/000 一(一): the working body is led by the school's principal leader (主要负责人): the
# president/principal or the Party secretary; a board chair for private schools. Deputies and
# assistants do not lead it.
HEAD_TITLE_WORDS = ("校长", "院长", "书记", "董事长", "理事长")
NOT_HEAD_WORDS = ("副", "助理")


def is_school_head_title(title: str) -> bool:
    """Whether one of the titles held ("党委副书记、校长" holds two) is a principal leader's."""
    parts = re.split(r"[、，,;；/／\s]+|兼", title or "")
    return any(
        part
        and not any(w in part for w in NOT_HEAD_WORDS)
        and any(w in part for w in HEAD_TITLE_WORDS)
        for part in parts
    )


def _text(value: str | None, *, field: str, label: str, max_length: int) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise InvalidInput(
            _("%(label)s不能超过 %(n)d 个字符。") % {"label": label, "n": max_length}, field=field
        )
    return text


def _phone(value: str, *, field: str, required: bool = True) -> str:
    text = (value or "").strip()
    if not text and not required:
        return ""
    if not PHONE_RE.match(text):
        raise InvalidInput(
            _("电话号码“%(v)s”格式不正确，应为 7 位以上数字，可含区号和“-”。") % {"v": text},
            field=field,
        )
    return text


def _email(value: str, *, field: str, required: bool) -> str:
    text = (value or "").strip()
    if not text and not required:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise InvalidInput(_("电子邮箱“%(v)s”格式不正确。") % {"v": text}, field=field) from None
    return text


def can_edit_coordination(*, actor: Actor, province: Division) -> bool:
    """A province's own department names its coordination body (000 一(一))."""
    if actor.is_system:
        return True
    return actor.can_write and actor.kind == UnitKind.PROVINCE and actor.province_id == province.pk


def _coordination_dict(c: ProvinceCoordination) -> dict[str, Any]:
    return {
        "body_name": c.body_name,
        "host_name": c.host_name,
        "contact_name": c.contact_name,
        "contact_title": c.contact_title,
        "contact_phone": c.contact_phone,
        "contact_email": c.contact_email,
    }


def coordination_set(
    *,
    actor: Actor,
    province: Division,
    body_name: str,
    contact_name: str,
    contact_phone: str,
    host_name: str = "",
    contact_title: str = "",
    contact_email: str = "",
) -> ProvinceCoordination:
    """Name or change the province's coordination body and its contact person (R01)."""
    if province.level != DivisionLevel.PROVINCE:
        raise InvalidInput(_("请选择省级行政区。"), field="province")
    # Another province's body is outside the actor's jurisdiction: not found, not forbidden.
    if (
        not actor.is_system
        and not actor.is_national
        and actor.kind != UnitKind.ORG
        and actor.province_id != province.pk
    ):
        raise NotFound(_("未找到该记录，或您无权查看。"))
    actor.require(
        can_edit_coordination(actor=actor, province=province),
        _("只有本省教育行政部门可以设置本省试点工作协调机构。"),
    )
    body_name = _text(body_name, field="body_name", label=_("协调机构名称"), max_length=200)
    contact_name = _text(contact_name, field="contact_name", label=_("联系人"), max_length=64)
    if not body_name:  # R01
        raise RuleViolation(
            "R01", _("须明确本省试点工作指导协调机构：请填写协调机构名称。"), field="body_name"
        )
    if not contact_name or not (contact_phone or "").strip():  # R01
        raise RuleViolation(
            "R01",
            _("协调机构须明确专人对接：请填写联系人姓名和联系电话。"),
            field="contact_name" if not contact_name else "contact_phone",
        )
    values = {
        "body_name": body_name,
        "host_name": _text(host_name, field="host_name", label=_("依托单位"), max_length=200),
        "contact_name": contact_name,
        "contact_title": _text(
            contact_title, field="contact_title", label=_("联系人职务"), max_length=64
        ),
        "contact_phone": _phone(contact_phone, field="contact_phone"),
        "contact_email": _email(contact_email, field="contact_email", required=False),
    }
    with transaction.atomic():
        row = ProvinceCoordination.objects.select_for_update().filter(province=province).first()
        old = _coordination_dict(row) if row is not None else None
        if row is None:
            row = ProvinceCoordination(province=province)
        for key, value in values.items():
            setattr(row, key, value)
        if old == values:
            return row
        row.updated_by = actor.user
        row.save()
        audit_record(
            actor=actor,
            action="pilots.coordination_set",
            target=row,
            old=old,
            new={"province": province.code, **values},
        )
    return row


def can_file_working_body(*, actor: Actor, school: School) -> bool:
    if actor.is_system:
        return True
    return actor.can_write and actor.kind == UnitKind.SCHOOL and actor.unit_id == school.unit_id


def working_body_dict(w: SchoolWorkingBody) -> dict[str, Any]:
    return {
        "body_name": w.body_name,
        "leader_name": w.leader_name,
        "leader_title": w.leader_title,
        "members": w.members,
        "contact_name": w.contact_name,
        "contact_title": w.contact_title,
        "contact_phone": w.contact_phone,
        "contact_mobile": w.contact_mobile,
        "contact_email": w.contact_email,
        "work_plan": w.work_plan,
    }


def working_body_file(
    *,
    actor: Actor,
    school: School,
    body_name: str,
    leader_name: str,
    leader_title: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    members: str = "",
    contact_title: str = "",
    contact_mobile: str = "",
    work_plan: str = "",
    note: str = "",
) -> SchoolWorkingBody:
    """File the school's pilot working body and contact person (R01, R33; form 附件2).

    Each filing is kept: a change is filed again and the previous filing stays in the history.
    """
    actor.require(
        can_file_working_body(actor=actor, school=school),
        _("只有本校可以报备本校的试点工作机构和联系人。"),
    )
    body_name = _text(body_name, field="body_name", label=_("工作机构名称"), max_length=200)
    leader_name = _text(leader_name, field="leader_name", label=_("组长姓名"), max_length=64)
    leader_title = _text(leader_title, field="leader_title", label=_("组长职务"), max_length=64)
    if not body_name:
        raise InvalidInput(_("请填写试点工作机构名称。"), field="body_name")
    if not leader_name:
        raise RuleViolation(
            "R01", _("试点工作机构须由学校主要负责人牵头：请填写组长姓名。"), field="leader_name"
        )
    if not is_school_head_title(leader_title):  # R01
        raise RuleViolation(
            "R01",
            _(
                "试点工作机构须由学校主要负责人（校长/院长或党委书记）牵头，"
                "填写的组长职务为“%(title)s”。"
            )
            % {"title": leader_title or _("未填写")},
            field="leader_title",
        )
    contact_name = _text(contact_name, field="contact_name", label=_("联系人"), max_length=64)
    if not contact_name:  # R01
        raise RuleViolation(
            "R01", _("须明确具体工作联系人：请填写联系人姓名。"), field="contact_name"
        )
    values = {
        "body_name": body_name,
        "leader_name": leader_name,
        "leader_title": leader_title,
        "members": _text(members, field="members", label=_("机构成员"), max_length=2000),
        "contact_name": contact_name,
        "contact_title": _text(
            contact_title, field="contact_title", label=_("联系人职务或部门"), max_length=100
        ),
        "contact_phone": _phone(contact_phone, field="contact_phone"),
        "contact_mobile": _phone(contact_mobile, field="contact_mobile", required=False),
        "contact_email": _email(contact_email, field="contact_email", required=True),
        "work_plan": _text(
            work_plan, field="work_plan", label=_("试点工作方案摘要"), max_length=5000
        ),
    }
    note = _text(note, field="note", label=_("变更说明"), max_length=300)
    with transaction.atomic():
        # Serializes concurrent filings of one school so the history order is the filing order.
        School.objects.select_for_update().filter(pk=school.pk).first()
        previous = (
            SchoolWorkingBody.objects.filter(school=school).order_by("-filed_at", "-pk").first()
        )
        filing = SchoolWorkingBody.objects.create(
            school=school, filed_at=timezone.now(), filed_by=actor.user, note=note, **values
        )
        audit_record(
            actor=actor,
            action="pilots.working_body_file",
            target=filing,
            old=working_body_dict(previous) if previous is not None else None,
            new={"school": school.code, **values, "note": note},
        )
    return filing


# --- R33: reminders ---------------------------------------------------------------------------


def can_remind(*, actor: Actor, school: School) -> bool:
    """Officials over the school remind it: national, its province, its city (writers only)."""
    if actor.is_system:
        return True
    if not actor.can_write:
        return False
    if actor.is_national:
        return True
    if actor.kind == UnitKind.PROVINCE:
        return actor.province_id == school.province_id
    if actor.kind == UnitKind.CITY:
        return actor.city_id == school.city_id
    return False


def _reminder_message(obligation: WorkingBodyObligation) -> str:
    if obligation.status == FilingState.OVERDUE:
        return _(
            "贵校试点名单已于 %(published)s 公布，应于 %(deadline)s 前报备试点工作机构和联系人"
            "（附件2），现已逾期 %(days)s 天，请尽快报备。"
        ) % {
            "published": obligation.published_on.isoformat(),
            "deadline": obligation.deadline.isoformat(),
            "days": obligation.days_overdue,
        }
    return _(
        "贵校试点名单已于 %(published)s 公布，请于 %(deadline)s 前报备试点工作机构和联系人"
        "（附件2），还剩 %(days)s 天。"
    ) % {
        "published": obligation.published_on.isoformat(),
        "deadline": obligation.deadline.isoformat(),
        "days": max(0, obligation.days_left),
    }


def working_body_remind(
    *, actor: Actor, school: School, message: str = "", on: dt.date | None = None
) -> SchoolReminder:
    """Remind a published school that has not filed its working body yet (R33)."""
    actor.require(can_remind(actor=actor, school=school), _("您无权向该校发送提醒。"))
    obligation = working_body_obligation(school=school, on=on)
    if obligation is None:
        raise Conflict(_("该校的试点名单尚未公布，无需报备工作机构。"))
    if not obligation.is_open:
        raise Conflict(_("该校已报备试点工作机构和联系人，无需提醒。"))
    text = _text(message, field="message", label=_("提醒内容"), max_length=500)
    return _create_reminder(actor=actor, obligation=obligation, message=text)


def _create_reminder(
    *, actor: Actor, obligation: WorkingBodyObligation, message: str = ""
) -> SchoolReminder:
    with transaction.atomic():
        reminder = SchoolReminder.objects.create(
            school=obligation.school,
            kind=ReminderKind.WORKING_BODY,
            rule="R33",
            message=message or _reminder_message(obligation),
            deadline=obligation.deadline,
            sent_at=timezone.now(),
            sent_by=actor.user,
            sent_by_unit=actor.unit,
        )
        audit_record(
            actor=actor,
            action="pilots.working_body_remind",
            target=reminder,
            new={
                "school": obligation.school.code,
                "status": obligation.status,
                "published_on": obligation.published_on,
                "deadline": obligation.deadline,
                "message": reminder.message,
            },
        )
    return reminder


def working_body_remind_due(*, on: dt.date | None = None) -> int:
    """The daily run: remind every overdue or due-soon school not yet reminded that day.

    Idempotent per day, so a task delivered twice (Huey may) sends one reminder.
    """
    actor = Actor.system()
    today = on or timezone.localdate()
    sent = 0
    for obligation in working_body_obligations(actor=actor, on=today):
        if obligation.status not in (FilingState.OVERDUE, FilingState.DUE_SOON):
            continue
        last = obligation.last_reminded_at
        if last is not None and timezone.localtime(last).date() >= today:
            continue
        _create_reminder(actor=actor, obligation=obligation)
        sent += 1
    return sent
