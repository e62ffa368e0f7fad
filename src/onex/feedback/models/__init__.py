"""Feedback and complaints (R21, R22, R12), concentrated issues, evaluations and progress
reports (R21, R03)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.core.limits import DOCUMENT_MAX, NAME_MAX, REASON_MAX
from onex.core.models.timeline import StatusTimelineEvent


class Category(models.TextChoices):
    OVERCHARGING = "overcharging", _("乱收费")
    BRAND_BUNDLING = "brand_bundling", _("指定品牌捆绑")
    EXAM_MISCONDUCT = "exam_misconduct", _("考核违规")
    OUTDATED_MATERIALS = "outdated_materials", _("标准、教材或题库未及时更新")
    FORCED = "forced", _("强制参加培训或考核")
    OTHER = "other", _("其他")


class SubjectKind(models.TextChoices):
    ORG = "org", _("培训评价组织")
    SCHOOL = "school", _("试点院校")


class FeedbackStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待答复")
    ANSWERED = "answered", _("已答复")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    REPORTED = "reported", _("整改待核实")
    CLOSED = "closed", _("已整改")


class RectificationOrder(models.Model):
    """A concentrated issue (R22): N complaints of one category about one org within M days
    order the org to rectify by a deadline; unresolved past it, it is proposed for
    disqualification."""

    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("问题类别"), max_length=32, choices=Category.choices)
    complaints = models.PositiveIntegerField(_("反映件数"))
    opened_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    rectification = models.TextField(_("整改情况"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("集中反映问题整改")
        verbose_name_plural = _("集中反映问题整改")
        ordering = ["deadline", "pk"]
        constraints = [
            # One unresolved order per org and category: later complaints join it.
            models.UniqueConstraint(
                fields=["org", "category"],
                condition=~Q(status="closed"),
                name="feedback_one_open_order_per_org_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}:{self.category}"


class RectificationEvent(StatusTimelineEvent):
    order = models.ForeignKey(
        RectificationOrder, verbose_name=_("整改"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"


class Feedback(models.Model):
    """A piece of feedback or a complaint about an org or a school, from anyone."""

    reference = models.CharField(_("受理编号"), max_length=20, unique=True)
    code_hash = models.CharField(_("查询码摘要"), max_length=128)
    category = models.CharField(_("问题类别"), max_length=32, choices=Category.choices)
    subject_kind = models.CharField(_("反映对象类型"), max_length=16, choices=SubjectKind.choices)
    org = models.ForeignKey(
        "catalog.Org",
        verbose_name=_("培训评价组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.ForeignKey(
        "pilots.School",
        verbose_name=_("试点院校"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The responsible province; none: the Ministry answers.
    province = models.ForeignKey(
        "geo.Division",
        verbose_name=_("受理省份"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("反映内容"))
    contact = models.CharField(_("联系方式"), max_length=NAME_MAX, blank=True, default="")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("提交单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.SUBMITTED,
        db_index=True,
    )
    due_on = models.DateField(_("答复期限"))
    answer = models.TextField(_("答复"), blank=True, default="")
    answered_by = models.ForeignKey(
        "core.Unit",
        verbose_name=_("答复单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    order = models.ForeignKey(
        RectificationOrder,
        verbose_name=_("集中反映问题"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    # The R12 brand complaint this row was migrated from (old data stays readable there too).
    legacy_brand_complaint = models.OneToOneField(
        "assessment.BrandComplaint",
        verbose_name=_("原品牌问题反映"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("意见与投诉")
        verbose_name_plural = _("意见与投诉")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "category", "created_at"])]
        constraints = [
            models.CheckConstraint(
                name="feedback_subject_matches_kind",
                condition=(
                    Q(subject_kind="org", org__isnull=False, school__isnull=True)
                    | Q(subject_kind="school", school__isnull=False, org__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class FeedbackEvent(StatusTimelineEvent):
    feedback = models.ForeignKey(
        Feedback, verbose_name=_("反映"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("反映办理记录")
        verbose_name_plural = _("反映办理记录")

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"


class EvaluationKind(models.TextChoices):
    SELF = "self", _("绩效自评")
    THIRD_PARTY = "third_party", _("第三方评价")


class Evaluation(models.Model):
    """R21: a school's or org's self-evaluation, or a third party's evaluation of one."""

    kind = models.CharField(_("评价类型"), max_length=16, choices=EvaluationKind.choices)
    subject = models.ForeignKey(
        "core.Unit", verbose_name=_("被评价单位"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division",
        verbose_name=_("省份"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    evaluator = models.CharField(_("评价机构"), max_length=NAME_MAX)
    filed_by = models.ForeignKey(
        "core.Unit", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("评价期间"), max_length=NAME_MAX)
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=2, null=True, blank=True)
    summary = models.TextField(_("评价结论"), max_length=DOCUMENT_MAX)
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("绩效评价")
        verbose_name_plural = _("绩效评价")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="feedback_evaluation_score_range",
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.period}"


class ProgressReport(models.Model):
    """R03: a periodic progress report of a province, school or org, with typical cases."""

    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division",
        verbose_name=_("省份"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    period = models.CharField(_("报送期间"), max_length=NAME_MAX)
    # The report period (R03): calendar-aligned blocks of the profile's months. Reports filed
    # before periods existed keep only the free-text ``period`` and have none.
    period_start = models.DateField(_("报送期开始"), null=True, blank=True)
    period_end = models.DateField(_("报送期结束"), null=True, blank=True)
    due_on = models.DateField(_("报送截止日期"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    progress = models.TextField(_("工作进展"), max_length=DOCUMENT_MAX)
    experience = models.TextField(_("经验做法"), max_length=DOCUMENT_MAX, blank=True, default="")
    typical_case_title = models.CharField(
        _("典型案例标题"), max_length=NAME_MAX, blank=True, default=""
    )
    typical_case = models.TextField(_("典型案例"), max_length=DOCUMENT_MAX, blank=True, default="")
    problems = models.TextField(_("困难问题"), max_length=DOCUMENT_MAX, blank=True, default="")
    suggestions = models.TextField(_("政策建议"), max_length=REASON_MAX, blank=True, default="")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作动态报告")
        verbose_name_plural = _("工作动态报告")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start"],
                condition=Q(period_start__isnull=False),
                name="feedback_one_report_per_unit_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period}"


class ReminderStage(models.TextChoices):
    BEFORE = "before", _("截止前提醒")
    AFTER = "after", _("逾期提醒")


class ProgressReminder(models.Model):
    """R03: a reminder that a unit still owes its progress report for a period, before the
    deadline and once after it; shown on the unit's to-do list and sent by e-mail."""

    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField(_("报送期开始"))
    period_label = models.CharField(_("报送期间"), max_length=NAME_MAX)
    due_on = models.DateField(_("报送截止日期"))
    stage = models.CharField(_("提醒类型"), max_length=8, choices=ReminderStage.choices)
    message = models.CharField(_("提醒内容"), max_length=500)
    emails = models.PositiveIntegerField(_("发送邮件数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作动态提醒")
        verbose_name_plural = _("工作动态提醒")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "stage"], name="feedback_one_reminder_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_start} {self.stage}"
