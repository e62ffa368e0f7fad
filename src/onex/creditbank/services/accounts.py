"""Learning accounts and outcomes (R37, R44).

Certificates enter the accounts automatically: the certificates app emits
``certificates.issued`` and ``certificates.status_changed`` once its transaction commits, and
the listeners registered in ``creditbank.shell`` call :func:`outcome_from_certificate` and
:func:`outcome_follow_certificate`; :func:`outcomes_sync` (a Huey periodic task) catches up on
anything missed (a failed listener, certificates issued before the credit bank existed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import Candidate
from onex.certificates.models import CertificateStatus, IssuedCertificate
from onex.core import crypto
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.models import Unit, UnitKind
from onex.core.personal import id_hash_candidates, validate_id_number
from onex.core.workflows import perform
from onex.creditbank.models import (
    AccountOpenedVia,
    LearningAccount,
    LearningOutcome,
    OutcomeEvent,
    OutcomeKind,
    OutcomeStatus,
)
from onex.creditbank.selectors import approved_plan
from onex.creditbank.workflows import LEARNING_OUTCOME
from onex.pilots.models import School

CREDITS_MAX = Decimal("30")  # one course's credits; far above any real course


def _account_view(account: LearningAccount) -> dict[str, Any]:
    return {
        "holder_name": account.holder_name,
        "id_number": account.id_number_masked,
        "opened_via": account.opened_via,
        "learner_unit": account.learner_unit_id,
    }


def _open_account(
    *,
    actor: Actor,
    name: str,
    id_type: str,
    id_number: str,
    via: str,
    learner_unit_id: int | None = None,
) -> LearningAccount:
    account = LearningAccount(holder_name=name, opened_via=via, learner_unit_id=learner_unit_id)
    account.set_id_number(id_type=id_type, value=id_number)
    account.save()
    audit_record(
        actor=actor, action="creditbank.account.open", target=account, new=_account_view(account)
    )
    return account


def _find_account(id_type: str, id_number: str) -> LearningAccount | None:
    hashes = id_hash_candidates(id_type, id_number)
    return LearningAccount.objects.select_for_update().filter(id_number_hash__in=hashes).first()


def _certificate_account(certificate: IssuedCertificate, actor: Actor) -> LearningAccount:
    """The holder's account, opened now if this is the person's first recorded outcome."""
    account = (
        LearningAccount.objects.select_for_update()
        .filter(id_number_hash=certificate.id_number_hash)
        .first()
    )
    if account is None:
        account = LearningAccount(
            holder_name=certificate.holder_name,
            opened_via=AccountOpenedVia.OUTCOME,
            id_type=certificate.id_type,
            # The certificate's keyed hash and mask are the person's; the ciphertext is
            # re-sealed under this model's context (no clear number is shown to anyone here).
            id_number_hash=certificate.id_number_hash,
            id_number_masked=certificate.id_number_masked,
        )
        account.id_number_enc = _reseal(certificate, account)
        try:
            with transaction.atomic():
                account.save()
        except IntegrityError:
            return LearningAccount.objects.get(id_number_hash=certificate.id_number_hash)
        audit_record(
            actor=actor,
            action="creditbank.account.open",
            target=account,
            new=_account_view(account),
        )
    if account.learner_unit_id is None and certificate.holder_unit_id is not None:
        taken = LearningAccount.objects.filter(learner_unit_id=certificate.holder_unit_id).exists()
        if not taken:
            account.learner_unit_id = certificate.holder_unit_id
            account.save(update_fields=["learner_unit"])
    return account


def _reseal(certificate: IssuedCertificate, account: LearningAccount) -> bytes:
    """The certificate's ID number sealed under the account's own context.

    A copy made by the platform is not a person viewing the number: no personal.view event.
    """
    if not certificate.id_number_enc:
        return b""
    number = crypto.decrypt(
        bytes(certificate.id_number_enc), context=certificate._id_number_context()
    )
    return crypto.encrypt(number, context=account._id_number_context())


def certificate_credits(certificate: IssuedCertificate) -> tuple[Decimal, Any]:
    """R44 and R16: the credits a certificate earns: none unless it was issued from an exam
    held on the platform, and then the approved plan's in force on its issue date."""
    if not certificate.platform_examined:
        return Decimal("0"), None
    plan = approved_plan(certificate.certificate_id, certificate.level, certificate.issued_on)
    if plan is None:
        return Decimal("0"), None
    return plan.credits, plan


def outcome_from_certificate(*, certificate: IssuedCertificate) -> LearningOutcome:
    """Enter a certificate into its holder's account (idempotent): one outcome per certificate.

    R44: a certificate entered without a platform exam is recorded but never credited.
    """
    actor = Actor.system()
    with transaction.atomic():
        existing = LearningOutcome.objects.filter(issued_certificate=certificate).first()
        if existing is not None:
            return existing
        account = _certificate_account(certificate, actor)
        credits, plan = certificate_credits(certificate)
        valid = certificate.status == CertificateStatus.VALID
        outcome = LearningOutcome.objects.create(
            account=account,
            kind=OutcomeKind.CERTIFICATE,
            issued_certificate=certificate,
            certificate_id=certificate.certificate_id,
            level=certificate.level,
            creditable=certificate.platform_examined,
            credit_plan=plan,
            title=f"{certificate.certificate.name}（{certificate.get_level_display()}）",
            credits=credits,
            achieved_on=certificate.issued_on,
            status=OutcomeStatus.ACTIVE if valid else OutcomeStatus.SUSPENDED,
            status_reason="" if valid else certificate.status_reason,
        )
        note = (
            ""
            if certificate.platform_examined
            else _("未经本平台考核的证书，仅记录，不计学分（R44）。")
        )
        OutcomeEvent.record(
            actor=actor,
            outcome=outcome,
            action="record",
            from_status="",
            to_status=outcome.status,
            reason=note,
        )
        audit_record(
            actor=actor,
            action="creditbank.outcome.record",
            target=outcome,
            new={
                "certificate": certificate.number,
                "credits": str(credits),
                "creditable": outcome.creditable,
            },
        )
    return outcome


def outcome_follow_certificate(*, certificate: IssuedCertificate) -> LearningOutcome | None:
    """A suspended or revoked certificate suspends its outcome (and so its credits and
    exemptions); a reinstated one restores it. The outcome's timeline keeps each step."""
    outcome = LearningOutcome.objects.filter(issued_certificate=certificate).first()
    if outcome is None:
        return outcome_from_certificate(certificate=certificate)
    status = IssuedCertificate.objects.values_list("status", "status_reason").get(pk=certificate.pk)
    wanted = (
        OutcomeStatus.ACTIVE if status[0] == CertificateStatus.VALID else OutcomeStatus.SUSPENDED
    )
    if outcome.status == wanted:
        return outcome
    label = CertificateStatus(status[0]).label
    reason = _("证书状态：%(s)s。%(r)s") % {"s": label, "r": status[1]}
    return perform(
        LEARNING_OUTCOME,
        actor=Actor.system(),
        obj=outcome,
        action="suspend" if wanted == OutcomeStatus.SUSPENDED else "reinstate",
        reason=reason[:1000],
        changes={"status_reason": reason},
    )


def outcomes_sync() -> dict[str, int]:
    """Enter every certificate not yet in an account and align every outcome's status."""
    created = aligned = 0
    missing = IssuedCertificate.objects.filter(learning_outcome__isnull=True).select_related(
        "certificate"
    )
    for certificate in missing.iterator(chunk_size=500):
        outcome_from_certificate(certificate=certificate)
        created += 1
    stale = LearningOutcome.objects.filter(kind=OutcomeKind.CERTIFICATE).exclude(
        status=OutcomeStatus.ACTIVE, issued_certificate__status=CertificateStatus.VALID
    )
    for outcome in stale.select_related("issued_certificate").iterator(chunk_size=500):
        issued = outcome.issued_certificate
        assert issued is not None
        is_valid = issued.status == CertificateStatus.VALID
        if is_valid != (outcome.status == OutcomeStatus.ACTIVE):
            outcome_follow_certificate(certificate=issued)
            aligned += 1
    return {"created": created, "aligned": aligned}


# --- learners -------------------------------------------------------------------------------------


def account_claim(*, actor: Actor, name: str, id_type: str, id_number: str) -> LearningAccount:
    """A learner opens their account, or claims the one their first outcome opened.

    The name must match the account's; an account already claimed by another login is refused
    with the same answer as a mismatch, so nobody learns whose number it is.
    """
    actor.require(actor.kind == UnitKind.LEARNER, _("只有学习者本人可以开通学习账户。"))
    actor.require_write()
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise InvalidInput(_("请填写姓名（不超过 64 个字符）。"), field="name")
    validate_id_number(id_type, id_number)
    with transaction.atomic():
        mine = LearningAccount.objects.filter(learner_unit_id=actor.unit_id).first()
        if mine is not None:
            raise Conflict(_("您已开通学习账户。"))
        account = _find_account(id_type, id_number)
        if account is None:
            return _open_account(
                actor=actor,
                name=name,
                id_type=id_type,
                id_number=id_number,
                via=AccountOpenedVia.LEARNER,
                learner_unit_id=actor.unit_id,
            )
        if account.holder_name != name or account.learner_unit_id is not None:
            raise InvalidInput(_("姓名与证件号码不匹配，或该账户已由他人开通。"), field="id_number")
        account.learner_unit_id = actor.unit_id
        account.save(update_fields=["learner_unit"])
        audit_record(
            actor=actor,
            action="creditbank.account.claim",
            target=account,
            new={"learner_unit": actor.unit_id},
        )
    return account


def account_link_learner(*, actor: Actor, account: LearningAccount, unit: Unit) -> None:
    """The platform links an account to a learner login (demo data, support desk)."""
    actor.require(actor.is_system, _("只有平台可以直接关联学习账户。"))
    if unit.kind != UnitKind.LEARNER:
        raise InvalidInput(_("只能关联学习者账号。"), field="unit")
    with transaction.atomic():
        if LearningAccount.objects.filter(learner_unit=unit).exclude(pk=account.pk).exists():
            raise Conflict(_("该学习者账号已关联其他学习账户。"))
        old = account.learner_unit_id
        account.learner_unit = unit
        account.save(update_fields=["learner_unit"])
        audit_record(
            actor=actor,
            action="creditbank.account.link",
            target=account,
            old={"learner_unit": old},
            new={"learner_unit": unit.pk},
        )


# --- schools' course outcomes ---------------------------------------------------------------------


def _student(school: School, id_type: str, id_number: str) -> Candidate | None:
    return Candidate.objects.filter(
        school=school, id_number_hash__in=id_hash_candidates(id_type, id_number)
    ).first()


def course_outcome_record(
    *,
    actor: Actor,
    school: School,
    name: str,
    id_type: str,
    id_number: str,
    course: str,
    credits: Decimal,
    score: Decimal | None,
    term: str,
    achieved_on: dt.date | None = None,
    import_job: int | None = None,
) -> LearningOutcome:
    """A school records a course outcome of one of its students (R37, academic outcomes)."""
    actor.require(
        actor.is_system or (actor.kind == UnitKind.SCHOOL and school.unit_id == actor.unit_id),
        _("只有学生所在学校可以记录课程成果。"),
    )
    actor.require_write()
    course = (course or "").strip()
    term = (term or "").strip()
    if not course or len(course) > 100:
        raise InvalidInput(_("请填写课程名称（不超过 100 个字符）。"), field="course")
    if not term or len(term) > 32:
        raise InvalidInput(_("请填写学期（不超过 32 个字符）。"), field="term")
    if credits <= 0 or credits > CREDITS_MAX:
        raise InvalidInput(_("学分应大于 0 且不超过 30。"), field="credits")
    if score is not None and not (Decimal("0") <= score <= Decimal("100")):
        raise InvalidInput(_("成绩应在 0 到 100 之间。"), field="score")
    student = _student(school, id_type, id_number)
    if student is None:
        raise RuleViolation(
            "R37", _("该证件号码不是本校学生，不能记录课程成果。"), field="id_number"
        )
    if student.name != (name or "").strip():
        raise InvalidInput(_("姓名与本校学生名单不一致。"), field="name")
    with transaction.atomic():
        account = _find_account(id_type, id_number) or _open_account(
            actor=actor,
            name=student.name,
            id_type=id_type,
            id_number=id_number,
            via=AccountOpenedVia.OUTCOME,
            learner_unit_id=(
                student.learner_unit_id
                if student.learner_unit_id
                and not LearningAccount.objects.filter(
                    learner_unit_id=student.learner_unit_id
                ).exists()
                else None
            ),
        )
        if LearningOutcome.objects.filter(
            account=account, kind=OutcomeKind.COURSE, school=school, course_name=course, term=term
        ).exists():
            raise Conflict(_("该学生本学期的这门课程成果已记录。"), field="course")
        outcome = LearningOutcome.objects.create(
            account=account,
            kind=OutcomeKind.COURSE,
            school=school,
            course_name=course,
            score=score,
            term=term,
            title=course,
            credits=credits,
            creditable=True,
            achieved_on=achieved_on or timezone.localdate(),
        )
        OutcomeEvent.record(
            actor=actor, outcome=outcome, action="record", from_status="", to_status=outcome.status
        )
        audit_record(
            actor=actor,
            action="creditbank.outcome.record",
            target=outcome,
            new={
                "course": course,
                "credits": str(credits),
                "term": term,
                **({"import_job": import_job} if import_job else {}),
            },
        )
    return outcome
