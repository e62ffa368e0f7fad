"""Units (who acts) and users (a person acting for exactly one unit with one role)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    MINISTRY = "ministry", _("教育部（职成司）")
    AGGREGATOR = "aggregator", _("国家汇总机构（职教所）")
    PROVINCE = "province", _("省级教育行政部门")
    CITY = "city", _("市级教育行政部门")
    ORG = "org", _("培训评价组织")
    SCHOOL = "school", _("试点院校")
    LEARNER = "learner", _("学习者")
    CREDITBANK = "creditbank", _("国家学分银行")


NATIONAL_KINDS = frozenset({UnitKind.MINISTRY, UnitKind.AGGREGATOR})


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    STAFF = "staff", _("经办人")
    VIEWER = "viewer", _("查看者")
    # The separated administrators of 等保 2.0 level 3 (三权分立): Ministry unit only, no
    # business data (see docs/adr/0005-separated-administrators.md).
    SYSTEM_ADMIN = "sysadmin", _("系统管理员")
    SECURITY_ADMIN = "secadmin", _("安全管理员")
    AUDIT_ADMIN = "auditadmin", _("审计管理员")


SEPARATED_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Literal lists for the database constraints (migrations serialize them).
_SEPARATED = ["sysadmin", "secadmin", "auditadmin"]


class Unit(models.Model):
    """An acting body. Region fields place provinces, cities and schools in a jurisdiction."""

    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=200)
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
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="unit_region_matches_kind",
                condition=(
                    Q(kind__in=["province", "school"], province__isnull=False)
                    | Q(kind="city", province__isnull=False, city__isnull=False)
                    | Q(kind__in=["ministry", "aggregator", "org", "learner", "creditbank"])
                ),
            ),
            models.UniqueConstraint(
                fields=["province"],
                condition=Q(kind="province"),
                name="unit_one_province_department",
            ),
            models.UniqueConstraint(
                fields=["city"], condition=Q(kind="city"), name="unit_one_city_bureau"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.kind in NATIONAL_KINDS


class User(AbstractUser):
    """A person. Every non-superuser acts for one unit with one role."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.STAFF)
    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    # The unit's kind, copied on every save so the database can refuse a separated role
    # outside the Ministry (a check constraint cannot follow the foreign key).
    unit_kind = models.CharField(_("单位类型"), max_length=16, blank=True, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_has_unit_unless_superuser",
                condition=Q(is_superuser=True) | Q(unit__isnull=False),
            ),
            models.CheckConstraint(
                name="user_separated_role_only_at_ministry",
                condition=~Q(role__in=_SEPARATED) | Q(unit_kind="ministry"),
            ),
            # One person, one separated role: no two separated-role accounts share an e-mail
            # address or a phone number (onex.core.accounts also compares normalized values).
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(role__in=_SEPARATED) & ~Q(email=""),
                name="user_separated_role_one_per_email",
            ),
            models.UniqueConstraint(
                "phone",
                condition=Q(role__in=_SEPARATED) & ~Q(phone=""),
                name="user_separated_role_one_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.unit_kind = self.unit.kind if self.unit is not None else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "unit_kind" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "unit_kind"]
        super().save(*args, **kwargs)

    @property
    def is_separated_admin(self) -> bool:
        return self.role in SEPARATED_ROLES
