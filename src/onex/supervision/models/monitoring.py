"""Monitoring points (监测点, R20): about ten confirmed pilot schools per certificate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.core.models.timeline import StatusTimelineEvent


class PointStatus(models.TextChoices):
    ACTIVE = "active", _("监测中")
    WITHDRAWN = "withdrawn", _("已撤销")


class MonitoringPoint(models.Model):
    certificate = models.ForeignKey(
        "catalog.Certificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "geo.Division", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PointStatus.choices, default=PointStatus.ACTIVE
    )
    designated_on = models.DateField(_("确定日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("监测点")
        verbose_name_plural = _("监测点")
        ordering = ["certificate__code", "province__code", "school__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "school"],
                condition=Q(status="active"),
                name="monitoring_point_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate} · {self.school}"


class MonitoringPointEvent(StatusTimelineEvent):
    point = models.ForeignKey(
        MonitoringPoint, verbose_name=_("监测点"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("监测点记录")
        verbose_name_plural = _("监测点记录")
