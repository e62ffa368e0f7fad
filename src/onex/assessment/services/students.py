"""Students (candidates): a school's pilot students and the public learners' own records."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onex.assessment.models import (
    Candidate,
)
from onex.assessment.selectors.exams import (
    candidate_get,
)
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.models import Unit, UnitKind
from onex.core.personal import (
    Gender,
    IdType,
    gender_from_resident_id,
    id_hash_candidates,
    validate_id_number,
)
from onex.pilots.models import School, Specialty
from onex.pilots.services.schools import require_school_in_pilot


def candidate_reveal_id(*, actor: Actor, candidate: Candidate) -> str:
    """The clear ID number, for the candidate's school or the candidate (audited)."""
    candidate = candidate_get(actor=actor, pk=candidate.pk)
    actor.require(
        actor.is_system
        or (candidate.school is not None and actor.unit_id == candidate.school.unit_id)
        or (actor.kind == UnitKind.LEARNER and candidate.learner_unit_id == actor.unit_id)
    )
    return candidate.reveal_id_number(actor=actor)


def _candidate_dict(c: Candidate) -> dict[str, Any]:
    # Masked number only: the audit log never holds a clear ID number.
    return {
        "name": c.name,
        "id_type": c.id_type,
        "id_number": c.id_number_masked,
        "gender": c.gender,
        "specialty": c.specialty_id,
        "grade": c.grade,
        "poor_household": c.poor_household,
        "phone": c.phone,
    }


def check_gender(*, id_type: str, id_number: str, gender: str) -> None:
    if gender not in Gender.values:
        raise InvalidInput(_("性别无效。"), field="gender")
    if id_type == IdType.RESIDENT and gender_from_resident_id(id_number) != gender:
        raise InvalidInput(_("性别与居民身份证号码不一致。"), field="gender")


def _require_school_writer(actor: Actor, school: School) -> None:
    actor.require(
        actor.is_system or (actor.kind == UnitKind.SCHOOL and actor.unit_id == school.unit_id),
        _("只能管理本校的学生。"),
    )
    actor.require_write()


def student_upsert(
    *,
    actor: Actor,
    school: School,
    name: str,
    id_type: str,
    id_number: str,
    gender: str,
    specialty: Specialty | None,
    grade: str = "",
    poor_household: bool = False,
    phone: str = "",
    import_job: int | None = None,
) -> tuple[Candidate, str]:
    """Create or update a school's student, keyed by the ID hash within the school.

    Returns the student and ``created``/``updated``/``unchanged`` (re-import is a no-op).
    """
    _require_school_writer(actor, school)
    require_school_in_pilot(school)  # R23: a disqualified school registers no students
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写姓名。"), field="name")
    number = validate_id_number(id_type, id_number)
    check_gender(id_type=id_type, id_number=number, gender=gender)
    if specialty is not None and specialty.school_id != school.pk:
        raise InvalidInput(_("该专业不属于本校。"), field="specialty")
    with transaction.atomic():
        existing = (
            Candidate.objects.select_for_update(of=("self",))
            .filter(school=school, id_number_hash__in=id_hash_candidates(id_type, number))
            .first()
        )
        candidate = existing or Candidate(school=school, province=school.province, city=school.city)
        old = _candidate_dict(candidate) if existing else None
        candidate.set_id_number(id_type=id_type, value=number)
        candidate.name = name
        candidate.gender = gender
        candidate.specialty = specialty
        candidate.grade = (grade or "").strip()
        candidate.poor_household = bool(poor_household)
        candidate.phone = (phone or "").strip()
        new = _candidate_dict(candidate)
        if old == new:
            return candidate, "unchanged"
        candidate.save()
        audit_record(
            actor=actor,
            action="assessment.student_import" if import_job else "assessment.student_save",
            target=candidate,
            old=old,
            new={**new, **({"import_job": import_job} if import_job else {})},
        )
    return candidate, ("updated" if existing else "created")


def learner_candidate(
    *,
    actor: Actor,
    name: str,
    id_type: str,
    id_number: str,
    gender: str,
    phone: str = "",
    poor_household: bool = False,
) -> Candidate:
    """The member-of-the-public record of a learner account (R35), created on first use.

    A second learner account cannot claim an ID number already linked to another account.
    """
    actor.require(actor.kind == UnitKind.LEARNER, _("只有学习者本人可以自主报名。"))
    actor.require_write()
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写姓名。"), field="name")
    number = validate_id_number(id_type, id_number)
    check_gender(id_type=id_type, id_number=number, gender=gender)
    with transaction.atomic():
        existing = (
            Candidate.objects.select_for_update(of=("self",))
            .filter(school__isnull=True, id_number_hash__in=id_hash_candidates(id_type, number))
            .first()
        )
        if existing is not None:
            if existing.learner_unit_id not in (None, actor.unit_id):
                raise InvalidInput(
                    _("该证件号码已由其他学习者账号使用，请联系平台管理员。"), field="id_number"
                )
            if existing.name != name:
                raise InvalidInput(_("姓名与该证件号码的登记信息不一致。"), field="name")
            if existing.learner_unit_id is None:
                existing.learner_unit = actor.unit
                existing.save(update_fields=["learner_unit", "updated_at"])
                audit_record(
                    actor=actor,
                    action="assessment.candidate_link",
                    target=existing,
                    new={"learner_unit": actor.unit_id},
                )
            return existing
        candidate = Candidate(
            name=name,
            gender=gender,
            phone=(phone or "").strip(),
            poor_household=bool(poor_household),
            learner_unit=actor.unit,
        )
        candidate.set_id_number(id_type=id_type, value=number)
        candidate.save()
        audit_record(
            actor=actor,
            action="assessment.candidate_create",
            target=candidate,
            new=_candidate_dict(candidate),
        )
    return candidate


def candidates_link_learner(
    *, actor: Actor, id_number_hashes: list[str], learner_unit: Unit
) -> int:
    """Link every candidate record of one person (by ID hash) to their new learner account.

    Called by accounts when a student claims, or a member of the public opens, the learner
    account of this ID number: the learner then sees their own registrations and results.
    Records already linked to another learner account are left alone. Returns how many rows
    were linked (each audited).
    """
    actor.require(actor.is_system or actor.unit_id == learner_unit.pk)
    linked = 0
    with transaction.atomic():
        rows = Candidate.objects.select_for_update(of=("self",)).filter(
            id_number_hash__in=id_number_hashes, learner_unit__isnull=True
        )
        for candidate in rows:
            candidate.learner_unit = learner_unit
            candidate.save(update_fields=["learner_unit", "updated_at"])
            audit_record(
                actor=actor,
                action="assessment.candidate_link",
                target=candidate,
                new={"learner_unit": learner_unit.pk},
            )
            linked += 1
    return linked
