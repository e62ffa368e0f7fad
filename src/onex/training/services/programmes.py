"""Teacher-training programmes (R04, R05): roster, fee standard, publication, voluntary
enrolment by the teacher's own school, attendance and completion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Certificate, Org
from onex.catalog.services.access import require_org_member
from onex.catalog.services.filings import require_org_filing
from onex.catalog.services.orgs import require_org_agreement
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.workflows import perform
from onex.geo.models import Division, DivisionLevel
from onex.training.models import (
    ActivityKind,
    Enrolment,
    EnrolmentEvent,
    FeeItem,
    ProgrammeEvent,
    ProgrammeStatus,
    Teacher,
    Trainer,
    TrainingProgramme,
)
from onex.training.selectors.programmes import industry_share
from onex.training.services.activities import require_activity_filing
from onex.training.services.common import clean_decimal, clean_text
from onex.training.workflows import ENROLMENT, PROGRAMME

RATIO_KEY = "r05.industry_trainer_ratio_min"

# R04: "不得另立名目额外收取培训师、考评员考核认证等其他费用". A fee item whose name speaks of
# a trainer's or assessor's certification is refused whatever it is called around these words.
CERTIFICATION_WORDS = ("认证", "资格证", "培训师证", "考评员", "考核员", "证书费", "certif")


@dataclass(frozen=True)
class ProgrammeInput:
    certificate: Certificate
    province: Division
    title: str
    starts_on: dt.date
    ends_on: dt.date
    hours: Decimal
    venue: str = ""
    description: str = ""


def programme_create(*, actor: Actor, org: Org, data: ProgrammeInput) -> TrainingProgramme:
    """The org drafts a programme; it needs an accepted provincial filing for the certificate
    (R38)."""
    require_org_member(actor, org)
    if data.province.level != DivisionLevel.PROVINCE:
        raise InvalidInput(_("请选择省级行政区。"), field="province")
    if data.certificate.org_id != org.pk:
        raise InvalidInput(_("只能为本组织的证书开展培训。"), field="certificate")
    title = clean_text(data.title, field="title", label=_("培训项目名称"), max_length=200)
    if data.ends_on < data.starts_on:
        raise InvalidInput(_("结束日期不能早于开始日期。"), field="ends_on")
    hours = clean_decimal(
        data.hours,
        field="hours",
        label=_("培训学时"),
        places=1,
        maximum=Decimal(10000),
        strictly_positive=True,
    )
    require_org_agreement(org)
    require_org_filing(org, data.province, data.certificate)  # R38
    with transaction.atomic():
        programme = TrainingProgramme.objects.create(
            org=org,
            certificate=data.certificate,
            province=data.province,
            title=title,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            hours=hours,
            venue=clean_text(
                data.venue, field="venue", label=_("地点"), max_length=300, required=False
            ),
            description=clean_text(
                data.description,
                field="description",
                label=_("培训方案"),
                max_length=20_000,
                required=False,
            ),
        )
        ProgrammeEvent.record(
            actor=actor, programme=programme, action="create", to_status=programme.status
        )
        audit_record(
            actor=actor,
            action="training.programme.create",
            target=programme,
            new={
                "org": org.pk,
                "certificate": data.certificate.pk,
                "province": data.province.pk,
                "title": title,
                "hours": hours,
            },
        )
    return programme


# --- roster (R05) -------------------------------------------------------------------------------


def trainer_add(
    *,
    actor: Actor,
    programme: TrainingProgramme,
    name: str,
    employer: str,
    title: str = "",
    from_industry: bool,
) -> Trainer:
    name = clean_text(name, field="name", label=_("姓名"), max_length=64)
    employer = clean_text(employer, field="employer", label=_("工作单位"), max_length=200)
    title = clean_text(title, field="title", label=_("职称/职务"), max_length=100, required=False)
    created: list[Trainer] = []

    def add(locked: TrainingProgramme) -> dict[str, object]:
        created.append(
            Trainer.objects.create(
                programme=locked,
                name=name,
                employer=employer,
                title=title,
                from_industry=from_industry,
            )
        )
        return {"trainer": name, "from_industry": from_industry}

    perform(PROGRAMME, actor=actor, obj=programme, action="roster", related=add)
    return created[0]


def trainer_remove(*, actor: Actor, programme: TrainingProgramme, trainer_id: int) -> None:
    def remove(locked: TrainingProgramme) -> dict[str, object]:
        trainer = locked.trainers.filter(pk=trainer_id).first()
        if trainer is None:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        trainer.delete()
        return {"removed_trainer": trainer.name}

    perform(PROGRAMME, actor=actor, obj=programme, action="roster", related=remove)


def check_industry_share(programme: TrainingProgramme) -> None:
    """R05: at least the profile's share of the roster (40%) comes from industry and
    enterprises."""
    industry, total = industry_share(programme)
    minimum = Decimal(policy_value(RATIO_KEY, province=programme.province))
    if total == 0 or Decimal(industry) < minimum * total:
        share = (Decimal(industry) / total * 100).quantize(Decimal("0.1")) if total else Decimal(0)
        raise RuleViolation(
            "R05",
            _(
                "培训团队中来自行业企业的培训师占 %(share)s%%（%(n)s/%(total)s），低于 %(min)s%%，"
                "不能公示。"
            )
            % {
                "share": share,
                "n": industry,
                "total": total,
                "min": (minimum * 100).quantize(Decimal("0.1")),
            },
            details={"industry": industry, "total": total, "minimum": str(minimum)},
        )


# --- fee standard (R04) -------------------------------------------------------------------------


def check_fee_item_name(name: str) -> None:
    """R04: no extra fee item for trainer or assessor certification."""
    lowered = name.lower()
    if any(word in lowered for word in CERTIFICATION_WORDS):
        raise RuleViolation(
            "R04",
            _("不得另立名目收取培训师、考评员考核认证等费用：“%(name)s”不能列为收费项目。")
            % {"name": name},
            field="name",
        )


def fee_item_add(
    *, actor: Actor, programme: TrainingProgramme, name: str, amount: Decimal | str
) -> FeeItem:
    """Add an item to the fee standard; only while the programme is a draft (the standard is
    fixed once published, R04)."""
    name = clean_text(name, field="name", label=_("收费项目"), max_length=100)
    value = clean_decimal(amount, field="amount", label=_("金额"), places=2)
    created: list[FeeItem] = []

    def add(locked: TrainingProgramme) -> dict[str, object]:
        created.append(FeeItem.objects.create(programme=locked, name=name, amount=value))
        return {"fee_item": name, "amount": value}

    perform(
        PROGRAMME,
        actor=actor,
        obj=programme,
        action="fee",
        check=lambda _locked: check_fee_item_name(name),
        related=add,
    )
    return created[0]


def fee_item_remove(*, actor: Actor, programme: TrainingProgramme, item_id: int) -> None:
    def remove(locked: TrainingProgramme) -> dict[str, object]:
        item = locked.fees.filter(pk=item_id).first()
        if item is None:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        item.delete()
        return {"removed_fee_item": item.name}

    perform(PROGRAMME, actor=actor, obj=programme, action="fee", related=remove)


def _publish_checks(programme: TrainingProgramme) -> None:
    require_org_agreement(programme.org)
    require_org_filing(programme.org, programme.province, programme.certificate)  # R38
    require_activity_filing(  # R02: teacher training is filed with the province first
        org=programme.org,
        province=programme.province,
        kind=ActivityKind.TEACHER_TRAINING,
        on=programme.starts_on,
    )
    check_industry_share(programme)  # R05
    if not programme.fees.exists():
        raise RuleViolation(
            "R04", _("请先填写收费标准（免费培训也请列出金额为 0 的项目）。"), field="fees"
        )
    for item in programme.fees.all():
        check_fee_item_name(item.name)  # R04


def programme_publish(*, actor: Actor, programme: TrainingProgramme) -> TrainingProgramme:
    """Publish the programme with its fee standard and roster (R04, R05)."""
    return perform(
        PROGRAMME,
        actor=actor,
        obj=programme,
        action="publish",
        check=_publish_checks,
        changes=lambda _locked: {"fee_published_at": timezone.now()},
    )


def _open_checks(programme: TrainingProgramme) -> None:
    if programme.fee_published_at is None:
        raise RuleViolation("R04", _("收费标准公示后才能开放报名。"))


def programme_open(*, actor: Actor, programme: TrainingProgramme) -> TrainingProgramme:
    return perform(
        PROGRAMME,
        actor=actor,
        obj=programme,
        action="open",
        check=_open_checks,
        changes=lambda _locked: {"enrolment_opened_at": timezone.now()},
    )


def programme_close(*, actor: Actor, programme: TrainingProgramme) -> TrainingProgramme:
    return perform(PROGRAMME, actor=actor, obj=programme, action="close")


# --- enrolment (R04: voluntary) -----------------------------------------------------------------


def check_voluntary(actor: Actor, teacher: Teacher) -> None:
    """R04: a teacher is enrolled by the teacher's own school, never by the org or anyone else."""
    if actor.kind != UnitKind.SCHOOL or actor.unit_id != teacher.school.unit_id:
        raise RuleViolation(
            "R04",
            _("师资培训自愿参加：只能由教师所在学校为本校教师报名，不得强制报名。"),
            field="teacher",
        )


def enrol(*, actor: Actor, programme: TrainingProgramme, teacher: Teacher) -> Enrolment:
    """The teacher's school enrols its teacher in an open programme (R04)."""
    check_voluntary(actor, teacher)
    actor.require_write()
    with transaction.atomic():
        locked = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
        if locked.status != ProgrammeStatus.OPEN or locked.fee_published_at is None:
            raise RuleViolation(
                "R04", _("该培训项目尚未开放报名（收费标准须先公示）。"), field="programme"
            )
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    programme=locked, teacher=teacher, school=teacher.school
                )
        except IntegrityError:
            raise Conflict(_("该教师已报名此培训项目。")) from None
        EnrolmentEvent.record(
            actor=actor, enrolment=enrolment, action="enrol", to_status=enrolment.status
        )
        audit_record(
            actor=actor,
            action="training.enrolment.enrol",
            target=enrolment,
            new={"programme": locked.pk, "teacher": teacher.pk, "school": teacher.school_id},
        )
    return enrolment


def enrolment_attend(*, actor: Actor, enrolment: Enrolment, hours: Decimal | str) -> Enrolment:
    value = clean_decimal(hours, field="hours", label=_("出勤学时"), places=1)

    def changes(locked: Enrolment) -> dict[str, object]:
        if value > locked.programme.hours:
            raise InvalidInput(
                _("出勤学时不能超过培训学时 %(h)s。") % {"h": locked.programme.hours},
                field="hours",
            )
        return {"attended_hours": value}

    return perform(ENROLMENT, actor=actor, obj=enrolment, action="attend", changes=changes)


def enrolment_complete(
    *, actor: Actor, enrolment: Enrolment, completed_on: dt.date | None = None
) -> Enrolment:
    def check(locked: Enrolment) -> None:
        if locked.attended_hours <= 0:
            raise InvalidInput(_("请先记录出勤学时。"), field="hours")

    return perform(
        ENROLMENT,
        actor=actor,
        obj=enrolment,
        action="complete",
        check=check,
        changes=lambda _locked: {"completed_on": completed_on or timezone.localdate()},
    )


def enrolment_withdraw(*, actor: Actor, enrolment: Enrolment, reason: str = "") -> Enrolment:
    return perform(ENROLMENT, actor=actor, obj=enrolment, action="withdraw", reason=reason)
