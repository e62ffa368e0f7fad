"""Learner accounts: a school's student claims theirs with a code the school handed out; a
member of the public opens theirs with a checked ID number (R35). One account per ID number:
the database refuses a second (``accounts_one_learner_account_per_id_number``)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.accounts.models import ClaimCode, ClaimCodeEvent, ClaimCodeStatus, LearnerAccount
from onex.accounts.selectors.permissions import may_issue_claim_codes, require_account_write
from onex.accounts.services.accounts import clean_email, clean_username
from onex.accounts.services.links import check_password
from onex.accounts.workflows import CLAIM_CODE
from onex.assessment.models import Candidate
from onex.assessment.services.students import candidates_link_learner, check_gender
from onex.certificates.services.issue import holders_link_learner
from onex.core import crypto
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.models import Role, Unit, UnitKind, User
from onex.core.personal import IdType, id_hash_candidates, validate_id_number
from onex.core.policy import policy_value
from onex.core.workflows import perform

CLAIM_CODE_DAYS = "accounts.claim_code_days"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
CODE_LENGTH = 10  # 50 bits; tried only together with an ID number and a name
CODE_PURPOSE = "accounts.claim_code"
_NOT_CODE = re.compile(r"[\s\-]+")

CLAIM_REFUSED = gettext_lazy("证件号码、姓名或认领码不正确，或认领码已使用、已过期。")
ALREADY_OPEN = gettext_lazy("该证件号码已开通学习者账号，请直接登录；忘记密码可通过电子邮箱重置。")


@dataclass(frozen=True)
class IssuedCode:
    code: ClaimCode
    secret: str


def normalize_code(value: str) -> str:
    return _NOT_CODE.sub("", value or "").upper()[:32]


def code_hash(value: str) -> str:
    return crypto.keyed_hash(normalize_code(value), purpose=CODE_PURPOSE)


def claim_codes_issue(
    *, actor: Actor, school_unit: Unit, candidates: list[Candidate]
) -> list[IssuedCode]:
    """New codes for these students of the school (an earlier pending code is revoked)."""
    actor.require(
        may_issue_claim_codes(actor, school_unit), _("只有本校可以为本校学生生成认领码。")
    )
    require_account_write(actor)
    days = int(policy_value(CLAIM_CODE_DAYS))
    issued: list[IssuedCode] = []
    with transaction.atomic():
        for candidate in candidates:
            if candidate.school is None or candidate.school.unit_id != school_unit.pk:
                raise InvalidInput(_("只能为本校学生生成认领码。"))
            if candidate.learner_unit_id is not None:
                continue
            for old in ClaimCode.objects.select_for_update().filter(
                candidate=candidate, status=ClaimCodeStatus.PENDING
            ):
                perform(
                    CLAIM_CODE, actor=actor, obj=old, action="revoke", reason=_("已生成新认领码")
                )
            secret = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
            code = ClaimCode.objects.create(
                candidate=candidate,
                school_unit=school_unit,
                code_hash=code_hash(secret),
                created_by=actor.user,
                expires_at=timezone.now() + dt.timedelta(days=days),
            )
            ClaimCodeEvent.record(actor=actor, action="issue", to_status=code.status, code=code)
            audit_record(
                actor=actor,
                action="accounts.claim_code.issue",
                target=code,
                new={"candidate": candidate.pk, "expires_at": code.expires_at.isoformat()},
            )
            issued.append(IssuedCode(code=code, secret=secret))
    return issued


def claim_code_revoke(*, actor: Actor, code: ClaimCode, reason: str = "") -> ClaimCode:
    return perform(CLAIM_CODE, actor=actor, obj=code, action="revoke", reason=reason)


def _open_account(
    *,
    name: str,
    id_type: str,
    number: str,
    username: str,
    password: str,
    password2: str | None,
    email: str,
    phone: str,
    via: str,
    ip: str | None,
) -> tuple[User, Actor]:
    """Create the learner unit, user and account; the caller is inside a transaction."""
    username = clean_username(username)
    email = clean_email(email)
    candidate_user = User(username=username, display_name=name, email=email)
    check_password(candidate_user, password, password2)
    hashes = id_hash_candidates(id_type, number)
    if LearnerAccount.objects.filter(id_number_hash__in=hashes).exists():
        raise InvalidInput(str(ALREADY_OPEN), field="id_number")
    try:
        with transaction.atomic():
            unit = Unit.objects.create(kind=UnitKind.LEARNER, name=name)
            user = User.objects.create_user(
                username=username,
                password=password,
                email=email,
                unit=unit,
                role=Role.STAFF,
                display_name=name,
                phone=(phone or "").strip()[:32],
            )
            account = LearnerAccount(unit=unit, user=user, name=name, via=via)
            account.set_id_number(id_type=id_type, value=number)
            account.save()
    except IntegrityError:
        # A concurrent claim or registration of the same ID number won the race.
        raise InvalidInput(str(ALREADY_OPEN), field="id_number") from None
    actor = Actor.for_user(user, ip=ip)
    audit_record(actor=actor, action="unit.create", target=unit, new={"kind": UnitKind.LEARNER})
    audit_record(
        actor=actor,
        action=f"accounts.learner.{via}",
        target=account,
        new={"user": user.pk, "unit": unit.pk, "id_number": account.id_number_masked},
    )
    return user, actor


def learner_claim(
    *,
    id_type: str,
    id_number: str,
    name: str,
    code: str,
    username: str,
    password: str,
    password2: str | None = None,
    email: str = "",
    ip: str | None = None,
) -> User:
    """A school's student opens their learner account with the school's claim code."""
    name = (name or "").strip()
    try:
        number = validate_id_number(id_type, id_number)
    except InvalidInput:
        raise InvalidInput(str(CLAIM_REFUSED)) from None
    hashes = id_hash_candidates(id_type, number)
    with transaction.atomic():
        claim = (
            ClaimCode.objects.select_for_update(of=("self",))
            .select_related("candidate")
            .filter(
                code_hash=code_hash(code),
                status=ClaimCodeStatus.PENDING,
                candidate__id_number_hash__in=hashes,
            )
            .first()
        )
        if claim is None or claim.is_expired() or claim.candidate.name != name:
            raise InvalidInput(str(CLAIM_REFUSED))
        user, actor = _open_account(
            name=name,
            id_type=id_type,
            number=number,
            username=username,
            password=password,
            password2=password2,
            email=email,
            phone="",
            via="claim",
            ip=ip,
        )
        claim.status = ClaimCodeStatus.USED
        claim.used_at = timezone.now()
        claim.save(update_fields=["status", "used_at"])
        ClaimCodeEvent.record(
            actor=actor,
            action="use",
            from_status=ClaimCodeStatus.PENDING,
            to_status=ClaimCodeStatus.USED,
            code=claim,
        )
        audit_record(
            actor=actor,
            action="accounts.claim_code.use",
            target=claim,
            old={"status": ClaimCodeStatus.PENDING},
            new={"status": ClaimCodeStatus.USED},
        )
        assert user.unit is not None
        candidates_link_learner(actor=actor, id_number_hashes=hashes, learner_unit=user.unit)
        holders_link_learner(actor=actor, id_number_hashes=hashes, learner_unit=user.unit)
    return user


def learner_register(
    *,
    name: str,
    id_type: str,
    id_number: str,
    gender: str,
    username: str,
    password: str,
    password2: str | None = None,
    email: str = "",
    phone: str = "",
    ip: str | None = None,
) -> User:
    """A member of the public opens a learner account with a checked ID number (R35)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写姓名。"), field="name")
    if id_type not in IdType.values:
        raise InvalidInput(_("证件类型无效。"), field="id_type")
    number = validate_id_number(id_type, id_number)
    check_gender(id_type=id_type, id_number=number, gender=gender)
    with transaction.atomic():
        user, _actor = _open_account(
            name=name,
            id_type=id_type,
            number=number,
            username=username,
            password=password,
            password2=password2,
            email=email,
            phone=phone,
            via="register",
            ip=ip,
        )
    return user
