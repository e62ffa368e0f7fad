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


#: "…" in a phrase stands for a few characters of the same clause (``PHRASE_GAP``): "教育部…授权"
#: also refuses "教育部官方授权". R19 forbids claiming the Ministry's endorsement and the
#: designation of training; the bare word 指定 is ordinary ("在指定时间到达考场"), so the list
#: names what is designated (training, textbooks), not the word.
PHRASE_GAP = "…"
DEFAULT_UNAUTHORIZED_PHRASES: tuple[str, ...] = (
    "教育部指导",
    "职成司指导",
    "教育部…认可",
    "教育部…认证",
    "教育部…授权",
    "教育部…推荐",
    "职成司…认可",
    "职成司…授权",
    "职成司…推荐",
    "指定…培训",
    "指定…教材",
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
