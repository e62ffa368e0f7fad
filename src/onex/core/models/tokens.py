"""Personal API tokens: the secret is shown once; only its SHA-256 hash is stored."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_token_expiry() -> datetime:
    # A module-level callable so migrations can reference it and the lifetime stays a setting.
    return timezone.now() + timedelta(days=settings.ONEX_API_TOKEN_DAYS)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("名称"), max_length=100)
    # The first characters of the secret, so a holder can tell tokens apart in lists.
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    # SHA-256 suffices (no slow hash): secrets are 256 random bits, not guessable passwords.
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), default=default_token_expiry)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # Read-only tokens may only GET/HEAD/OPTIONS; anything else is a 403.
    read_only = models.BooleanField(_("只读"), default=False)
    # An HMAC of the holder's password hash at issue: a new password ends every token.
    auth_hash = models.CharField(_("密码指纹"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > moment

    @property
    def is_active(self) -> bool:
        return self.is_active_at(timezone.now())
