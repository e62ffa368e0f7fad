"""Activity filings (R02): an org files each activity in a province before it happens.

A filing on or after the activity's first day is refused; one made fewer working days ahead
than the profile's lead time (a platform default: the policy says only "in advance") is
accepted and flagged. An org without an accepted provincial filing (R38) files nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Org
from onex.catalog.services.access import require_org_member
from onex.catalog.services.filings import require_org_filing
from onex.catalog.services.orgs import require_org_agreement
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.calendar import working_days_between
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.policy import policy_value
from onex.core.workflows import perform
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School
from onex.training.models import ActivityFiling, ActivityFilingEvent, ActivityKind, ActivityStatus
from onex.training.services.common import clean_text
from onex.training.workflows import ACTIVITY

LEAD_KEY = "r02.org_filing_lead_working_days"


@dataclass(frozen=True)
class ActivityInput:
    kind: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    venue: str
    schools: Sequence[School] = field(default_factory=tuple)
    description: str = ""


def lead_required(province: Division, on: dt.date | None = None) -> int:
    return int(policy_value(LEAD_KEY, province=province, on=on))


def check_activity_timing(
    *, starts_on: dt.date, filed_on: dt.date, required: int
) -> tuple[int, bool]:
    """R02: refuse a filing on or after the first day; return the working days of lead and
    whether the filing falls inside the lead time (flagged)."""
    if filed_on >= starts_on:
        raise RuleViolation(
            "R02",
            _("活动已于 %(day)s 开始，须在活动开始前备案，事后备案不予受理。")
            % {"day": starts_on.isoformat()},
            field="starts_on",
            details={"starts_on": starts_on.isoformat(), "filed_on": filed_on.isoformat()},
        )
    lead = working_days_between(filed_on, starts_on, assume_weekends=True).value
    return lead, lead < required


def activity_create(
    *,
    actor: Actor,
    org: Org,
    province: Division,
    data: ActivityInput,
    today: dt.date | None = None,
) -> ActivityFiling:
    """The org files an activity with the province (R02), which needs an accepted provincial
    filing (R38)."""
    require_org_member(actor, org)
    if province.level != DivisionLevel.PROVINCE:
        raise InvalidInput(_("请选择省级行政区。"), field="province")
    if data.kind not in ActivityKind.values:
        raise InvalidInput(_("请选择活动类型。"), field="kind")
    title = clean_text(data.title, field="title", label=_("活动名称"), max_length=200)
    venue = clean_text(data.venue, field="venue", label=_("地点"), max_length=300)
    description = clean_text(
        data.description,
        field="description",
        label=_("活动方案"),
        max_length=20_000,
        required=False,
    )
    if data.ends_on < data.starts_on:
        raise InvalidInput(_("结束日期不能早于开始日期。"), field="ends_on")
    outside = [s.name for s in data.schools if s.province_id != province.pk]
    if outside:
        raise InvalidInput(
            _("以下院校不在该省：%(names)s") % {"names": "、".join(outside)}, field="schools"
        )
    require_org_agreement(org)  # R18, R22
    require_org_filing(org, province)  # R38
    filed_on = today or timezone.localdate()
    required = lead_required(province, filed_on)
    lead, late = check_activity_timing(
        starts_on=data.starts_on, filed_on=filed_on, required=required
    )
    with transaction.atomic():
        filing = ActivityFiling.objects.create(
            org=org,
            province=province,
            kind=data.kind,
            title=title,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            venue=venue,
            description=description,
            filed_on=filed_on,
            lead_working_days=lead,
            lead_required=required,
            late=late,
        )
        filing.schools.set(list(data.schools))
        ActivityFilingEvent.record(
            actor=actor,
            filing=filing,
            action="file",
            to_status=filing.status,
            reason=_("临近活动备案：提前 %(lead)s 个工作日，要求 %(req)s 个工作日。")
            % {"lead": lead, "req": required}
            if late
            else "",
        )
        audit_record(
            actor=actor,
            action="training.activity.file",
            target=filing,
            new={
                "org": org.pk,
                "province": province.pk,
                "kind": filing.kind,
                "title": title,
                "starts_on": filing.starts_on,
                "ends_on": filing.ends_on,
                "late": late,
                "lead_working_days": lead,
                "schools": sorted(s.pk for s in data.schools),
            },
        )
    return filing


def activity_acknowledge(*, actor: Actor, filing: ActivityFiling) -> ActivityFiling:
    return perform(ACTIVITY, actor=actor, obj=filing, action="acknowledge")


def activity_cancel(*, actor: Actor, filing: ActivityFiling, reason: str) -> ActivityFiling:
    return perform(ACTIVITY, actor=actor, obj=filing, action="cancel", reason=reason)


def require_activity_filing(*, org: Org, province: Division, kind: str, on: dt.date) -> None:
    """R02: an activity of ``kind`` held on ``on`` in ``province`` has a standing filing (filed
    or acknowledged, not cancelled) whose dates cover that day."""
    filed = ActivityFiling.objects.filter(
        org=org,
        province=province,
        kind=kind,
        status__in=[ActivityStatus.FILED, ActivityStatus.ACKNOWLEDGED],
        starts_on__lte=on,
        ends_on__gte=on,
    )
    if not filed.exists():
        raise RuleViolation(
            "R02",
            _("%(province)s尚无覆盖 %(day)s 的“%(kind)s”活动备案，请先向该省备案。")
            % {
                "province": province.name,
                "day": on.isoformat(),
                "kind": ActivityKind(kind).label,
            },
            details={"province": province.pk, "kind": kind, "on": on.isoformat()},
        )
