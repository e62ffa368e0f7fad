"""Monitoring points (R20): the Ministry designates confirmed pilot schools per certificate."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Certificate
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.workflows import perform
from onex.pilots.models import PilotApplication, School
from onex.pilots.models.applications import CONFIRMED_STATUSES
from onex.pilots.services.schools import require_school_in_pilot
from onex.supervision.models import MonitoringPoint, MonitoringPointEvent
from onex.supervision.workflows import POINT, is_ministry

NOTE_MAX = 200


def _point_view(point: MonitoringPoint) -> dict[str, object]:
    return {
        "certificate": point.certificate_id,
        "school": point.school_id,
        "status": point.status,
        "designated_on": point.designated_on,
        "note": point.note,
    }


def point_designate(
    *, actor: Actor, certificate: Certificate, school: School, note: str = ""
) -> MonitoringPoint:
    """Make a confirmed pilot school of ``certificate`` one of its monitoring points (R20)."""
    actor.require(is_ministry(actor), _("只有教育部可以确定或撤销监测点。"))
    actor.require_write()
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("说明不能超过 %(n)s 个字符。") % {"n": NOTE_MAX}, field="note")
    confirmed = PilotApplication.objects.filter(
        school=school, certificate=certificate, status__in=CONFIRMED_STATUSES
    ).exists()
    if not confirmed:
        raise RuleViolation(
            "R20",
            _("“%(school)s”不是“%(cert)s”已确认的试点院校，不能作为监测点。")
            % {"school": school.name, "cert": certificate.name},
            field="school",
        )
    require_school_in_pilot(school)
    point = MonitoringPoint(
        certificate=certificate,
        school=school,
        province_id=school.province_id,
        city_id=school.city_id,
        designated_on=timezone.localdate(),
        note=note,
        created_by=actor.user,
    )
    try:
        with transaction.atomic():
            point.save()
            MonitoringPointEvent.record(
                actor=actor, action="designate", point=point, to_status=point.status
            )
            audit_record(
                actor=actor,
                action="supervision.point.designate",
                target=point,
                new=_point_view(point),
            )
    except IntegrityError:
        raise Conflict(_("该学校已是该证书的监测点。"), field="school") from None
    return point


def point_withdraw(*, actor: Actor, point: MonitoringPoint, reason: str) -> MonitoringPoint:
    return perform(POINT, actor=actor, obj=point, action="withdraw", reason=reason)
