"""Weekly reports of pilot schools, monthly reports of orgs, half-year summaries (R41).

``Period`` is a calendar table (one row per ISO week, month and half-year): the compliance
queries join the units that owe a report with the periods they owe it for, so the expected
count of any period range is one aggregate query per level, never a loop over weeks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.core.models.timeline import StatusTimelineEvent


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")
    HALF_YEAR = "half_year", _("半年总结")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")


class Period(models.Model):
    """One reporting period: an ISO week (Monday–Sunday), a month or a half-year."""

    kind = models.CharField(_("报告类型"), max_length=16, choices=ReportKind.choices)
    first_day = models.DateField(_("开始日期"))
    last_day = models.DateField(_("结束日期"))
    label = models.CharField(_("期次"), max_length=16)

    class Meta:
        verbose_name = _("报告期")
        verbose_name_plural = _("报告期")
        ordering = ["kind", "first_day"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "first_day"], name="period_unique_start"),
            models.CheckConstraint(
                name="period_end_after_start", condition=Q(last_day__gte=models.F("first_day"))
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Report(models.Model):
    """One unit's report for one period (to one province: an org reports to each province)."""

    kind = models.CharField(_("报告类型"), max_length=16, choices=ReportKind.choices)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "geo.Division",
        verbose_name=_("城市"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    period_start = models.DateField(_("报告期开始"))
    period_end = models.DateField(_("报告期结束"))
    period_label = models.CharField(_("期次"), max_length=16)
    due_at = models.DateTimeField(_("截止时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    students_trained = models.PositiveIntegerField(_("培训学生数"), default=0)
    students_examined = models.PositiveIntegerField(_("参加考核学生数"), default=0)
    progress = models.TextField(_("工作进展"), blank=True, default="")
    problems = models.TextField(_("存在问题"), blank=True, default="")
    next_plan = models.TextField(_("下阶段计划"), blank=True, default="")
    version = models.PositiveIntegerField(_("版本"), default=0)
    submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("工作报告")
        verbose_name_plural = _("工作报告")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "unit", "province", "period_start"], name="report_one_per_period"
            ),
            models.CheckConstraint(
                name="report_submitted_has_time",
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
            ),
        ]
        indexes = [
            # The compliance join: (kind, unit, period) → the submitted report, if any.
            models.Index(
                fields=["kind", "unit", "period_start", "submitted_at"], name="report_join"
            ),
            models.Index(fields=["kind", "province", "period_start"], name="report_province"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.period_label}"


class ReportVersion(models.Model):
    """What a report said at each submission: an amendment adds a version, nothing is lost."""

    report = models.ForeignKey(
        Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("版本"))
    students_trained = models.PositiveIntegerField(_("培训学生数"))
    students_examined = models.PositiveIntegerField(_("参加考核学生数"))
    progress = models.TextField(_("工作进展"), blank=True, default="")
    problems = models.TextField(_("存在问题"), blank=True, default="")
    next_plan = models.TextField(_("下阶段计划"), blank=True, default="")
    note = models.CharField(_("修改说明"), max_length=300, blank=True, default="")
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        ordering = ["report", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="report_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version}"


class ReportEvent(StatusTimelineEvent):
    report = models.ForeignKey(
        Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("报告记录")
        verbose_name_plural = _("报告记录")

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


class Reminder(models.Model):
    """An in-app reminder that a report is due soon (also sent by e-mail); one per period."""

    kind = models.CharField(_("报告类型"), max_length=16, choices=ReportKind.choices)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("报告期开始"))
    due_at = models.DateTimeField(_("截止时间"))
    message = models.CharField(_("提醒内容"), max_length=500)
    emails = models.PositiveIntegerField(_("发送邮件数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告提醒")
        verbose_name_plural = _("报告提醒")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "unit", "province", "period_start"], name="reminder_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.period_start}"


class AlarmStatus(models.TextChoices):
    OPEN = "open", _("预警中")
    CLOSED = "closed", _("已解除")


class Alarm(models.Model):
    """A school that missed its weekly report N weeks running (R23/R47): on the watch list
    while open; closed when it files again. Disqualification itself is the province's decision."""

    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "geo.Division", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=AlarmStatus.choices, default=AlarmStatus.OPEN
    )
    rule = models.CharField(_("规则"), max_length=8, default="R23")
    streak_start = models.DateField(_("连续未报起始周"))
    missed_weeks = models.PositiveIntegerField(_("连续未报周数"))
    raised_at = models.DateTimeField(_("预警时间"))
    closed_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("周报预警")
        verbose_name_plural = _("周报预警")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=Q(status="open"), name="alarm_one_open_per_school"
            )
        ]
        indexes = [models.Index(fields=["province", "status"], name="alarm_province_status")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.missed_weeks}"
