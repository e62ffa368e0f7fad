"""The learner's whole learning account as one signed 1EdTech Comprehensive Learner Record 2.0.

What the record is (docs/adr/0004-comprehensive-learner-record.md):
- a ``ClrCredential`` (W3C VC 2.0; contexts VC 2.0, CLR 2.0.1, OB 3.0.3 in the order the CLR
  spec requires) issued by the platform's DID and secured by the same ``eddsa-rdfc-2022``
  Data Integrity proof as the certificate credentials
  (:func:`onex.certificates.services.credentials.sign_document`), so the same outside
  verifier checks it offline;
- its ``ClrSubject.verifiableCredential`` holds, for every **active** outcome of the account:
  - a certificate: the certificate's own signed ``OpenBadgeCredential``, byte for byte the
    document the holder downloads on the certificate page (own proof, own status entries);
    when the credit bank credits it (R44: issued from a platform exam, with an approved credit
    recording plan, R16), also a credit credential: an ``OpenBadgeCredential`` whose
    achievement is the same certificate level with ``creditsAvailable`` and whose subject
    has ``creditsEarned``. A certificate entered without a platform exam is embedded (shown)
    and gets no credit credential (R44: never credited);
  - a course outcome recorded by a school: an ``OpenBadgeCredential`` whose achievement is
    the course (``achievementType: Course``, ``creditsAvailable``) and whose subject has the
    ``creditsEarned``, the ``term`` and the score as a ``Result``;
- **suspended outcomes are left out**: a revoked or suspended certificate and the credits that
  came from it are not in the record (the account page keeps them, with their history). A
  record exported before a revocation still embeds the certificate credential, whose status
  entries tell any verifier that it was revoked later.
- holder privacy as in the certificate credential (ADR 0003): the subject is named by the
  printed name (as on the certificate) and an ``IdentityObject`` whose hash is salted with a
  secret per account (the record's identity check code, shown only to the learner); no ID
  number, masked or clear, and no salt in the document.

Conversion exemptions (R37) are school decisions about a specialty's courses, not outcomes
of the learner; they stay on the account page and are not in the record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.certificates import contexts
from onex.certificates.services import credentials
from onex.core import crypto
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, NotFound
from onex.core.models import UnitKind
from onex.creditbank.models import LearningAccount, LearningOutcome, OutcomeKind, OutcomeStatus

__all__ = [
    "CLR_CONTEXT",
    "SALT_CONTEXT",
    "ClrContents",
    "build_clr",
    "clr_contents",
    "clr_download",
    "clr_identity_code",
    "own_account",
]

# The order the CLR 2.0 spec requires (VC 2.0, CLR 2.0.1, OB 3.0.3).
CLR_CONTEXT = [contexts.CREDENTIALS_V2, contexts.CLR_V2P0, contexts.OB_V3P0]
# Fixed, not translated: a credential's content must not depend on the request's language.
CLR_NAME = "1+X 证书制度试点管理平台 学分银行综合学习记录"
CLR_DESCRIPTION = (
    "个人学习账户中有效的学习成果：平台颁发的职业技能等级证书（内含证书本身的可验证凭证）、"
    "学分银行认定的证书学分，以及院校记录的学历教育课程成果与学分。"
    "已暂停的成果（证书被撤销或暂停）不在本记录中。"
)
SALT_CONTEXT = "creditbank.learningaccount.clr_identity_salt"
# A stable namespace for the ids of courses and credit credentials (UUID v5 of their keys).
_NAMESPACE = uuid.UUID("6f1c2d0e-5b7a-4c59-9a43-1c0de5c1a2b0")
_CHINA_OFFSET = "+08:00"


def _base() -> str:
    return str(settings.ONEX_PUBLIC_URL).rstrip("/")


def _date_time(value: dt.date) -> str:
    return f"{value.isoformat()}T00:00:00{_CHINA_OFFSET}"


def _now() -> str:
    now = timezone.now().astimezone(dt.timezone.utc).replace(microsecond=0)
    return now.isoformat()[:-6] + "Z"


def _number(value: Decimal) -> int | float:
    """A JSON number both JSON-LD processors canonicalize alike.

    ``xsd:float`` terms take a number; PyLD writes a Python float 3.0 as ``3.0E0`` while a
    JavaScript verifier parses it as 3 and writes ``3``: whole numbers go out as integers.
    """
    return int(value) if value == value.to_integral_value() else float(value)


def _uid(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, ':'.join(str(part) for part in parts))}"


# --- identity (ADR 0003) --------------------------------------------------------------------------


def _salt(account: LearningAccount) -> str:
    """The account's secret salt for its records, created on first use."""
    if account.clr_identity_salt_enc:
        return crypto.decrypt(bytes(account.clr_identity_salt_enc), context=SALT_CONTEXT).decode()
    with transaction.atomic():
        locked = LearningAccount.objects.select_for_update().get(pk=account.pk)
        if not locked.clr_identity_salt_enc:  # a concurrent first export may have set it
            locked.clr_identity_salt_enc = crypto.encrypt(
                credentials.new_salt(), context=SALT_CONTEXT
            )
            locked.save(update_fields=["clr_identity_salt_enc"])
    account.clr_identity_salt_enc = locked.clr_identity_salt_enc
    return crypto.decrypt(bytes(locked.clr_identity_salt_enc), context=SALT_CONTEXT).decode()


def _identity(account: LearningAccount, salt: str) -> dict[str, Any]:
    # The clear number is read once per export, audited as a platform view of personal data.
    number = account.reveal_id_number(actor=Actor.system())
    return {
        "type": "IdentityObject",
        "identityHash": credentials.identity_hash(number, salt),
        "identityType": credentials.IDENTITY_TYPE,
        "hashed": True,
        # No "salt": it is the holder's identity check code (ADR 0003).
    }


# --- the record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClrContents:
    """What an export holds and leaves out (for the page, before the learner downloads)."""

    certificates: list[LearningOutcome]  # embedded certificate credentials
    credited: list[LearningOutcome]  # certificates with a credit credential
    uncredited: list[LearningOutcome]  # R44: shown, never credited
    courses: list[LearningOutcome]
    suspended: list[LearningOutcome]  # left out

    @property
    def credits(self) -> Decimal:
        return sum((o.credits for o in self.credited + self.courses), Decimal("0"))

    @property
    def empty(self) -> bool:
        return not self.certificates and not self.courses


def _examined(outcome: LearningOutcome) -> bool:
    """R44, checked again on the certificate itself: only a certificate issued from an exam
    held on the platform is credited, whatever credits its outcome row carries."""
    issued = outcome.issued_certificate
    return outcome.creditable and issued is not None and issued.platform_examined


def clr_contents(account: LearningAccount) -> ClrContents:
    outcomes = list(
        account.outcomes.select_related(
            "issued_certificate__certificate",
            "issued_certificate__org",
            "certificate",
            "school",
            "credit_plan",
        ).order_by("achieved_on", "pk")
    )
    active = [o for o in outcomes if o.status == OutcomeStatus.ACTIVE]
    certificates = [
        o for o in active if o.kind == OutcomeKind.CERTIFICATE and o.issued_certificate is not None
    ]
    return ClrContents(
        certificates=certificates,
        credited=[o for o in certificates if _examined(o) and o.credits > 0],
        uncredited=[o for o in certificates if not _examined(o)],
        courses=[o for o in active if o.kind == OutcomeKind.COURSE],
        suspended=[o for o in outcomes if o.status != OutcomeStatus.ACTIVE],
    )


def _issuer() -> dict[str, Any]:
    return {
        "id": credentials.issuer_did(),
        "type": ["Profile"],
        "name": credentials.ISSUER_NAME,
        "url": f"{_base()}/",
    }


def _subject(account: LearningAccount, identity: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": ["AchievementSubject"],
        # The name as printed on the certificates (the certificate credential shows it too).
        "name": account.holder_name,
        "identifier": [identity],
    }


def _credit_credential(
    account: LearningAccount, outcome: LearningOutcome, identity: dict[str, Any]
) -> dict[str, Any]:
    issued = outcome.issued_certificate
    assert issued is not None
    catalog = issued.certificate
    name = f"{catalog.name}（{issued.get_level_display()}）"
    plan = outcome.credit_plan
    described = f"（{plan.outcome_description}）" if plan and plan.outcome_description else ""
    narrative = (
        f"通过平台组织的{name}考核并取得证书（R44）；学分依据国家学分银行认定的学分记录方案"
        f"{described}记录。"
    )
    return {
        "@context": [contexts.CREDENTIALS_V2, contexts.OB_V3P0],
        "id": _uid("credit", outcome.pk, outcome.credits),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": _issuer(),
        "validFrom": _date_time(outcome.achieved_on),
        "name": f"{name} 学分认定",
        "credentialSubject": {
            **_subject(account, identity),
            "achievement": {
                # The same achievement as the certificate credential's.
                "id": f"{_base()}/catalog/certificates/{quote(catalog.code)}/#{issued.level}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": name,
                "description": f"1+X 职业技能等级证书：{name}，证书编号 {issued.number}。",
                "criteria": {"narrative": narrative},
                "humanCode": catalog.code,
                "creditsAvailable": _number(outcome.credits),
                "creator": {
                    "id": f"{_base()}/catalog/orgs/{issued.org_id}/",
                    "type": ["Profile"],
                    "name": issued.org.name,
                },
            },
            "creditsEarned": _number(outcome.credits),
        },
    }


def _course_credential(
    account: LearningAccount, outcome: LearningOutcome, identity: dict[str, Any]
) -> dict[str, Any]:
    school = outcome.school
    assert school is not None
    subject: dict[str, Any] = {
        **_subject(account, identity),
        "achievement": {
            "id": _uid("course", school.pk, outcome.course_name),
            "type": ["Achievement"],
            "achievementType": "Course",
            "name": outcome.course_name,
            "description": f"{school.name} 学历教育课程：{outcome.course_name}。",
            "criteria": {
                "narrative": f"修读{school.name}开设的课程“{outcome.course_name}”并考核合格。"
            },
            "creditsAvailable": _number(outcome.credits),
            "creator": {
                "id": f"{_base()}/pilots/schools/{school.pk}/",
                "type": ["Profile"],
                "name": school.name,
            },
        },
        "creditsEarned": _number(outcome.credits),
    }
    if outcome.term:
        subject["term"] = outcome.term
    if outcome.score is not None:
        subject["result"] = [{"type": ["Result"], "value": str(outcome.score)}]
    return {
        "@context": [contexts.CREDENTIALS_V2, contexts.OB_V3P0],
        "id": _uid("course-outcome", outcome.pk, outcome.credits, outcome.score, outcome.term),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": _issuer(),
        "validFrom": _date_time(outcome.achieved_on),
        "name": f"{outcome.course_name}（{outcome.term}）" if outcome.term else outcome.course_name,
        "credentialSubject": subject,
    }


def build_clr(account: LearningAccount, contents: ClrContents) -> dict[str, Any]:
    """The signed record of ``account`` (its members signed one by one, then the whole)."""
    if contents.empty:
        raise Conflict(_("学习账户中还没有可导出的有效学习成果。"))
    identity = _identity(account, _salt(account))
    members: list[dict[str, Any]] = []
    for outcome in contents.certificates:
        assert outcome.issued_certificate is not None
        members.append(credentials.credential_for(outcome.issued_certificate))
        if outcome in contents.credited:
            members.append(
                credentials.sign_document(_credit_credential(account, outcome, identity))
            )
    members.extend(
        credentials.sign_document(_course_credential(account, outcome, identity))
        for outcome in contents.courses
    )
    record = {
        "@context": list(CLR_CONTEXT),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": _issuer(),
        "validFrom": _now(),
        "name": CLR_NAME,
        "description": CLR_DESCRIPTION,
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [identity],
            "verifiableCredential": members,
        },
    }
    return credentials.sign_document(record)


# --- the learner's moves -------------------------------------------------------------------------


def own_account(actor: Actor) -> LearningAccount:
    """The learner's own account; everyone else (and a learner without one) gets 404."""
    account = None
    if actor.kind == UnitKind.LEARNER and actor.unit_id is not None:
        account = LearningAccount.objects.filter(learner_unit_id=actor.unit_id).first()
    if account is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    return account


def clr_download(*, actor: Actor) -> dict[str, Any]:
    """The learner's signed Comprehensive Learner Record (audited)."""
    account = own_account(actor)
    contents = clr_contents(account)
    document = build_clr(account, contents)
    audit_record(
        actor=actor,
        action="creditbank.clr_download",
        target=account,
        new={
            "certificates": len(contents.certificates),
            "courses": len(contents.courses),
            "left_out": len(contents.suspended),
        },
    )
    return document


def clr_identity_code(*, actor: Actor) -> str:
    """The secret salt of the record's identity hash, for the learner to give a verifier."""
    return _salt(own_account(actor))
