"""Personal learning accounts (R37) and the outcomes recorded in them (R44).

- One account per person, keyed by the keyed hash of the ID number (``core.personal``): the
  database refuses a second account for the same number. The number itself is stored
  encrypted and shown masked, like every ID number on the platform.
- A certificate outcome points at the issued certificate it came from (one outcome per
  certificate, and so per certificate and level). ``creditable`` is R44: only a certificate
  issued from an exam held on the platform earns credits; one entered without a platform exam
  is shown but never credited.
- ``status`` follows the certificate: a suspension or revocation suspends the outcome and the
  credits and exemptions that came from it; the outcome's timeline keeps the history.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Level
from onex.core.models.timeline import StatusTimelineEvent
from onex.core.personal import PersonalIdMixin


class AccountOpenedVia(models.TextChoices):
    OUTCOME = "outcome", _("首次记录学习成果")
    LEARNER = "learner", _("学习者开通")


class LearningAccount(PersonalIdMixin, models.Model):
    holder_name = models.CharField(_("姓名"), max_length=64)
    # The learner login that acts for this person, once claimed (or linked from a certificate).
    learner_unit = models.OneToOneField(
        "core.Unit",
        verbose_name=_("学习者账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_account",
    )
    opened_via = models.CharField(_("开户方式"), max_length=16, choices=AccountOpenedVia.choices)
    opened_at = models.DateTimeField(_("开户时间"), auto_now_add=True)
    # The secret salt of the identity hash in the learner's CLR export (services/clr.py): the
    # holder's identity check code for the record, never put in any document (ADR 0003).
    clr_identity_salt_enc = models.BinaryField(
        _("综合学习记录身份核验码（密文）"), editable=False, default=b""
    )

    class Meta:
        verbose_name = _("个人学习账户")
        verbose_name_plural = _("个人学习账户")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="creditbank_one_account_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} {self.id_number_masked}"


class OutcomeKind(models.TextChoices):
    CERTIFICATE = "certificate", _("职业技能等级证书")
    COURSE = "course", _("学历教育课程")


class OutcomeStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("已暂停")


class LearningOutcome(models.Model):
    account = models.ForeignKey(
        LearningAccount,
        verbose_name=_("学习账户"),
        on_delete=models.CASCADE,
        related_name="outcomes",
    )
    kind = models.CharField(_("成果类型"), max_length=16, choices=OutcomeKind.choices)
    # Certificate outcomes.
    # Certificates are revoked, never deleted; should one be erased (data correction), its
    # outcome goes with it, unless a conversion request holds the outcome (PROTECT there).
    issued_certificate = models.OneToOneField(
        "certificates.IssuedCertificate",
        verbose_name=_("证书"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="learning_outcome",
    )
    certificate = models.ForeignKey(
        "catalog.Certificate",
        verbose_name=_("证书名称"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices, blank=True)
    # R44: issued from an exam held on the platform; otherwise shown, never credited.
    creditable = models.BooleanField(_("可计学分"), default=False)
    credit_plan = models.ForeignKey(
        "creditbank.CreditPlan",
        verbose_name=_("学分记录方案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    # Course outcomes (recorded by the school).
    school = models.ForeignKey(
        "pilots.School",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    course_name = models.CharField(_("课程名称"), max_length=100, blank=True, default="")
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    term = models.CharField(_("学期"), max_length=32, blank=True, default="")
    title = models.CharField(_("成果名称"), max_length=200)
    credits = models.DecimalField(_("学分"), max_digits=5, decimal_places=1, default=Decimal("0"))
    achieved_on = models.DateField(_("取得日期"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=OutcomeStatus.choices,
        default=OutcomeStatus.ACTIVE,
        db_index=True,
    )
    status_reason = models.TextField(_("状态原因"), blank=True, default="")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学习成果")
        verbose_name_plural = _("学习成果")
        ordering = ["-achieved_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "school", "course_name", "term"],
                condition=Q(kind="course"),
                name="creditbank_course_outcome_once",
            ),
            models.CheckConstraint(
                name="creditbank_outcome_credits_not_negative", condition=Q(credits__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def counted_credits(self) -> Decimal:
        """The credits this outcome adds to the account now (none while suspended)."""
        return self.credits if self.status == OutcomeStatus.ACTIVE else Decimal("0")


class OutcomeEvent(StatusTimelineEvent):
    outcome = models.ForeignKey(
        LearningOutcome, verbose_name=_("学习成果"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("学习成果记录")
        verbose_name_plural = _("学习成果记录")
