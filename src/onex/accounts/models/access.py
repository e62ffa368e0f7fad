"""One-time links (invitations, password resets), learners' claim codes and learner accounts.

Design notes:
- A link or a claim code is a random secret handed to one person; the database keeps only its
  SHA-256 digest (the secrets are 256 random bits for links, so no slow hash is needed; claim
  codes are short enough to type, so they are looked up together with the student and expire).
- ``LearnerAccount.id_number_hash`` is unique: one learner account per ID number, enforced by
  the database, so two concurrent claims of the same person cannot both succeed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onex.core.models.timeline import StatusTimelineEvent
from onex.core.personal import PersonalIdMixin


class AccessLinkPurpose(models.TextChoices):
    INVITE = "invite", _("账号邀请")
    RESET = "reset", _("重置密码")


class AccessLinkStatus(models.TextChoices):
    PENDING = "pending", _("待使用")
    USED = "used", _("已使用")
    REVOKED = "revoked", _("已作废")


class AccessLink(models.Model):
    """A one-time link that lets its holder set the password of one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="access_links",
    )
    purpose = models.CharField(_("用途"), max_length=16, choices=AccessLinkPurpose.choices)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AccessLinkStatus.choices,
        default=AccessLinkStatus.PENDING,
        db_index=True,
    )
    token_hash = models.CharField(_("链接摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("一次性链接")
        verbose_name_plural = _("一次性链接")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.user}"

    def is_expired(self, now: object = None) -> bool:
        return self.expires_at <= (now or timezone.now())  # type: ignore[operator]

    @property
    def display_status(self) -> str:
        if self.status == AccessLinkStatus.PENDING and self.is_expired():
            return str(_("已过期"))
        return str(self.get_status_display())


class AccessLinkEvent(StatusTimelineEvent):
    link = models.ForeignKey(
        AccessLink, verbose_name=_("一次性链接"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("链接记录")
        verbose_name_plural = _("链接记录")


class ClaimCodeStatus(models.TextChoices):
    PENDING = "pending", _("待认领")
    USED = "used", _("已认领")
    REVOKED = "revoked", _("已作废")


class ClaimCode(models.Model):
    """A code a school hands to one of its students to claim a learner account."""

    candidate = models.ForeignKey(
        "assessment.Candidate",
        verbose_name=_("学生"),
        on_delete=models.CASCADE,
        related_name="claim_codes",
    )
    school_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ClaimCodeStatus.choices,
        default=ClaimCodeStatus.PENDING,
        db_index=True,
    )
    code_hash = models.CharField(_("认领码摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("认领时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("认领码")
        verbose_name_plural = _("认领码")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one live code per student: generating again revokes the previous one.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status="pending"),
                name="accounts_one_pending_claim_code_per_student",
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} · {self.status}"

    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def display_status(self) -> str:
        if self.status == ClaimCodeStatus.PENDING and self.is_expired():
            return str(_("已过期"))
        return str(self.get_status_display())


class ClaimCodeEvent(StatusTimelineEvent):
    code = models.ForeignKey(
        ClaimCode, verbose_name=_("认领码"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("认领码记录")
        verbose_name_plural = _("认领码记录")


class LearnerAccount(PersonalIdMixin, models.Model):
    """The person behind a learner unit: one account per ID number (DB-enforced)."""

    id_number_context = "accounts.learneraccount.id_number"

    unit = models.OneToOneField(
        "core.Unit", verbose_name=_("学习者单位"), on_delete=models.PROTECT, related_name="learner"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="learner_account",
    )
    name = models.CharField(_("姓名"), max_length=64)
    via = models.CharField(_("开通方式"), max_length=16)  # "claim" or "register"
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("学习者账号")
        verbose_name_plural = _("学习者账号")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], name="accounts_one_learner_account_per_id_number"
            )
        ]

    def __str__(self) -> str:
        return self.name
