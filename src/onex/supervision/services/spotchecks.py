"""Provincial random spot checks (R41): a reproducible sample, findings, rectifications."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.calendar import deadline_after
from onex.core.errors import Conflict, InvalidInput
from onex.core.limits import NAME_MAX, REASON_MAX
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.workflows import perform
from onex.pilots.models import PilotApplication, School, SchoolPilotStatus
from onex.pilots.models.applications import CONFIRMED_STATUSES
from onex.supervision.models import (
    FindingResult,
    Rectification,
    RectificationEvent,
    RoundEvent,
    SpotCheckItem,
    SpotCheckRound,
)
from onex.supervision.workflows import ITEM, RECTIFICATION, ROUND, is_item_province

SEED_MAX = 64
MAX_SAMPLE = 1000


def draw_sample(population: Sequence[int], seed: str, size: int) -> list[int]:
    """The schools a round inspects: ``size`` ids drawn from the sorted population.

    Anyone holding the stored seed and population re-draws the same list with Python's
    ``random.Random(seed).sample(sorted(population), size)`` (a string seed is hashed with
    SHA-512, so the draw does not depend on the process).
    """
    return random.Random(seed).sample(sorted(population), size)  # noqa: S311 - not security


def round_population(province_id: int) -> list[int]:
    """Schools of the province with a confirmed pilot that are still in the pilot, sorted."""
    ids = (
        PilotApplication.objects.filter(
            province_id=province_id,
            status__in=CONFIRMED_STATUSES,
            school__pilot_status=SchoolPilotStatus.ACTIVE,
        )
        .values_list("school_id", flat=True)
        .distinct()
    )
    return sorted(set(ids))


def round_create(
    *,
    actor: Actor,
    title: str,
    planned_on: dt.date,
    sample_size: int,
    seed: str = "",
) -> SpotCheckRound:
    """A province plans a round and draws its schools from its pilot schools (R41)."""
    actor.require(actor.kind == UnitKind.PROVINCE, _("只有省级教育行政部门可以组织随机抽查。"))
    actor.require_write()
    assert actor.unit is not None and actor.unit.province_id is not None
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("请填写名称。"), field="title")
    if len(title) > NAME_MAX:
        raise InvalidInput(_("名称过长。"), field="title")
    seed = (seed or "").strip() or secrets.token_hex(8)
    if len(seed) > SEED_MAX:
        raise InvalidInput(_("随机种子过长。"), field="seed")
    population = round_population(actor.unit.province_id)
    if sample_size < 1 or sample_size > min(len(population), MAX_SAMPLE):
        raise InvalidInput(
            _("抽取数量须在 1 到 %(n)s 之间（本省在试点院校 %(n)s 所）。")
            % {"n": min(len(population), MAX_SAMPLE)},
            field="sample_size",
        )
    drawn = draw_sample(population, seed, sample_size)
    with transaction.atomic():
        round_ = SpotCheckRound.objects.create(
            province_id=actor.unit.province_id,
            title=title,
            planned_on=planned_on,
            seed=seed,
            population=population,
            sample_size=sample_size,
            created_by=actor.user,
        )
        SpotCheckItem.objects.bulk_create(
            SpotCheckItem(round=round_, school_id=pk, position=i)
            for i, pk in enumerate(drawn, start=1)
        )
        RoundEvent.record(actor=actor, action="create", round=round_, to_status=round_.status)
        audit_record(
            actor=actor,
            action="supervision.round.create",
            target=round_,
            new={
                "title": title,
                "planned_on": planned_on,
                "seed": seed,
                "population": population,
                "sample": drawn,
            },
        )
    return round_


def round_redraw(round_: SpotCheckRound) -> list[int]:
    """The sample re-drawn from the stored seed and population (must equal the stored one)."""
    return draw_sample(list(round_.population), round_.seed, round_.sample_size)


def _all_recorded(round_: SpotCheckRound) -> None:
    pending = round_.items.filter(result=FindingResult.PENDING).count()
    if pending:
        raise Conflict(_("还有 %(n)d 所学校未记录检查结论。") % {"n": pending})


def round_close(*, actor: Actor, round_: SpotCheckRound) -> SpotCheckRound:
    return perform(ROUND, actor=actor, obj=round_, action="close", check=_all_recorded)


def _clean_text(value: str, *, field: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("请填写此项。"), field=field)
    if len(value) > REASON_MAX:
        raise InvalidInput(_("不能超过 %(n)s 个字符。") % {"n": REASON_MAX}, field=field)
    return value


def item_record(
    *,
    actor: Actor,
    item: SpotCheckItem,
    issues: bool,
    findings: str = "",
    checked_on: dt.date | None = None,
) -> SpotCheckItem:
    """Record what the inspectors found at a drawn school: nothing, or issues (described)."""
    findings = _clean_text(findings, field="findings", required=issues)
    return perform(
        ITEM,
        actor=actor,
        obj=item,
        action="flag" if issues else "pass",
        reason=findings,
        changes={"findings": findings, "checked_on": checked_on or timezone.localdate()},
    )


def rectification_issue(
    *, actor: Actor, item: SpotCheckItem, requirement: str, issued_on: dt.date | None = None
) -> Rectification:
    """Order a school where issues were found to rectify them within N working days (R41)."""
    actor.require(
        is_item_province(actor, item), _("只有组织抽查的省级教育行政部门可以执行此操作。")
    )
    actor.require_write()
    requirement = _clean_text(requirement, field="requirement", required=True)
    if item.result != FindingResult.ISSUES:
        raise Conflict(_("只有发现问题的学校才需要下达整改通知。"))
    issued_on = issued_on or timezone.localdate()
    school: School = item.school
    days = int(policy_value("r41.rectification_working_days", province=school.province))
    due_on = deadline_after(issued_on, days)
    with transaction.atomic():
        rectification = Rectification.objects.create(
            item=item,
            school=school,
            province_id=item.round.province_id,
            requirement=requirement,
            issued_on=issued_on,
            due_on=due_on,
        )
        RectificationEvent.record(
            actor=actor,
            action="issue",
            rectification=rectification,
            to_status=rectification.status,
            reason=requirement,
        )
        audit_record(
            actor=actor,
            action="supervision.rectification.issue",
            target=rectification,
            new={
                "school": school.pk,
                "requirement": requirement,
                "issued_on": issued_on,
                "due_on": due_on,
                "working_days": days,
            },
        )
    return rectification


def rectification_submit(
    *, actor: Actor, rectification: Rectification, report: str
) -> Rectification:
    report = _clean_text(report, field="report", required=True)
    return perform(
        RECTIFICATION,
        actor=actor,
        obj=rectification,
        action="submit",
        reason=report,
        changes={"report": report},
    )


def rectification_accept(*, actor: Actor, rectification: Rectification) -> Rectification:
    return perform(
        RECTIFICATION,
        actor=actor,
        obj=rectification,
        action="accept",
        changes={"closed_on": timezone.localdate()},
    )


def rectification_return(
    *, actor: Actor, rectification: Rectification, reason: str
) -> Rectification:
    return perform(RECTIFICATION, actor=actor, obj=rectification, action="return", reason=reason)
