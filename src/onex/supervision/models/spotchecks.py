"""Provincial random spot checks (R41): rounds, the drawn schools, findings, rectifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onex.core.models.timeline import StatusTimelineEvent


class RoundStatus(models.TextChoices):
    OPEN = "open", _("检查中")
    CLOSED = "closed", _("已结束")


class SpotCheckRound(models.Model):
    """One round: the population and the seed are stored, so anyone can re-draw the sample."""

    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200)
    planned_on = models.DateField(_("计划检查日期"))
    seed = models.CharField(_("随机种子"), max_length=64)
    population = models.JSONField(_("抽样总体（学校ID）"), default=list)
    sample_size = models.PositiveIntegerField(_("抽取数量"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽查轮次")
        verbose_name_plural = _("抽查轮次")
        ordering = ["-planned_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class RoundEvent(StatusTimelineEvent):
    round = models.ForeignKey(
        SpotCheckRound, verbose_name=_("抽查轮次"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("抽查记录")
        verbose_name_plural = _("抽查记录")


class FindingResult(models.TextChoices):
    PENDING = "pending", _("待检查")
    COMPLIANT = "compliant", _("未发现问题")
    ISSUES = "issues", _("发现问题")


class SpotCheckItem(models.Model):
    """A drawn school and what the inspectors found there."""

    round = models.ForeignKey(
        SpotCheckRound, verbose_name=_("抽查轮次"), on_delete=models.CASCADE, related_name="items"
    )
    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(_("抽取顺序"))
    result = models.CharField(
        _("检查结论"), max_length=16, choices=FindingResult.choices, default=FindingResult.PENDING
    )
    findings = models.TextField(_("检查发现"), blank=True, default="")
    checked_on = models.DateField(_("检查日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽查学校")
        verbose_name_plural = _("抽查学校")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "school"], name="spotcheck_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.school}"


class SpotCheckItemEvent(StatusTimelineEvent):
    item = models.ForeignKey(
        SpotCheckItem, verbose_name=_("抽查学校"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    SUBMITTED = "submitted", _("待验收")
    CLOSED = "closed", _("已销号")


class Rectification(models.Model):
    """A rectification order (整改通知) with a deadline in working days, and its closure."""

    item = models.ForeignKey(
        SpotCheckItem,
        verbose_name=_("抽查学校"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    requirement = models.TextField(_("整改要求"))
    issued_on = models.DateField(_("下达日期"))
    due_on = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    report = models.TextField(_("整改情况"), blank=True, default="")
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["province", "status"], name="rectification_prov_status")]

    def __str__(self) -> str:
        return f"{self.school} {self.due_on}"


class RectificationEvent(StatusTimelineEvent):
    rectification = models.ForeignKey(
        Rectification, verbose_name=_("整改通知"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
