"""Credit recording plans (学分记录建议方案, R16): per certificate and level, proposed by the
certificate's org within a month of its publication, approved or returned by the credit bank.

An approved plan's credits apply from ``effective_from`` (the approval date) on: outcomes
achieved on or after it are credited with them; earlier outcomes keep what they had.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Level
from onex.core.models.timeline import StatusTimelineEvent


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class CreditPlan(models.Model):
    certificate = models.ForeignKey(
        "catalog.Certificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        related_name="credit_plans",
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    credits = models.DecimalField(_("建议学分"), max_digits=4, decimal_places=1)
    outcome_description = models.TextField(_("学习成果描述"))
    course_categories = models.TextField(_("建议对应课程类别"))
    status = models.CharField(
        _("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    due_on = models.DateField(_("提交期限"))
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    late = models.BooleanField(_("逾期提交"), default=False)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学分记录建议方案")
        verbose_name_plural = _("学分记录建议方案")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "level"], name="creditbank_one_plan_per_level"
            ),
            models.CheckConstraint(
                name="creditbank_plan_credits_positive", condition=Q(credits__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id}/{self.level}"


class CreditPlanEvent(StatusTimelineEvent):
    plan = models.ForeignKey(
        CreditPlan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("学分记录方案记录")
        verbose_name_plural = _("学分记录方案记录")


class PlanReminder(models.Model):
    """R16: a reminder sent to an org for a plan not proposed in time (once per day at most)."""

    certificate = models.ForeignKey(
        "catalog.Certificate", verbose_name=_("证书"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField(_("提醒日期"))

    class Meta:
        verbose_name = _("方案催办记录")
        verbose_name_plural = _("方案催办记录")
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "level", "sent_on"], name="creditbank_reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id}/{self.level} {self.sent_on}"
