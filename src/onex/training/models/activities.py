"""Activity filings (R02): an org files each provincial activity before it happens."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Org
from onex.core.models.timeline import StatusTimelineEvent
from onex.pilots.models import School


class ActivityKind(models.TextChoices):
    PROMOTION = "promotion", _("标准宣贯")
    TEACHER_TRAINING = "teacher_training", _("师资培训")
    ASSESSMENT = "assessment", _("考核")
    MEETING = "meeting", _("大型会议")


class ActivityStatus(models.TextChoices):
    FILED = "filed", _("已备案")
    ACKNOWLEDGED = "acknowledged", _("已知悉")
    CANCELLED = "cancelled", _("已取消")


class ActivityFiling(models.Model):
    """One activity an org holds in a province, filed with the province before it happens.

    ``late`` marks a filing made inside the lead time of the policy profile (R02: flagged, not
    refused); a filing on or after the first day of the activity is refused by the service.
    """

    org = models.ForeignKey(
        Org, verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="activities"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("活动类型"), max_length=32, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"), db_index=True)
    ends_on = models.DateField(_("结束日期"))
    venue = models.CharField(_("地点"), max_length=300)
    schools = models.ManyToManyField(
        School, verbose_name=_("涉及院校"), blank=True, related_name="+"
    )
    description = models.TextField(_("活动方案"), blank=True, default="")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ActivityStatus.choices,
        default=ActivityStatus.FILED,
        db_index=True,
    )
    filed_on = models.DateField(_("备案日期"))
    lead_working_days = models.IntegerField(_("提前工作日数"))
    lead_required = models.PositiveIntegerField(_("要求提前工作日数"))
    late = models.BooleanField(_("临近活动备案"), default=False, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动备案")
        verbose_name_plural = _("活动备案")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="training_activity_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActivityFilingEvent(StatusTimelineEvent):
    filing = models.ForeignKey(
        ActivityFiling, verbose_name=_("活动备案"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("活动备案记录")
        verbose_name_plural = _("活动备案记录")
