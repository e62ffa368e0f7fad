"""Allocations, expenditures and exam-fee settlements (R17, R29, R39, R41).

Every yuan is traceable: an allocation names its source and its school; an expenditure names
its allocation, its category and its evidence. The database refuses an allocation spent beyond
its amount (``funding_allocation_spent_within_amount``), an expenditure of a prohibited
category (``funding_expenditure_category_allowed``) and non-positive amounts.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onex.core.limits import NAME_MAX, REASON_MAX
from onex.core.models.timeline import StatusTimelineEvent

ZERO = Decimal("0.00")


class FundSource(models.TextChoices):
    CENTRAL_AWARD = "central_award", _("中央奖补资金")
    PROVINCIAL_SPECIAL = "provincial_special", _("省级专项资金")
    SCHOOL_OWN = "school_own", _("学校自筹资金")


#: Special pilot funds (R39 prohibited uses, R41 recovery on disqualification).
SPECIAL_SOURCES: tuple[str, ...] = (FundSource.CENTRAL_AWARD, FundSource.PROVINCIAL_SPECIAL)


class AllocationStatus(models.TextChoices):
    ACTIVE = "active", _("使用中")
    FOR_RECOVERY = "for_recovery", _("待收回")
    RECOVERED = "recovered", _("已收回")


class ExpenditureCategory(models.TextChoices):
    """What pilot money may be spent on (the uses the documents name for pilot work)."""

    TEACHER_TRAINING = "teacher_training", _("师资培训")
    TRAINING_FACILITIES = "training_facilities", _("实训条件建设")
    TEACHING_RESOURCES = "teaching_resources", _("教学资源开发")
    EXAM_FEES = "exam_fees", _("考核费用")
    STUDENT_TRAINING = "student_training", _("学生培训")
    OTHER_PILOT = "other_pilot", _("其他试点工作支出")


class ProhibitedUse(models.TextChoices):
    """R39: what special funds may never pay for; offered so a refusal can name it."""

    BALANCE_BUDGET = "balance_budget", _("平衡预算")
    REPAY_DEBT = "repay_debt", _("偿还债务")
    PAY_INTEREST = "pay_interest", _("支付利息")
    EXTERNAL_INVESTMENT = "external_investment", _("对外投资")
    OTHER_PROJECT_GAP = "other_project_gap", _("弥补其他项目资金缺口")
    WORK_FEES = "work_fees", _("提取工作经费")
    MANAGEMENT_FEES = "management_fees", _("提取管理经费")


def evidence_upload_to(instance: Expenditure, filename: str) -> str:
    # Uploaded names can carry personal data; keep only the extension (ADR 0004).
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"funding/evidence/{uuid.uuid4().hex}{suffix}"


class Allocation(models.Model):
    """Money from one source assigned to one school."""

    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the school so the province's scope and the flow chart read one column.
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("资金来源"), max_length=32, choices=FundSource.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=NAME_MAX)
    document_number = models.CharField(_("下达文号"), max_length=NAME_MAX, blank=True, default="")
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    spent = models.DecimalField(_("已支出（元）"), max_digits=14, decimal_places=2, default=ZERO)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AllocationStatus.choices,
        default=AllocationStatus.ACTIVE,
        db_index=True,
    )
    recovery_reason = models.CharField(_("收回原因"), max_length=REASON_MAX, blank=True, default="")
    created_by = models.ForeignKey(
        "core.Unit", verbose_name=_("下达单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金下达")
        verbose_name_plural = _("资金下达")
        ordering = ["-year", "school__name", "pk"]
        indexes = [models.Index(fields=["province", "year"])]
        constraints = [
            models.CheckConstraint(
                name="funding_allocation_amount_positive", condition=Q(amount__gt=0)
            ),
            models.CheckConstraint(
                name="funding_allocation_spent_nonnegative", condition=Q(spent__gte=0)
            ),
            # R17: no allocation is spent beyond what it holds.
            models.CheckConstraint(
                name="funding_allocation_spent_within_amount", condition=Q(spent__lte=F("amount"))
            ),
            models.CheckConstraint(
                name="funding_allocation_source_known",
                condition=Q(source__in=FundSource.values),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def balance(self) -> Decimal:
        return self.amount - self.spent

    @property
    def is_special(self) -> bool:
        return self.source in SPECIAL_SOURCES


class AllocationEvent(StatusTimelineEvent):
    allocation = models.ForeignKey(
        Allocation, verbose_name=_("资金"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("资金记录")
        verbose_name_plural = _("资金记录")

    def __str__(self) -> str:
        return f"{self.allocation_id} {self.action}"


class Expenditure(models.Model):
    """One payment out of one allocation, with its evidence (R17). Append-only."""

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="expenditures"
    )
    category = models.CharField(_("支出类别"), max_length=32, choices=ExpenditureCategory.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    spent_on = models.DateField(_("支出日期"))
    payee = models.CharField(_("收款方"), max_length=NAME_MAX)
    purpose = models.CharField(_("用途说明"), max_length=REASON_MAX)
    evidence = models.FileField(_("支出凭证"), upload_to=evidence_upload_to, max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("支出")
        verbose_name_plural = _("支出")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="funding_expenditure_amount_positive", condition=Q(amount__gt=0)
            ),
            # R39: a prohibited use is not a category the ledger can hold.
            models.CheckConstraint(
                name="funding_expenditure_category_allowed",
                condition=Q(category__in=ExpenditureCategory.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation_id}: {self.amount}"


class SettlementStatus(models.TextChoices):
    RECORDED = "recorded", _("待组织确认")
    CONFIRMED = "confirmed", _("已结清")
    DISPUTED = "disputed", _("组织有异议")


class Settlement(models.Model):
    """A school's settlement with the org of the fees of one completed exam (R29)."""

    plan = models.ForeignKey(
        "assessment.ExamPlan",
        verbose_name=_("考核计划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    amount_due = models.DecimalField(_("应结金额（元）"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("结算金额（元）"), max_digits=14, decimal_places=2)
    settled_on = models.DateField(_("结算日期"))
    note = models.CharField(_("说明"), max_length=REASON_MAX, blank=True, default="")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=SettlementStatus.choices,
        default=SettlementStatus.RECORDED,
        db_index=True,
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核费用结算")
        verbose_name_plural = _("考核费用结算")
        ordering = ["-settled_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "school"], name="funding_settlement_once"),
            models.CheckConstraint(
                name="funding_settlement_amount_nonnegative", condition=Q(amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.school_id}"


class SettlementEvent(StatusTimelineEvent):
    settlement = models.ForeignKey(
        Settlement, verbose_name=_("结算"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("结算记录")
        verbose_name_plural = _("结算记录")

    def __str__(self) -> str:
        return f"{self.settlement_id} {self.action}"
