"""A school's teachers, workload ratio (R06), performance pay (R31) and training alliances with
shared teachers (R07)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from onex.catalog.models import Certificate
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.personal import IdType
from onex.core.workflows import perform
from onex.pilots.models import School
from onex.pilots.selectors.schools import school_of
from onex.training.models import (
    Alliance,
    AllianceEvent,
    AllianceMember,
    AllianceStatus,
    PerformancePay,
    Teacher,
    TeacherShare,
    TrainingWorkload,
    WorkloadRatio,
)
from onex.training.services.common import clean_decimal, clean_term, clean_text
from onex.training.workflows import ALLIANCE


def require_school(actor: Actor) -> School:
    """The school the actor writes for (403 for every other kind and for viewers)."""
    actor.require(actor.kind == UnitKind.SCHOOL, _("只有学校用户可以执行此操作。"))
    actor.require_write()
    school = school_of(actor)
    actor.require(school is not None, _("只有学校用户可以执行此操作。"))
    assert school is not None
    return school


def _own_teacher(school: School, teacher: Teacher) -> None:
    if teacher.school_id != school.pk:
        raise InvalidInput(_("只能为本校教师登记。"), field="teacher")


# --- teachers -----------------------------------------------------------------------------------


def teacher_create(
    *, actor: Actor, name: str, department: str = "", id_number: str = ""
) -> Teacher:
    school = require_school(actor)
    teacher = Teacher(
        school=school,
        name=clean_text(name, field="name", label=_("姓名"), max_length=64),
        department=clean_text(
            department, field="department", label=_("所在院系"), max_length=100, required=False
        ),
    )
    if id_number.strip():
        teacher.set_id_number(id_type=IdType.RESIDENT, value=id_number)
    with transaction.atomic():
        teacher.save()
        audit_record(
            actor=actor,
            action="training.teacher.create",
            target=teacher,
            new={"school": school.pk, "name": teacher.name, "id_number": teacher.id_number_masked},
        )
    return teacher


# --- workload conversion (R06) ------------------------------------------------------------------


def ratio_set(*, actor: Actor, term: str, ratio: Decimal | str, note: str = "") -> WorkloadRatio:
    """The school sets the ratio at which certificate-training hours count as teaching workload
    in a term (R06: the school's own decision; no one else sets it)."""
    school = require_school(actor)
    term = clean_term(term)
    value = clean_decimal(
        ratio,
        field="ratio",
        label=_("折算比例"),
        places=2,
        maximum=Decimal(5),
        strictly_positive=True,
    )
    note = clean_text(note, field="note", label=_("说明"), max_length=200, required=False)
    with transaction.atomic():
        row = WorkloadRatio.objects.select_for_update().filter(school=school, term=term).first()
        old = {"ratio": row.ratio, "note": row.note} if row else {}
        if row is None:
            row = WorkloadRatio(school=school, term=term)
        row.ratio = value
        row.note = note
        row.save()
        audit_record(
            actor=actor,
            action="training.ratio.set",
            target=row,
            old=old,
            new={"school": school.pk, "term": term, "ratio": value, "note": note},
        )
    return row


def require_ratio(school: School, term: str) -> WorkloadRatio:
    """R06: hours count as teaching workload only at a ratio the school has set for the term."""
    row = WorkloadRatio.objects.filter(school=school, term=term).first()
    if row is None:
        raise RuleViolation(
            "R06",
            _("学校尚未设定 %(term)s 学期的证书培训工作量折算比例，请先设定。") % {"term": term},
            field="term",
        )
    return row


def workload_record(
    *, actor: Actor, teacher: Teacher, term: str, hours: Decimal | str, note: str = ""
) -> TrainingWorkload:
    """Record a teacher's certificate-training hours in a term; they count at the school's
    ratio (R06)."""
    school = require_school(actor)
    _own_teacher(school, teacher)
    term = clean_term(term)
    value = clean_decimal(
        hours,
        field="hours",
        label=_("证书培训学时"),
        places=1,
        maximum=Decimal(5000),
        strictly_positive=True,
    )
    note = clean_text(note, field="note", label=_("说明"), max_length=200, required=False)
    ratio = require_ratio(school, term)  # R06
    with transaction.atomic():
        entry = TrainingWorkload.objects.create(
            school=school, teacher=teacher, term=term, hours=value, note=note
        )
        audit_record(
            actor=actor,
            action="training.workload.record",
            target=entry,
            new={
                "teacher": teacher.pk,
                "term": term,
                "hours": value,
                "ratio": ratio.ratio,
                "converted": (value * ratio.ratio).quantize(Decimal("0.1")),
            },
        )
    return entry


# --- performance pay (R31) ----------------------------------------------------------------------


def require_training_workload(teacher: Teacher, term: str) -> Decimal:
    """R31: recognition goes to a teacher who carried certificate training in the term."""
    hours = TrainingWorkload.objects.filter(teacher=teacher, term=term).aggregate(h=Sum("hours"))
    total = Decimal(hours["h"] or 0)
    if total <= 0:
        raise RuleViolation(
            "R31",
            _("%(name)s 在 %(term)s 学期没有证书培训工作量记录，不能按承担培训任务认定绩效。")
            % {"name": teacher.name, "term": term},
            field="teacher",
        )
    return total


def pay_record(
    *, actor: Actor, teacher: Teacher, term: str, amount: Decimal | str, basis: str
) -> PerformancePay:
    school = require_school(actor)
    _own_teacher(school, teacher)
    term = clean_term(term)
    value = clean_decimal(
        amount, field="amount", label=_("绩效金额"), places=2, strictly_positive=True
    )
    basis = clean_text(basis, field="basis", label=_("认定依据"), max_length=300)
    hours = require_training_workload(teacher, term)  # R31
    with transaction.atomic():
        row = PerformancePay.objects.create(
            school=school, teacher=teacher, term=term, amount=value, basis=basis
        )
        audit_record(
            actor=actor,
            action="training.pay.record",
            target=row,
            new={"teacher": teacher.pk, "term": term, "amount": value, "hours": hours},
        )
    return row


# --- alliances (R07) ----------------------------------------------------------------------------


def check_one_alliance_per_certificate(school: School, certificate: Certificate) -> None:
    """R07: alliances are formed per certificate category; a school sits in one active alliance
    per certificate."""
    if AllianceMember.objects.filter(
        school=school, alliance__certificate=certificate, alliance__status=AllianceStatus.ACTIVE
    ).exists():
        raise RuleViolation(
            "R07",
            _("%(school)s 已加入“%(cert)s”证书的培训联合体。")
            % {"school": school.name, "cert": certificate.name},
            field="certificate",
        )


def alliance_create(*, actor: Actor, name: str, certificate: Certificate) -> Alliance:
    school = require_school(actor)
    name = clean_text(name, field="name", label=_("联合体名称"), max_length=200)
    check_one_alliance_per_certificate(school, certificate)
    with transaction.atomic():
        alliance = Alliance.objects.create(name=name, certificate=certificate, founder=school)
        AllianceMember.objects.create(alliance=alliance, school=school)
        AllianceEvent.record(
            actor=actor, alliance=alliance, action="create", to_status=alliance.status
        )
        audit_record(
            actor=actor,
            action="training.alliance.create",
            target=alliance,
            new={"name": name, "certificate": certificate.pk, "founder": school.pk},
        )
    return alliance


def alliance_join(*, actor: Actor, alliance: Alliance) -> Alliance:
    school = require_school(actor)

    def add(locked: Alliance) -> dict[str, object]:
        AllianceMember.objects.create(alliance=locked, school=school)
        return {"joined": school.pk}

    return perform(
        ALLIANCE,
        actor=actor,
        obj=alliance,
        action="join",
        check=lambda locked: check_one_alliance_per_certificate(school, locked.certificate),
        related=add,
    )


def alliance_leave(*, actor: Actor, alliance: Alliance) -> Alliance:
    school = require_school(actor)

    def remove(locked: Alliance) -> dict[str, object]:
        locked.members.filter(school=school).delete()
        return {"left": school.pk}

    return perform(ALLIANCE, actor=actor, obj=alliance, action="leave", related=remove)


def check_share(alliance: Alliance, teacher: Teacher, host: School) -> None:
    """R07: a teacher is hired across schools of the same alliance only."""
    members = set(alliance.members.values_list("school_id", flat=True))
    if teacher.school_id not in members or host.pk not in members:
        raise RuleViolation(
            "R07",
            _("互聘教师须在同一培训联合体的成员学校之间进行。"),
            field="teacher",
        )
    if teacher.school_id == host.pk:
        raise InvalidInput(_("互聘教师须来自另一所成员学校。"), field="teacher")


def teacher_share(
    *,
    actor: Actor,
    alliance: Alliance,
    teacher: Teacher,
    host: School,
    term: str,
    hours: Decimal | str,
) -> TeacherShare:
    """A member school records that it hires another member's teacher (R07); either the host or
    the teacher's school records it."""
    school = require_school(actor)
    if school.pk not in (host.pk, teacher.school_id):
        raise InvalidInput(_("只能登记本校聘用或本校教师的互聘。"), field="teacher")
    term = clean_term(term)
    value = clean_decimal(
        hours,
        field="hours",
        label=_("培训学时"),
        places=1,
        maximum=Decimal(5000),
        strictly_positive=True,
    )
    created: list[TeacherShare] = []

    def add(locked: Alliance) -> dict[str, object]:
        created.append(
            TeacherShare.objects.create(
                alliance=locked, teacher=teacher, host_school=host, term=term, hours=value
            )
        )
        return {"teacher": teacher.pk, "host": host.pk, "term": term, "hours": value}

    perform(
        ALLIANCE,
        actor=actor,
        obj=alliance,
        action="share",
        check=lambda locked: check_share(locked, teacher, host),
        related=add,
    )
    return created[0]


def alliance_dissolve(*, actor: Actor, alliance: Alliance, reason: str) -> Alliance:
    return perform(ALLIANCE, actor=actor, obj=alliance, action="dissolve", reason=reason)
