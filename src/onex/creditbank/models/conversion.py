"""Conversion (R37): a school's rules per specialty (certificate × level → exempted courses with
their credits) and the learners' requests, reviewed by the department, approved by academic
affairs, checked by the org and recognised by the credit bank. A recognised request's
exemptions are snapshotted (``ConversionExemption``) so a later rule change never rewrites them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Level
from onex.core.models.timeline import StatusTimelineEvent


class CourseCategory(models.TextChoices):
    BASIC = "basic", _("专业基础课")
    CORE = "core", _("专业核心课")


class ConversionRule(models.Model):
    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    specialty = models.ForeignKey(
        "pilots.Specialty", verbose_name=_("专业"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "catalog.Certificate", verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    course_name = models.CharField(_("免修课程"), max_length=100)
    course_category = models.CharField(_("课程类别"), max_length=16, choices=CourseCategory.choices)
    credits = models.DecimalField(_("课程学分"), max_digits=4, decimal_places=1)
    active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学分转换规则")
        verbose_name_plural = _("学分转换规则")
        ordering = ["specialty", "certificate", "level", "course_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["specialty", "course_name", "level"],
                condition=Q(active=True),
                name="creditbank_rule_course_once_per_level",
            ),
            models.CheckConstraint(
                name="creditbank_rule_credits_positive", condition=Q(credits__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return self.course_name


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待院系审核")
    DEPARTMENT_APPROVED = "department_approved", _("待教务审批")
    ACADEMIC_APPROVED = "academic_approved", _("待评价组织核验")
    ORG_CHECKED = "org_checked", _("待学分银行认定")
    RECOGNISED = "recognised", _("已认定")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class ConversionRequest(models.Model):
    account = models.ForeignKey(
        "creditbank.LearningAccount",
        verbose_name=_("学习账户"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    outcome = models.ForeignKey(
        "creditbank.LearningOutcome",
        verbose_name=_("证书成果"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    specialty = models.ForeignKey(
        "pilots.Specialty", verbose_name=_("专业"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"),
        max_length=24,
        choices=RequestStatus.choices,
        default=RequestStatus.SUBMITTED,
        db_index=True,
    )
    note = models.TextField(_("申请说明"), blank=True, default="")
    recognised_credits = models.DecimalField(
        _("认定学分"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    recognised_on = models.DateField(_("认定日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学分转换申请")
        verbose_name_plural = _("学分转换申请")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class ConversionEvent(StatusTimelineEvent):
    request = models.ForeignKey(
        ConversionRequest, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("学分转换记录")
        verbose_name_plural = _("学分转换记录")


class ConversionExemption(models.Model):
    """One course a recognised request exempts, with its credits (snapshot of the rule)."""

    request = models.ForeignKey(
        ConversionRequest,
        verbose_name=_("申请"),
        on_delete=models.CASCADE,
        related_name="exemptions",
    )
    account = models.ForeignKey(
        "creditbank.LearningAccount",
        verbose_name=_("学习账户"),
        on_delete=models.CASCADE,
        related_name="exemptions",
    )
    specialty = models.ForeignKey(
        "pilots.Specialty", verbose_name=_("专业"), on_delete=models.PROTECT, related_name="+"
    )
    course_name = models.CharField(_("免修课程"), max_length=100)
    course_category = models.CharField(_("课程类别"), max_length=16, choices=CourseCategory.choices)
    credits = models.DecimalField(_("学分"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("免修课程")
        verbose_name_plural = _("免修课程")
        ordering = ["course_name"]
        constraints = [
            # R37: one course is replaced by one certificate at most.
            models.UniqueConstraint(
                fields=["account", "specialty", "course_name"],
                name="creditbank_course_exempted_once",
            )
        ]

    def __str__(self) -> str:
        return self.course_name
