"""Disqualification proceedings against a school (R23, R47) or an org (R22), and reinstatement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.core.models.timeline import StatusTimelineEvent


class TargetKind(models.TextChoices):
    SCHOOL = "school", _("试点院校")
    ORG = "org", _("培训评价组织")


class SchoolReason(models.TextChoices):
    """R23 (000 五(四)) and R47 (004): why a school loses its pilot status."""

    SLOW_PROGRESS = "slow_progress", _("试点工作进展缓慢")
    MISSED_WEEKLY_REPORTS = "missed_weekly_reports", _("连续三周未报送周报")
    LAX_MANAGEMENT = "lax_management", _("培训、考核管理不严格")
    IRREGULAR_FUNDS = "irregular_funds", _("经费使用不规范")
    FORCED_TRAINING = "forced_training", _("强制学生参加培训或考核")
    IRREGULAR_CHARGES = "irregular_charges", _("违规向学生收费")
    OTHER = "other", _("其他违规违纪行为")


class OrgReason(models.TextChoices):
    """R22 (000 五(四)): why an org loses its pilot status."""

    BAD_ASSESSMENT = "bad_assessment", _("考核组织不力、弄虚作假")
    OVERCHARGING = "overcharging", _("擅自提高收费标准或巧立名目收费且未整改")
    IMPROPER_GAIN = "improper_gain", _("借机牟取不正当利益（如捆绑销售设备）")
    STALE_STANDARDS = "stale_standards", _("未及时更新标准、教材和题库")
    FEEDBACK_UNRESOLVED = "feedback_unresolved", _("平台反馈问题集中且未整改")
    OTHER = "other", _("其他违规违纪行为")


class ProceedingStatus(models.TextChoices):
    PROPOSED = "proposed", _("待申辩")
    ANSWERED = "answered", _("已申辩")
    DISQUALIFIED = "disqualified", _("已取消资格")
    DISMISSED = "dismissed", _("不予取消")
    REINSTATED = "reinstated", _("已恢复资格")


OPEN_STATUSES: tuple[str, ...] = (ProceedingStatus.PROPOSED, ProceedingStatus.ANSWERED)


class Proceeding(models.Model):
    """A proposal to disqualify a school or an org, its answer and the decision on it."""

    target_kind = models.CharField(_("对象类型"), max_length=16, choices=TargetKind.choices)
    school = models.ForeignKey(
        "pilots.School",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    org = models.ForeignKey(
        "catalog.Org",
        verbose_name=_("培训评价组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The school's province (None for an org: the Ministry handles orgs nationally).
    province = models.ForeignKey(
        "geo.Division",
        verbose_name=_("省份"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reasons = models.JSONField(_("理由"), default=list)
    facts = models.TextField(_("事实与依据"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ProceedingStatus.choices,
        default=ProceedingStatus.PROPOSED,
    )
    proposed_on = models.DateField(_("提出日期"))
    answer_due = models.DateField(_("申辩截止日期"))
    answer = models.TextField(_("申辩意见"), blank=True, default="")
    answered_on = models.DateField(_("申辩日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_note = models.TextField(_("决定意见"), blank=True, default="")
    # R41: disqualification recovers special funds; funding settles them (wired later).
    funds_recovery = models.BooleanField(_("需追回专项资金"), default=False)
    reinstated_on = models.DateField(_("恢复日期"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("取消资格程序")
        verbose_name_plural = _("取消资格程序")
        ordering = ["-proposed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target_kind="school", school__isnull=False, org__isnull=True))
                | Q(target_kind="org", org__isnull=False, school__isnull=True),
                name="proceeding_one_target",
            ),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(status__in=["proposed", "answered"]),
                name="proceeding_one_open_per_school",
            ),
            models.UniqueConstraint(
                fields=["org"],
                condition=Q(status__in=["proposed", "answered"]),
                name="proceeding_one_open_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_name} {self.proposed_on}"

    @property
    def target_name(self) -> str:
        target = self.school if self.target_kind == TargetKind.SCHOOL else self.org
        return target.name if target is not None else ""

    @property
    def reason_labels(self) -> list[str]:
        choices = SchoolReason if self.target_kind == TargetKind.SCHOOL else OrgReason
        labels = dict(choices.choices)
        return [str(labels.get(code, code)) for code in self.reasons]

    @property
    def rule(self) -> str:
        return "R23" if self.target_kind == TargetKind.SCHOOL else "R22"


class ProceedingEvent(StatusTimelineEvent):
    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("取消资格程序"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("程序记录")
        verbose_name_plural = _("程序记录")
