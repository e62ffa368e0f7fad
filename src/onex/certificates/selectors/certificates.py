"""Reads of issued certificates: scoped lists for officials, orgs, schools and holders, and the
public query and verification (R36), which answer the same "not found" for every mismatch.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from onex.assessment.models import PlanStatus
from onex.assessment.selectors.exams import passed_candidates, plan_scope, result_for_public_query
from onex.catalog.models import Certificate, Level, Org, OrgStatus
from onex.catalog.selectors.orgs import org_of
from onex.certificates.models import (
    CertificateStatus,
    IssuedCertificate,
    IssueJob,
    StatusChange,
)
from onex.certificates.selectors.tallies import entry_counts
from onex.certificates.services.numbering import normalize_number, validate_number
from onex.core import crypto, public_cache
from onex.core.actors import Actor
from onex.core.db_routing import replica_reads
from onex.core.errors import DomainError, NotFound
from onex.core.models import UnitKind
from onex.core.params import id_param
from onex.core.personal import ID_NUMBER_HASH_PURPOSE, normalize
from onex.core.scoping import fetch
from onex.core.search import TRIGRAM
from onex.geo.selectors import divisions_present

# --- scoped reads -----------------------------------------------------------------------------


def certificate_scope(*, actor: Actor) -> QuerySet[IssuedCertificate]:
    """National actors all; a province the exams held there; a city its schools' students';
    an org what it issued; a school its students'; a learner its own certificates."""
    q = actor.region_q(
        province="province",
        city=None,
        unit="org__unit",
        extra=(
            (UnitKind.CITY, Q(school__city_id=actor.city_id)),
            (UnitKind.SCHOOL, Q(school__unit_id=actor.unit_id)),
            (UnitKind.LEARNER, Q(holder_unit_id=actor.unit_id)),
        ),
    )
    return IssuedCertificate.objects.filter(q).select_related(
        "certificate", "org", "province", "school"
    )


# A term that starts with four digits is a certificate number: its first four characters are
# the year of issue (docs/certificate-numbers.md), and neither a name nor the catalogue holds one.
NUMBER_TERM = re.compile(r"[0-9]{4}[0-9A-Z]*")
_NUMBER_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _after_prefix(prefix: str) -> str | None:
    """The smallest string of the number alphabet above every string that starts with
    ``prefix`` ("2023" → "2024", "20Z" → "21"), or None when there is none."""
    chars = list(prefix)
    while chars:
        position = _NUMBER_ALPHABET.find(chars[-1])
        if 0 <= position < len(_NUMBER_ALPHABET) - 1:
            chars[-1] = _NUMBER_ALPHABET[position + 1]
            return "".join(chars)
        chars.pop()
    return None


def certificate_list(
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = None,
    level: str | None = None,
    certificate: int | str | None = None,
    province: str | None = None,
    late: bool | None = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
) -> QuerySet[IssuedCertificate]:
    qs = certificate_scope(actor=actor)
    term = (q or "").strip()
    number = normalize_number(term)
    by_number = bool(NUMBER_TERM.fullmatch(number))
    if by_number:
        # Listed in number order, through the number's index as a range: "2023" matches a
        # third of 10 million certificates, and newest-issued first would walk past every
        # certificate of 2024 and 2025 before the first of 2023 (tens of seconds).
        qs = qs.filter(number__startswith=number, number__gte=number)
        if (upper := _after_prefix(number)) is not None:
            qs = qs.filter(number__lt=upper)
    elif term:
        # The catalogue (about 1,500 certificates) is searched on its own, so that each arm of
        # the OR is a condition on IssuedCertificate's own indexed columns (number prefix,
        # holder-name trigram, certificate_id) and PostgreSQL can combine the three index
        # scans; a joined column in the OR would make it scan every certificate.
        # A trigram index needs three characters: a shorter term (a surname, a two-character
        # name) matches names that start with it, through a prefix index, instead of scanning
        # 10 million names for one inside them (onex.core.search).
        if len(term) >= TRIGRAM:
            by_name = Q(holder_name__icontains=term)
        else:
            by_name = Q(holder_name__startswith=term)
        named = list(Certificate.objects.filter(name__icontains=term).values_list("pk", flat=True))
        qs = qs.filter(Q(number__startswith=number) | by_name | Q(certificate_id__in=named))
    if status:
        if status not in CertificateStatus.values:
            return qs.none()
        qs = qs.filter(status=status)
    if level:
        if level not in Level.values:
            return qs.none()
        qs = qs.filter(level=level)
    if certificate not in (None, ""):
        text = str(certificate).strip()
        pk = id_param(text)
        qs = qs.filter(certificate_id=pk) if pk else qs.filter(certificate__code=text)
    if province:
        qs = qs.filter(province__code=province.strip())
    if late is not None:
        qs = qs.filter(late_entry=late)
    if issued_from is not None:
        qs = qs.filter(issued_on__gte=issued_from)
    if issued_to is not None:
        qs = qs.filter(issued_on__lte=issued_to)
    return qs.order_by("-number") if by_number else qs.order_by("-issued_on", "-pk")


def certificate_get(*, actor: Actor, pk: int | str) -> IssuedCertificate:
    """One certificate, or NotFound when it does not exist or lies outside the jurisdiction."""
    return fetch(certificate_scope(actor=actor), pk=pk)


def certificate_get_by_number(*, actor: Actor, number: str) -> IssuedCertificate:
    return fetch(certificate_scope(actor=actor), number=normalize_number(number))


def certificate_timeline(certificate: IssuedCertificate) -> list[StatusChange]:
    return list(
        StatusChange.objects.filter(certificate=certificate)
        .select_related("user", "unit")
        .order_by("at", "pk")
    )


def certificate_filter_options(*, actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """The certificates and provinces the actor's issued certificates belong to.

    Asked of the catalogue (about 1,500 certificates) and the 31 provinces, one indexed
    ``EXISTS`` each, rather than as a ``DISTINCT`` over every issued certificate in scope
    (2.5 s each at 10 million certificates).
    """
    scope = certificate_scope(actor=actor).order_by()
    certificates = (
        Certificate.objects.filter(Exists(scope.filter(certificate_id=OuterRef("pk"))))
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    return {
        "certificates": [(str(pk), name) for pk, name in certificates],
        "provinces": divisions_present(scope, "province_id"),
        "levels": [(v, str(label)) for v, label in Level.choices],
        "statuses": [(v, str(label)) for v, label in CertificateStatus.choices],
    }


@dataclass(frozen=True)
class Compliance:
    """R15 figures of an org's issued certificates."""

    total: int
    late: int
    unverified: int

    @property
    def on_time(self) -> int:
        return self.total - self.late

    @property
    def late_percent(self) -> int:
        return round(self.late * 100 / self.total) if self.total else 0


def entry_compliance(*, actor: Actor, org: Org | None = None) -> Compliance:
    """Late entries (R15) among the certificates the actor sees (optionally one org's).

    The Ministry, a province and an org read the entry tally (province × org, kept by every
    issue): counting their certificates costs seconds at 10 million. A city, a school or a
    learner sees certificates by the holder's school or unit, which the tally does not hold;
    theirs are few and counted directly.
    """
    org_id = org.pk if org is not None else None
    counts: tuple[int, int, int] | None = None
    if actor.is_national:
        counts = entry_counts(org_id=org_id)
    elif actor.is_kind(UnitKind.PROVINCE):
        # The scope's own condition: the certificate's province is the official's.
        counts = entry_counts(province_id=actor.province_id or 0, org_id=org_id)
    elif actor.is_kind(UnitKind.ORG) and actor.unit_id is not None:
        counts = entry_counts(org_unit_id=actor.unit_id, org_id=org_id)
    if counts is not None:
        total, late, unverified = counts
        return Compliance(total=total, late=late, unverified=unverified)
    qs = certificate_scope(actor=actor)
    if org is not None:
        qs = qs.filter(org=org)
    row = qs.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=Q(late_entry=True)),
        unverified=Count("pk", filter=Q(calendar_unverified=True)),
    )
    return Compliance(total=row["total"], late=row["late"], unverified=row["unverified"])


def issue_job_scope(*, actor: Actor) -> QuerySet[IssueJob]:
    q = actor.region_q(province=None, city=None, unit="org__unit")
    return IssueJob.objects.filter(q).select_related("org", "plan", "user")


def issue_job_get(*, actor: Actor, pk: int | str) -> IssueJob:
    return fetch(issue_job_scope(actor=actor), pk=pk)


def closed_plans_for_issue(*, actor: Actor) -> list[tuple[object, int, int]]:
    """The actor org's closed plans with (plan, passed, already issued), newest first."""
    org = org_of(actor)
    if org is None:
        return []
    plans = list(
        plan_scope(actor=actor).filter(org=org, status=PlanStatus.CLOSED).order_by("-exam_date")
    )
    result: list[tuple[object, int, int]] = []
    for plan in plans:
        passed = passed_candidates(plan=plan)
        result.append(
            (plan, passed.count(), passed.filter(issued_certificate__isnull=False).count())
        )
    return result


# --- public query and verification (R36) ------------------------------------------------------


@dataclass(frozen=True)
class PublicCertificate:
    """What the public sees: masked ID number, no internal ids."""

    number: str
    holder_name: str
    id_number_masked: str
    certificate_name: str
    level: str
    level_label: str
    org_name: str
    issued_on: dt.date
    status: str
    status_label: str
    status_reason: str
    # R44: entered without an exam on the platform (``POST /certificates/enter``).
    platform_examined: bool = True
    # R22: the issuing org's pilot status and its date; a certificate issued before stays valid.
    org_status: str = "active"
    org_status_label: str = ""
    org_status_on: dt.date | None = None

    @classmethod
    def of(cls, c: IssuedCertificate) -> PublicCertificate:
        return cls(
            number=c.number,
            holder_name=c.holder_name,
            id_number_masked=c.id_number_masked,
            certificate_name=c.certificate.name,
            level=c.level,
            level_label=str(c.get_level_display()),
            org_name=c.org.name,
            issued_on=c.issued_on,
            status=c.status,
            status_label=str(c.get_status_display()),
            # A valid certificate shows no reason (a reinstatement's reason stays internal).
            status_reason=c.status_reason if c.status != CertificateStatus.VALID else "",
            platform_examined=c.platform_examined,
            org_status=c.org.status,
            org_status_label=str(c.org.get_status_display()),
            org_status_on=c.org.status_changed_on,
        )

    @classmethod
    def of_row(cls, row: dict[str, Any]) -> PublicCertificate:
        """From a ``_public_rows`` dict: the same answer as ``of`` without a model instance."""
        status = row["status"]
        return cls(
            number=row["number"],
            holder_name=row["holder_name"],
            id_number_masked=row["id_number_masked"],
            certificate_name=row["certificate__name"],
            level=row["level"],
            level_label=str(Level(row["level"]).label),
            org_name=row["org__name"],
            issued_on=row["issued_on"],
            status=status,
            status_label=str(CertificateStatus(status).label),
            status_reason=row["status_reason"] if status != CertificateStatus.VALID else "",
            platform_examined=row["registration_id"] is not None,
            org_status=row["org__status"],
            org_status_label=str(OrgStatus(row["org__status"]).label),
            org_status_on=row["org__status_changed_on"],
        )


def public_not_found() -> NotFound:
    # One answer for every mismatch, whichever field was wrong.
    return NotFound(_("未查询到匹配的证书信息，请核对输入的信息后重试。"), code="not_found")


# Only the columns the public answer shows: public checks come in bursts after every exam
# round, and a values() row skips building three model instances per answer.
_PUBLIC_COLUMNS = (
    "number",
    "holder_name",
    "id_number_masked",
    "certificate__name",
    "level",
    "org__name",
    "issued_on",
    "status",
    "status_reason",
    "registration_id",
    "org__status",
    "org__status_changed_on",
)


def _public_rows(**lookups: Any) -> QuerySet[IssuedCertificate, dict[str, Any]]:
    rows: QuerySet[IssuedCertificate, dict[str, Any]] = (
        IssuedCertificate.objects.filter(**lookups).order_by().values(*_PUBLIC_COLUMNS)
    )
    return rows


# The cache's name for a certificate's public answer (``onex.core.public_cache``), forgotten by
# the services that change it (``certificates.services.status``).
PUBLIC_CACHE_KIND = "certificate"


def _public_one(number: str, counter: public_cache.Counter | None = None) -> dict[str, Any] | None:
    def load() -> dict[str, Any] | None:
        # A unique lookup: no ORDER BY (first() would add one on the model's ordering).
        return next(iter(_public_rows(number=number)[:1]), None)

    return public_cache.cached(PUBLIC_CACHE_KIND, number, load, counter=counter)


def _same_name(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)


@replica_reads
def public_verify(*, number: str, name: str) -> PublicCertificate:
    """Verify by number and holder name; the number's check character is checked first."""
    row = _public_one(validate_number(number))
    if row is None or not _same_name(row["holder_name"], name or ""):
        raise public_not_found()
    return PublicCertificate.of_row(row)


@replica_reads
def public_verify_counted(*, ip: str | None, number: str, name: str) -> PublicCertificate:
    """``public_rate_check`` and ``public_verify`` with one round trip to the cache between them
    (the counter's step and the cached answer's read go together): the API's hot path."""
    counter = public_rate_counter(ip=ip)
    try:
        valid = validate_number(number)
    except DomainError:
        # A malformed number counts too, and a client over the limit hears so first.
        if counter is not None:
            counter.step()
        raise
    row = _public_one(valid, counter)
    if row is None or not _same_name(row["holder_name"], name or ""):
        raise public_not_found()
    return PublicCertificate.of_row(row)


@replica_reads
def public_verify_number(*, number: str) -> PublicCertificate:
    """Verify by number alone (the signed QR link: the signature proves the number was ours)."""
    row = _public_one(validate_number(number))
    if row is None:
        raise public_not_found()
    return PublicCertificate.of_row(row)


@replica_reads
def public_query(*, name: str, id_number: str) -> list[PublicCertificate]:
    """A person's certificates by name and ID number; an empty answer is "not found".

    The number is hashed without format validation so that a malformed number answers exactly
    like a wrong one; it never appears in an error, a log line or a URL.
    """
    name = (name or "").strip()
    normalized = normalize(id_number or "")
    if not name or not normalized:
        raise public_not_found()
    hashes = crypto.keyed_hash_candidates(normalized, purpose=ID_NUMBER_HASH_PURPOSE)
    rows = [
        row
        for row in _public_rows(id_number_hash__in=hashes).order_by("-issued_on", "pk")
        if _same_name(row["holder_name"], name)
    ]
    if not rows:
        raise public_not_found()
    return [PublicCertificate.of_row(row) for row in rows]


@dataclass(frozen=True)
class PublicExamResult:
    holder_name: str
    id_number_masked: str
    admission_ticket: str
    certificate_name: str
    level_label: str
    org_name: str
    exam_date: dt.date
    theory_score: Decimal | None
    practical_score: Decimal | None
    passed: bool | None
    certificate_number: str | None


@replica_reads
def public_exam_result(*, name: str, id_number: str, admission_ticket: str) -> PublicExamResult:
    """One exam's published result by name + ID number + 准考证号, as the national platform
    offers; the assessment app decides what is published. Mismatch: the same "not found"."""
    registration = result_for_public_query(
        name=(name or "").strip(), id_number=id_number or "", admission_ticket=admission_ticket
    )
    if registration is None:
        raise public_not_found()
    plan = registration.plan
    issued = IssuedCertificate.objects.filter(registration=registration).first()
    return PublicExamResult(
        holder_name=registration.candidate.name,
        id_number_masked=registration.candidate.id_number_masked,
        admission_ticket=registration.ticket_number,
        certificate_name=plan.certificate.name,
        level_label=str(plan.get_level_display()),
        org_name=plan.org.name,
        exam_date=plan.exam_date,
        theory_score=registration.theory_score,
        practical_score=registration.practical_score,
        passed=registration.passed,
        certificate_number=issued.number if issued is not None else None,
    )


# --- per-IP rate limit of the public endpoints ------------------------------------------------


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            _("查询过于频繁，请 %(s)s 秒后再试。") % {"s": retry_after},
            details={"retry_after": retry_after},
        )


def public_rate_counter(*, ip: str | None) -> public_cache.Counter | None:
    """The counter of ``ip``'s public queries in the current minute; None without a limit.

    A fixed one-minute window in the shared cache (Redis in production, so every process
    counts together). The IP is the only key: queries need no account.
    """
    limit = int(settings.ONEX_PUBLIC_RATE_PER_MINUTE)
    if limit <= 0:
        return None
    now = time.time()

    def check(count: int) -> None:
        if count > limit:
            raise RateLimited(retry_after=max(1, 60 - int(now % 60)))

    key = f"onex:certificates:public-rate:{ip or '-'}:{int(now // 60)}"
    return public_cache.Counter(key=key, seconds=90, check=check)


def public_rate_check(*, ip: str | None) -> None:
    """Count one public query for ``ip`` in the current minute; RateLimited over the limit."""
    counter = public_rate_counter(ip=ip)
    if counter is not None:
        # One round trip to the cache: public checks come in bursts, and each trip to Redis
        # costs about as much as the lookup itself.
        counter.step()
