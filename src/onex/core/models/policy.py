"""Effective-dated policy values: national default → batch → province override.

The list of settings, their types and shipped defaults lives in code (``onex.core.policy``);
a row here records an administrator's value for one setting, one scope and one period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PolicyScope(models.TextChoices):
    NATIONAL = "national", _("全国")
    BATCH = "batch", _("批次")
    PROVINCE = "province", _("省级")


class PolicyValue(models.Model):
    key = models.CharField(_("设置项"), max_length=64, db_index=True)
    scope = models.CharField(_("范围"), max_length=16, choices=PolicyScope.choices)
    # Batches are named by number, the way the Ministry names them; a number keeps core free of
    # any catalogue model (ADR 0002 §6). The catalogue's batch numbers are unique and permanent.
    batch_number = models.PositiveSmallIntegerField(_("批次"), null=True, blank=True)
    province = models.ForeignKey(
        "geo.Division",
        verbose_name=_("省份"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # JSON keeps one column for every type; ratios are stored as decimal strings ("0.50") so
    # no float ever touches a threshold.
    value = models.JSONField(_("取值"), null=True)
    effective_from = models.DateField(_("生效日期"))
    # Inclusive last day; null while the value is in force with no end.
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据/说明"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        ordering = ["key", "scope", "effective_from"]
        indexes = [models.Index(fields=["key", "effective_from"], name="policyvalue_key_from")]
        constraints = [
            models.CheckConstraint(
                name="policyvalue_scope_matches_target",
                condition=(
                    Q(scope="national", batch_number__isnull=True, province__isnull=True)
                    | Q(scope="batch", batch_number__isnull=False, province__isnull=True)
                    | Q(scope="province", batch_number__isnull=True, province__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="policyvalue_period_ordered",
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
            ),
            models.UniqueConstraint(
                fields=["key", "effective_from"],
                condition=Q(scope="national"),
                name="policyvalue_national_unique_start",
            ),
            models.UniqueConstraint(
                fields=["key", "batch_number", "effective_from"],
                condition=Q(scope="batch"),
                name="policyvalue_batch_unique_start",
            ),
            models.UniqueConstraint(
                fields=["key", "province", "effective_from"],
                condition=Q(scope="province"),
                name="policyvalue_province_unique_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.get_scope_display()} {self.effective_from}"

    @property
    def batch_label(self) -> str:
        if self.batch_number is None:
            return ""
        return str(_("第%(n)s批") % {"n": self.batch_number})
