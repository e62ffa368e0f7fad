"""Org notices and the unauthorized endorsements R19 refuses in them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onex.catalog.models.orgs import Org


class OrgNotice(models.Model):
    """A notice an org publishes on the platform (R19 checks its text)."""

    org = models.ForeignKey(
        Org, verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="notices"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


DEFAULT_UNAUTHORIZED_PHRASES: tuple[str, ...] = (
    "教育部指导",
    "职成司指导",
    "指定",
    "教育部认证",
    "教育部授权",
)


class UnauthorizedPhrase(models.Model):
    """An endorsement an org may not claim (R19); admins edit the list."""

    phrase = models.CharField(_("禁用表述"), max_length=64, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("禁用宣传表述")
        verbose_name_plural = _("禁用宣传表述")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase
