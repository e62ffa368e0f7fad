"""End-of-pilot performance evaluation of schools (R42).

The score is the weighted mean of five components, each a ratio in [0, 1] and each shown:
weekly-report rate and funds compliance come from other apps through
``onex.core.registry.school_metrics`` (``reporting_rate``, ``funds_compliance``) and read "not
available" until those apps register them; exam coverage is R14's (assessment); the pass rate
counts scored registrations; rectifications count orders closed by their deadline. Weights are
policy settings (``r42.weight_*``); a component not available leaves the score and its weight
out, so the score is the weighted mean of what is known, and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.assessment.models import Registration, RegistrationStatus
from onex.assessment.selectors.exams import r14_report
from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.pilots.models import School
from onex.pilots.selectors.schools import school_list
from onex.supervision.models import Rectification, RectificationStatus


@dataclass(frozen=True)
class Component:
    key: str
    label: str | Promise
    weight_key: str
    metric: str = ""  # the school_metrics name, for components other apps provide


COMPONENTS: tuple[Component, ...] = (
    Component(
        "reporting_rate", gettext_lazy("周报报送率"), "r42.weight_reporting_rate", "reporting_rate"
    ),
    Component("exam_coverage", gettext_lazy("学生参考覆盖率（R14）"), "r42.weight_exam_coverage"),
    Component("pass_rate", gettext_lazy("考核通过率"), "r42.weight_pass_rate"),
    Component("rectification", gettext_lazy("按期整改率"), "r42.weight_rectification"),
    Component(
        "funds_compliance",
        gettext_lazy("经费使用合规率"),
        "r42.weight_funds_compliance",
        "funds_compliance",
    ),
)

_CENT = Decimal("0.01")


@dataclass
class Evaluation:
    school: School
    values: dict[str, Decimal | None] = field(default_factory=dict)
    score: Decimal | None = None

    def cells(self) -> list[tuple[str, Decimal | None]]:
        return [(c.key, self.values.get(c.key)) for c in COMPONENTS]


def weights() -> dict[str, Decimal]:
    return {c.key: Decimal(policy_value(c.weight_key)) for c in COMPONENTS}


def _ratio(num: int, den: int) -> Decimal | None:
    return (Decimal(num) / Decimal(den)) if den else None


def _exam_coverage(actor: Actor, schools: list[School]) -> dict[int, Decimal | None]:
    report = r14_report(actor=actor)
    by_code = {row.key: row for row in report.by_school}
    result: dict[int, Decimal | None] = {}
    for s in schools:
        row = by_code.get(s.code)
        result[s.pk] = (
            _ratio(row.students - row.without_exam, row.students) if row is not None else None
        )
    return result


def _pass_rates(ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal | None]:
    rows = (
        Registration.objects.filter(
            school_id__in=ids,
            status=RegistrationStatus.REGISTERED,
            passed__isnull=False,
            plan__exam_date__range=(start, end),
        )
        .values("school_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(passed=True)))
    )
    return {r["school_id"]: _ratio(r["ok"], r["n"]) for r in rows}


def _rectification_rates(ids: list[int], today: dt.date) -> dict[int, Decimal]:
    """Orders closed by their deadline, among orders closed or already due; none: full marks."""
    rows = (
        Rectification.objects.filter(school_id__in=ids)
        .filter(Q(status=RectificationStatus.CLOSED) | Q(due_on__lt=today))
        .values("school_id")
        .annotate(
            n=Count("pk"),
            ok=Count(
                "pk",
                filter=Q(status=RectificationStatus.CLOSED, closed_on__lte=F("due_on")),
            ),
        )
    )
    result = {pk: Decimal(1) for pk in ids}
    for r in rows:
        result[r["school_id"]] = _ratio(r["ok"], r["n"]) or Decimal(0)
    return result


def evaluate(
    *,
    actor: Actor,
    start: dt.date | None = None,
    end: dt.date | None = None,
    q: str = "",
    province: str = "",
) -> tuple[list[Evaluation], dict[str, Decimal], list[str]]:
    """Every school in the actor's scope with its components and score; the weights; and the
    labels of the components no app provides yet."""
    actor.require(
        actor.is_national or actor.kind in (UnitKind.PROVINCE, UnitKind.CITY),
        _("您无权查看绩效评价。"),
    )
    today = timezone.localdate()
    end = end or today
    start = start or dt.date(2019, 1, 1)
    schools = list(
        school_list(actor=actor, q=q or None, province=province or None).select_related(
            "province", "city"
        )
    )
    ids = [s.pk for s in schools]
    w = weights()
    columns: dict[str, dict[int, Decimal | None]] = {
        "exam_coverage": _exam_coverage(actor, schools),
        "pass_rate": _pass_rates(ids, start, end),
        "rectification": dict(_rectification_rates(ids, today)),
    }
    missing: list[str] = []
    for c in COMPONENTS:
        if not c.metric:
            continue
        metric = registry.school_metrics.get(c.metric)
        if metric is None:
            missing.append(str(c.label))
            columns[c.key] = {}
        else:
            columns[c.key] = dict(metric.compute(ids, start, end))
    evaluations: list[Evaluation] = []
    for s in schools:
        ev = Evaluation(s, {c.key: columns[c.key].get(s.pk) for c in COMPONENTS})
        known = [(w[k], v) for k, v in ev.values.items() if v is not None and w[k] > 0]
        total = sum((weight for weight, _v in known), Decimal(0))
        if total:
            mean = sum((weight * v for weight, v in known), Decimal(0)) / total
            ev.score = (mean * 100).quantize(_CENT, rounding=ROUND_HALF_UP)
        evaluations.append(ev)
    evaluations.sort(key=lambda e: (e.score is None, -(e.score or 0), e.school.name))
    return evaluations, w, missing
