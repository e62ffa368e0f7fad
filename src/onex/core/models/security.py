"""The security administrator's settings: lockout, throttling, sessions, passwords, tokens, MFA.

One row (pk 1). Its defaults come from the environment (settings.py), so a fresh installation
behaves as configured until the security administrator changes a value on /security/policy/.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MfaClass(models.TextChoices):
    """Classes of account the second factor can be required for."""

    SEPARATED = "separated", _("三权分立管理员（系统、安全、审计管理员）")
    NATIONAL_ADMIN = "national_admin", _("国家级管理员")
    PROVINCE_ADMIN = "province_admin", _("省级管理员")
    CITY = "city", _("市级教育行政部门用户")
    ORG_ADMIN = "org_admin", _("培训评价组织管理员")
    SCHOOL_ADMIN = "school_admin", _("试点院校管理员")
    STAFF = "staff", _("其他经办人与查看者")
    LEARNER = "learner", _("学习者")


# Always required (等保 2.0 level 3 for privileged accounts); the setting can only add classes.
MFA_ALWAYS = frozenset({MfaClass.SEPARATED, MfaClass.NATIONAL_ADMIN, MfaClass.PROVINCE_ADMIN})


def default_mfa_classes() -> list[str]:
    return sorted(str(c) for c in MFA_ALWAYS)


def _env_default(name: str) -> Any:
    # Read lazily: tests override settings, and migrations must not freeze the values.
    return getattr(settings, name)


class SecurityPolicy(models.Model):
    SINGLETON_PK = 1

    lockout_failures = models.PositiveSmallIntegerField(
        _("同一账号同一地址连续失败锁定次数"),
        validators=[MinValueValidator(3), MaxValueValidator(20)],
    )
    lockout_minutes = models.PositiveSmallIntegerField(
        _("锁定时长（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    ip_failures = models.PositiveSmallIntegerField(
        _("同一地址在时间窗内失败多少次后限速"),
        validators=[MinValueValidator(5), MaxValueValidator(1000)],
    )
    ip_window_minutes = models.PositiveSmallIntegerField(
        _("地址限速时间窗（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        _("会话空闲超时（分钟）"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    password_min_length = models.PositiveSmallIntegerField(
        _("密码最短长度"), validators=[MinValueValidator(8), MaxValueValidator(128)]
    )
    token_days = models.PositiveSmallIntegerField(
        _("API 令牌有效期（天）"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    token_idle_days = models.PositiveSmallIntegerField(
        _("API 令牌闲置失效（天）"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    mfa_classes = models.JSONField(_("须使用双因素认证的账号类别"), default=default_mfa_classes)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("安全策略")
        verbose_name_plural = _("安全策略")
        constraints = [
            models.CheckConstraint(name="security_policy_singleton", condition=Q(pk=1)),
        ]

    def __str__(self) -> str:
        return str(_("安全策略"))

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {
            "lockout_failures": _env_default("ONEX_LOCKOUT_FAILURES"),
            "lockout_minutes": _env_default("ONEX_LOCKOUT_MINUTES"),
            "ip_failures": _env_default("ONEX_IP_FAILURES"),
            "ip_window_minutes": _env_default("ONEX_IP_WINDOW_MINUTES"),
            "session_idle_minutes": _env_default("ONEX_SESSION_IDLE_MINUTES"),
            "password_min_length": _env_default("ONEX_PASSWORD_MIN_LENGTH"),
            "token_days": _env_default("ONEX_API_TOKEN_DAYS"),
            "token_idle_days": _env_default("ONEX_API_TOKEN_IDLE_DAYS"),
            "mfa_classes": default_mfa_classes(),
        }
