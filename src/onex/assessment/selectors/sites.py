"""Reads of assessment plans, site conditions, brand words and complaints, site applications,
registered sites and coverage (R09–R12), each scoped to the actor.

Other apps call ``registered_sites`` and ``plan_for``/``plan_verdict``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from onex.assessment.models import (
    AssessmentPlan,
    BrandComplaint,
    BrandWord,
    ComplaintStatus,
    Site,
    SiteApplication,
    SiteApplicationStatus,
    SiteCertificate,
    SiteCondition,
    SiteStatus,
)
from onex.assessment.selectors.fees import (
    fee_standards_above_ceiling,
    fee_versions_to_review,
    negotiations_to_agree,
)
from onex.catalog.models import Certificate
from onex.core.actors import Actor
from onex.core.errors import NotFound
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models.applications import CONFIRMED_STATUSES
from onex.pilots.selectors.applications import application_scope

# --- permissions ---------------------------------------------------------------------------


def plan_for(certificate: Certificate) -> AssessmentPlan | None:
    """The certificate's published assessment plan (public), or None."""
    return AssessmentPlan.objects.filter(certificate=certificate).first()


def plan_verdict(*, plan: AssessmentPlan, theory: Decimal, practical: Decimal) -> bool:
    """Pass when both parts reach the plan's pass lines (the exams engineer computes results)."""
    return theory >= plan.theory_pass and practical >= plan.practical_pass


def plan_list(*, q: str = "") -> QuerySet[AssessmentPlan]:
    """Published plans, public."""
    qs = AssessmentPlan.objects.select_related("certificate", "org")
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(certificate__name__icontains=term)
            | Q(certificate__code__iexact=term)
            | Q(org__name__icontains=term)
        )
    return qs.order_by("certificate__code")


# Shipped defaults; admins edit the table (the first edit copies these in).
DEFAULT_BRAND_PHRASES: tuple[str, ...] = (
    "指定品牌",
    "指定厂家",
    "指定供应商",
    "型号",
    "必须采购",
    "须采购",
    "原厂",
    "授权经销商",
)


DEFAULT_BRAND_PATTERNS: tuple[str, ...] = (
    # Model designations such as IRB120, KR6-R900, S7-1200: letters followed by digits.
    r"\b[A-Za-z]{1,6}-?\d{2,}[A-Za-z0-9-]*\b",
    r"品牌[:：]",
)


def _normalize(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def active_brand_words() -> tuple[list[str], list[str]]:
    """(phrases, patterns) in force. An empty table means the shipped defaults."""
    if not BrandWord.objects.exists():
        return list(DEFAULT_BRAND_PHRASES), list(DEFAULT_BRAND_PATTERNS)
    rows = list(BrandWord.objects.filter(is_active=True).values_list("word", "is_pattern"))
    return [w for w, p in rows if not p], [w for w, p in rows if p]


def find_brand_terms(text: str) -> list[str]:
    """Brand words and model designations found in ``text`` (R12)."""
    normalized = unicodedata.normalize("NFKC", text)
    compact = _normalize(text)
    phrases, patterns = active_brand_words()
    found = [p for p in phrases if p and _normalize(p).casefold() in compact.casefold()]
    for pattern in patterns:
        try:
            found.extend(m.group(0) for m in re.finditer(pattern, normalized, flags=re.IGNORECASE))
        except re.error:  # a bad admin pattern must not block every publication
            continue
    return list(dict.fromkeys(found))


def brand_word_list() -> list[BrandWord]:
    """Rows for the admin page; with an empty table, the defaults (unsaved) so admins see them."""
    rows = list(BrandWord.objects.all())
    if rows:
        return rows
    return [BrandWord(word=w, is_pattern=False) for w in DEFAULT_BRAND_PHRASES] + [
        BrandWord(word=p, is_pattern=True) for p in DEFAULT_BRAND_PATTERNS
    ]


def brand_word_get(*, pk: int) -> BrandWord:
    return fetch(BrandWord.objects.all(), pk=pk)


def condition_for(certificate: Certificate) -> SiteCondition | None:
    return SiteCondition.objects.filter(certificate=certificate).first()


def complaint_list(*, actor: Actor, status: str = "", q: str = "") -> QuerySet[BrandComplaint]:
    """Visible to the Ministry, the school's province and the school itself (not the org)."""
    scope = actor.region_q(province="province", city=None, unit="school__unit")
    if actor.kind in (UnitKind.ORG, UnitKind.LEARNER, UnitKind.CITY):
        scope = Q(pk__in=[])
    qs = BrandComplaint.objects.filter(scope).select_related(
        "school", "org", "certificate", "province", "handled_by"
    )
    if status in ComplaintStatus.values:
        qs = qs.filter(status=status)
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(school__name__icontains=term) | Q(org__name__icontains=term) | Q(text__icontains=term)
        )
    return qs.order_by("-created_at", "-pk")


def complaint_get(*, actor: Actor, pk: int) -> BrandComplaint:
    return fetch(complaint_list(actor=actor), pk=pk)


def _application_scope(actor: Actor) -> Q:
    extra: list[tuple[str, Q]] = []
    if actor.unit is not None:
        extra = [
            (UnitKind.ORG, Q(org__unit=actor.unit)),
            (UnitKind.SCHOOL, Q(school__unit=actor.unit)),
        ]
    return actor.region_q(province="province", city="city", extra=extra)


def site_application_list(
    *, actor: Actor, status: str = "", q: str = "", certificate: Certificate | None = None
) -> QuerySet[SiteApplication]:
    qs = SiteApplication.objects.filter(_application_scope(actor)).select_related(
        "school", "certificate", "org", "province", "city", "site"
    )
    if status in SiteApplicationStatus.values:
        qs = qs.filter(status=status)
    if certificate is not None:
        qs = qs.filter(certificate=certificate)
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(school__name__icontains=term)
            | Q(certificate__name__icontains=term)
            | Q(address__icontains=term)
        )
    return qs.order_by("-submitted_at", "-pk")


def site_application_get(*, actor: Actor, pk: int) -> SiteApplication:
    return fetch(site_application_list(actor=actor), pk=pk)


def site_applications_to_review(*, actor: Actor) -> QuerySet[SiteApplication]:
    """The actor's to-do: the org's submitted ones, the province's org-approved ones."""
    if actor.kind == UnitKind.ORG:
        return site_application_list(actor=actor, status=SiteApplicationStatus.SUBMITTED)
    if actor.kind == UnitKind.PROVINCE:
        return site_application_list(actor=actor, status=SiteApplicationStatus.ORG_APPROVED)
    return SiteApplication.objects.none()


def registered_sites(
    *,
    province: Division | None = None,
    certificate: Certificate | None = None,
    level: str | None = None,
) -> QuerySet[Site]:
    """Active registered sites, optionally for a province and a certificate (and level)."""
    qs = Site.objects.filter(status=SiteStatus.ACTIVE)
    if province is not None:
        qs = qs.filter(province=province)
    if certificate is not None or level is not None:
        lines = SiteCertificate.objects.all()
        if certificate is not None:
            lines = lines.filter(certificate=certificate)
        if level is not None:
            lines = lines.filter(level=level)
        qs = qs.filter(pk__in=lines.values("site_id"))
    return qs.select_related("school", "province", "city").order_by("code")


def site_list(
    *,
    q: str = "",
    province: Division | None = None,
    certificate: Certificate | None = None,
) -> QuerySet[Site]:
    qs = registered_sites(province=province, certificate=certificate).prefetch_related(
        "certificates__certificate"
    )
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(code__iexact=term)
            | Q(school__name__icontains=term)
            | Q(address__icontains=term)
            | Q(city__name__icontains=term)
        )
    return qs


def site_get(*, pk: int) -> Site:
    return fetch(site_list(), pk=pk)


def site_certificate_lines(site: Site) -> list[tuple[Certificate, list[str]]]:
    """(certificate, level labels) of a site, from its prefetched lines."""
    grouped: dict[int, tuple[Certificate, list[str]]] = {}
    for line in site.certificates.all():
        entry = grouped.setdefault(line.certificate_id, (line.certificate, []))
        entry[1].append(str(line.get_level_display()))
    return list(grouped.values())


def confirmed_pilot_counts(
    *, province_id: int | None = None, certificate_id: int | None = None
) -> dict[tuple[int, int, int], int]:
    """Confirmed pilot schools per (province, certificate, city).

    Adapter over the pilots app: its ``application_scope`` selector (with the platform's national
    reach) in the confirmed statuses, since it offers no per-city count of confirmed pilots.
    """
    qs = application_scope(actor=Actor.system()).filter(status__in=CONFIRMED_STATUSES)
    if province_id is not None:
        qs = qs.filter(province_id=province_id)
    if certificate_id is not None:
        qs = qs.filter(certificate_id=certificate_id)
    rows = qs.values("province_id", "certificate_id", "city_id").annotate(
        n=Count("school_id", distinct=True)
    )
    return {(r["province_id"], r["certificate_id"], r["city_id"]): r["n"] for r in rows}


@dataclass(frozen=True)
class CoverageRow:
    province: Division
    city: Division
    certificate: Certificate
    pilot_schools: int
    sites: int

    @property
    def covered(self) -> bool:
        return self.sites > 0


@dataclass
class CoverageReport:
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def gaps(self) -> list[CoverageRow]:
        return [r for r in self.rows if not r.covered]

    @property
    def cities(self) -> int:
        return len(self.rows)

    def gaps_by_province(self) -> list[tuple[str, int, int]]:
        """(province name, cities needing a site, of which uncovered) for the national chart."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.rows:
            entry = totals[row.province.name]
            entry[0] += 1
            entry[1] += 0 if row.covered else 1
        return [(name, t[0], t[1]) for name, t in sorted(totals.items())]

    def by_city(self) -> list[tuple[str, int, int]]:
        """(city name, pilot schools, sites) summed over certificates, for a province's chart."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.rows:
            entry = totals[row.city.name]
            entry[0] += 1
            entry[1] += 0 if row.covered else 1
        return [(name, t[0], t[1]) for name, t in sorted(totals.items())]


def _coverage_province(actor: Actor, province: Division | None) -> Division | None:
    if actor.is_national or actor.kind == UnitKind.ORG:
        return province
    if actor.kind in (UnitKind.PROVINCE, UnitKind.CITY) and actor.unit is not None:
        own = actor.unit.province
        if province is not None and own is not None and province.pk != own.pk:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        return own
    actor.require(False, _("只有教育行政部门和培训评价组织可以查看站点覆盖情况。"))
    return None


def coverage_report(
    *,
    actor: Actor,
    province: Division | None = None,
    certificate: Certificate | None = None,
    gaps_only: bool = False,
) -> CoverageReport:
    """R11: per province, certificate and prefecture-level city with confirmed pilot schools,
    the number of registered sites for that certificate there; rows with none are the gaps.

    Scope: national actors see every province, a province (or city bureau) its province, an org
    its own certificates.
    """
    province = _coverage_province(actor, province)
    counts = confirmed_pilot_counts(
        province_id=province.pk if province else None,
        certificate_id=certificate.pk if certificate else None,
    )
    if actor.kind == UnitKind.ORG:
        own = set(Certificate.objects.filter(org__unit=actor.unit).values_list("pk", flat=True))
        counts = {k: v for k, v in counts.items() if k[1] in own}
    if actor.kind == UnitKind.CITY:
        counts = {k: v for k, v in counts.items() if k[2] == actor.city_id}
    if not counts:
        return CoverageReport()
    lines = SiteCertificate.objects.filter(
        site__status=SiteStatus.ACTIVE,
        certificate_id__in={k[1] for k in counts},
        site__province_id__in={k[0] for k in counts},
    ).values("site__province_id", "certificate_id", "site__city_id", "site_id")
    sites: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for line in lines:
        key = (line["site__province_id"], line["certificate_id"], line["site__city_id"])
        sites[key].add(line["site_id"])
    divisions = Division.objects.in_bulk({k[0] for k in counts} | {k[2] for k in counts})
    certificates = Certificate.objects.in_bulk({k[1] for k in counts})
    rows = [
        CoverageRow(
            province=divisions[p],
            city=divisions[c],
            certificate=certificates[cert],
            pilot_schools=n,
            sites=len(sites.get((p, cert, c), ())),
        )
        for (p, cert, c), n in counts.items()
        if divisions[c].level == DivisionLevel.CITY
    ]
    rows.sort(key=lambda r: (r.province.code, r.certificate.code, r.city.code))
    if gaps_only:
        rows = [r for r in rows if not r.covered]
    return CoverageReport(rows=rows)


@dataclass(frozen=True)
class SiteTodo:
    title: str
    count: int
    url_name: str
    query: str = ""


def site_and_fee_todos(*, actor: Actor) -> list[SiteTodo]:
    """What awaits this actor in sites, fees and brand complaints (counts > 0 only)."""
    todos: list[SiteTodo] = []
    applications = site_applications_to_review(actor=actor).count()
    if applications:
        todos.append(
            SiteTodo(_("待审核的考核站点申请"), applications, "assessment:site_application_list")
        )
    above = fee_standards_above_ceiling(actor=actor).count()
    if above:
        # R13: a lowered ceiling left approved fees above it; the org re-proposes, the province
        # re-approves.
        todos.append(
            SiteTodo(
                _("高于现行成本上限的考核费用标准"),
                above,
                "assessment:fee_list",
                "above_ceiling=1",
            )
        )
    to_agree = negotiations_to_agree(actor=actor).count()
    if to_agree:
        todos.append(
            SiteTodo(
                _("待确认的联合议价"), to_agree, "assessment:negotiation_list", "status=proposed"
            )
        )
    if actor.kind == UnitKind.PROVINCE:
        pending = fee_versions_to_review(actor=actor).count()
        if pending:
            todos.append(
                SiteTodo(_("待核定的考核费用标准"), pending, "assessment:fee_list", "pending=1")
            )
    if actor.kind in (UnitKind.PROVINCE, UnitKind.MINISTRY):
        complaints = complaint_list(actor=actor, status=ComplaintStatus.OPEN).count()
        if complaints:
            todos.append(
                SiteTodo(
                    _("待处理的指定品牌问题反映"),
                    complaints,
                    "assessment:complaint_list",
                    "status=open",
                )
            )
    if actor.kind == UnitKind.SCHOOL:
        returned = site_application_list(actor=actor, status=SiteApplicationStatus.RETURNED).count()
        if returned:
            todos.append(
                SiteTodo(
                    _("被退回的考核站点申请"),
                    returned,
                    "assessment:site_application_list",
                    "status=returned",
                )
            )
    return todos
