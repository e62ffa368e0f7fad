"""Training-evaluation orgs and their agreement with the Ministry's commissioned body (R18)."""

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
    profile = models.TextField(_("简介"), blank=True, default="")
    # R22: the date the status last changed (suspension, exit, reinstatement), shown publicly.
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("培训评价组织")
        verbose_name_plural = _("培训评价组织")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


AGREEMENT_CLAUSES: tuple[str, ...] = (
    "clause_public_welfare",
    "clause_advancement",
    "clause_compliance",
    "clause_exit",
    "clause_liability",
)


class OrgAgreement(models.Model):
    """The agreement an org signs with the Ministry's commissioned body (R18)."""

    org = models.ForeignKey(
        Org, verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="agreements"
    )
    signed_on = models.DateField(_("签署日期"))
    counterparty = models.CharField(
        _("签约机构（教育部委托）"), max_length=200, blank=True, default=""
    )
    clause_public_welfare = models.BooleanField(_("公益性条款"), default=False)
    clause_advancement = models.BooleanField(_("先进性条款"), default=False)
    clause_compliance = models.BooleanField(_("合规性条款"), default=False)
    clause_exit = models.BooleanField(_("退出机制条款"), default=False)
    clause_liability = models.BooleanField(_("违约责任条款"), default=False)
    # Set when the org exits or the agreement is terminated (R22 later); keeps the history.
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训评价组织协议")
        verbose_name_plural = _("培训评价组织协议")
        ordering = ["org", "-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.org} {self.signed_on}"

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, name) for name in AGREEMENT_CLAUSES)

    @property
    def is_in_force(self) -> bool:
        return self.is_complete and self.terminated_on is None
