"""Students, exam plans, registrations and results (R14, R35, R44, R46).

Design notes:
- ``Candidate`` is one person as known to one school (a pilot student) or, with no school, a
  member of the public (R35) who registers through a learner account. The same person may be a
  student of two schools over time; uniqueness is per school, by the keyed hash of the ID.
- Region fields (``province``/``city``) are copied from the school or the plan when the row is
  created so that scoping is a plain indexed filter, never a join chain per row.
- There is deliberately no "graduation requirement" flag anywhere (R46): registration is
  voluntary, and a test asserts no such field or policy setting exists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Level
from onex.core.limits import REASON_MAX
from onex.core.models.timeline import StatusTimelineEvent
from onex.core.personal import Gender, PersonalIdMixin

__all__ = [
    "ACTIVE_PLAN_STATUSES",
    "EXAM_TAKEN_STATUSES",
    "Candidate",
    "ExamPlan",
    "ExemptionStatus",
    "FeePayer",
    "FeeStatus",
    "Objection",
    "ObjectionEvent",
    "ObjectionStatus",
    "PlanEvent",
    "PlanStatus",
    "Registration",
    "RegistrationEvent",
    "RegistrationStatus",
    "TicketSequence",
]


class Candidate(PersonalIdMixin, models.Model):
    """A pilot student of a school, or (``school`` null) a member of the public (R35)."""

    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    school = models.ForeignKey(
        "pilots.School",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
    )
    specialty = models.ForeignKey(
        "pilots.Specialty",
        verbose_name=_("专业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
    )
    grade = models.CharField(_("年级"), max_length=16, blank=True, default="")
    poor_household = models.BooleanField(_("建档立卡"), default=False)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True, default="")
    # The learner account that acts for this person (members of the public; students who
    # sign in to see their results).
    learner_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("学习者账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidates",
    )
    province = models.ForeignKey(
        "geo.Division",
        verbose_name=_("省份"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    city = models.ForeignKey(
        "geo.Division",
        verbose_name=_("城市"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考生")
        verbose_name_plural = _("考生")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "id_number_hash"],
                condition=Q(school__isnull=False),
                name="assessment_candidate_unique_per_school",
            ),
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(school__isnull=True),
                name="assessment_candidate_unique_public",
            ),
        ]
        indexes = [models.Index(fields=["province", "city"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pilot_student(self) -> bool:
        return self.school_id is not None


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REGISTRATION_OPEN = "registration_open", _("报名中")
    REGISTRATION_CLOSED = "registration_closed", _("报名已截止")
    EXAM_HELD = "exam_held", _("已考试")
    SCORE_REGISTRATION = "score_registration", _("成绩登记中")
    SCORE_PUBLICITY = "score_publicity", _("成绩公示中")
    CLOSED = "closed", _("已结束")


# A registration in a plan in one of these states counts as an exam taken (R14).
EXAM_TAKEN_STATUSES: tuple[str, ...] = (
    PlanStatus.EXAM_HELD,
    PlanStatus.SCORE_REGISTRATION,
    PlanStatus.SCORE_PUBLICITY,
    PlanStatus.CLOSED,
)
ACTIVE_PLAN_STATUSES: tuple[str, ...] = tuple(s for s in PlanStatus.values if s != "draft")


class ExamPlan(models.Model):
    org = models.ForeignKey(
        "catalog.Org",
        verbose_name=_("培训评价组织"),
        on_delete=models.PROTECT,
        related_name="exam_plans",
    )
    certificate = models.ForeignKey(
        "catalog.Certificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        related_name="exam_plans",
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("考核计划名称"), max_length=200)
    sites = models.ManyToManyField(
        "assessment.Site", verbose_name=_("考核站点"), blank=True, related_name="exam_plans"
    )
    exam_date = models.DateField(_("考试日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("考位数"))
    registration_opens = models.DateField(_("报名开始日期"))
    registration_closes = models.DateField(_("报名截止日期"))
    # The pass rule; the org's published assessment plan (R09) gives the values.
    theory_pass = models.DecimalField(_("理论合格分"), max_digits=5, decimal_places=2, default=60)
    practical_pass = models.DecimalField(
        _("实操合格分"), max_digits=5, decimal_places=2, default=60
    )
    status = models.CharField(
        _("状态"),
        max_length=24,
        choices=PlanStatus.choices,
        default=PlanStatus.DRAFT,
        db_index=True,
    )
    publicity_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核计划")
        verbose_name_plural = _("考核计划")
        ordering = ["-exam_date", "-pk"]
        indexes = [models.Index(fields=["province", "status"])]
        constraints = [
            models.CheckConstraint(
                name="assessment_plan_window_order",
                condition=Q(registration_opens__lte=models.F("registration_closes"))
                & Q(registration_closes__lte=models.F("exam_date")),
            ),
            models.CheckConstraint(
                name="assessment_plan_capacity_positive", condition=Q(capacity__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanEvent(StatusTimelineEvent):
    """A plan's timeline: one row per transition, with actor and reason."""

    plan = models.ForeignKey(
        ExamPlan, verbose_name=_("考核计划"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("考核计划记录")
        verbose_name_plural = _("考核计划记录")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.action}"


class TicketSequence(models.Model):
    """The last serial used per admission-ticket prefix; its row lock serializes numbering."""

    prefix = models.CharField(_("准考证号前缀"), max_length=40, unique=True)
    last = models.PositiveIntegerField(_("最后序号"), default=0)

    class Meta:
        verbose_name = _("准考证号序列")
        verbose_name_plural = _("准考证号序列")

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    WITHDRAWN = "withdrawn", _("已撤销")


class FeePayer(models.TextChoices):
    SCHOOL = "school", _("学校支付")
    LEARNER = "learner", _("个人支付")
    EXEMPT = "exempt", _("免缴")


class FeeStatus(models.TextChoices):
    UNPAID = "unpaid", _("待缴费")
    PAID = "paid", _("已缴费")
    EXEMPT = "exempt", _("免缴")


class ExemptionStatus(models.TextChoices):
    """A poor-household (建档立卡) exemption claim (R40): only a confirmed one waives the fee."""

    NONE = "none", _("未申请")
    CLAIMED = "claimed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REFUSED = "refused", _("未通过")


class Registration(models.Model):
    plan = models.ForeignKey(
        ExamPlan, verbose_name=_("考核计划"), on_delete=models.PROTECT, related_name="registrations"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("考生"), on_delete=models.PROTECT, related_name="registrations"
    )
    # The school that registered its student; null for self-registered members of the public.
    school = models.ForeignKey(
        "pilots.School",
        verbose_name=_("报名学校"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exam_registrations",
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("考试省份"), on_delete=models.PROTECT, related_name="+"
    )
    ticket_number = models.CharField(_("准考证号"), max_length=40, unique=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
        db_index=True,
    )
    fee_amount = models.DecimalField(_("考核费用（元）"), max_digits=12, decimal_places=2)
    fee_payer = models.CharField(_("费用承担"), max_length=16, choices=FeePayer.choices)
    fee_status = models.CharField(_("缴费状态"), max_length=16, choices=FeeStatus.choices)
    fee_rule = models.CharField(_("费用依据"), max_length=16, blank=True, default="")
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    # R40: the claimant states the basis; the registering school (its students) or the plan's
    # org (the public) confirms or refuses it. The candidate's own flag waives nothing.
    exemption_status = models.CharField(
        _("建档立卡免缴"),
        max_length=16,
        choices=ExemptionStatus.choices,
        default=ExemptionStatus.NONE,
    )
    exemption_basis = models.CharField(_("免缴依据"), max_length=REASON_MAX, blank=True, default="")
    theory_score = models.DecimalField(
        _("理论成绩"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    practical_score = models.DecimalField(
        _("实操成绩"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("是否合格"), null=True, blank=True)
    result_recorded_at = models.DateTimeField(_("成绩登记时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["ticket_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "candidate"], name="assessment_registration_once_per_plan"
            ),
        ]
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self) -> str:
        return self.ticket_number

    @property
    def has_result(self) -> bool:
        return self.passed is not None


class RegistrationEvent(StatusTimelineEvent):
    """A registration's timeline (registered, withdrawn, paid, result, objection…)."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="events"
    )
    reason = models.TextField(_("说明"), blank=True, default="")

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("报名记录")
        verbose_name_plural = _("报名记录")

    def __str__(self) -> str:
        return f"{self.registration_id} {self.action}"


class ObjectionStatus(models.TextChoices):
    OPEN = "submitted", _("待答复")
    ANSWERED = "done", _("已答复")


class Objection(models.Model):
    """A candidate's objection to a published result, answered by the org."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("报名"), on_delete=models.PROTECT, related_name="objections"
    )
    reason = models.TextField(_("异议内容"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.OPEN,
        db_index=True,
    )
    answer = models.TextField(_("答复"), blank=True, default="")
    score_changed = models.BooleanField(_("成绩已更正"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成绩异议")
        verbose_name_plural = _("成绩异议")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.get_status_display()}"


class ObjectionEvent(StatusTimelineEvent):
    """An objection's timeline: lodged, answered."""

    objection = models.ForeignKey(
        Objection, verbose_name=_("成绩异议"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("成绩异议记录")
        verbose_name_plural = _("成绩异议记录")

    def __str__(self) -> str:
        return f"{self.objection_id} {self.action}"
