"""Certificate catalogue and training-evaluation orgs (foundation subset; issue 3 extends)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    ASSOCIATION = "association", _("行业协会")
    RESEARCH = "research", _("研究机构")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    PRIVATE_NONPROFIT = "private_nonprofit", _("民办非企业单位")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    EXITED = "exited", _("已退出")


class Org(models.Model):
    unit = models.OneToOneField(
        "core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="org"
    )
    name = models.CharField(_("名称"), max_length=200, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    org_type = models.CharField(_("类型"), max_length=32, choices=OrgType.choices)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("培训评价组织")
        verbose_name_plural = _("培训评价组织")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    number = models.PositiveSmallIntegerField(_("批次"), unique=True)
    published_on = models.DateField(_("公布日期"))
    document = models.CharField(_("文件"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("证书批次")
        verbose_name_plural = _("证书批次")
        ordering = ["number"]

    def __str__(self) -> str:
        return str(_("第%(n)s批") % {"n": self.number})


class Certificate(models.Model):
    code = models.CharField(_("证书代码"), max_length=32, unique=True)
    name = models.CharField(_("证书名称"), max_length=200)
    org = models.ForeignKey(
        Org, verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="certificates"
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="certificates"
    )

    class Meta:
        verbose_name = _("职业技能等级证书")
        verbose_name_plural = _("职业技能等级证书")
        ordering = ["batch__number", "code"]

    def __str__(self) -> str:
        return self.name
