"""An org's filing with a provincial department (R38) and its timeline."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onex.catalog.models.catalogue import Certificate
from onex.catalog.models.orgs import Org
from onex.catalog.models.uploads import random_upload_name
from onex.core.models.timeline import StatusTimelineEvent
from onex.core.personal import Gender, PersonalIdMixin


def letter_upload_to(instance: OrgFiling, filename: str) -> str:
    return random_upload_name("filings", filename)


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


class OrgFiling(PersonalIdMixin, models.Model):
    """An org's filing with a provincial department (form 附件3 of 晋教职成〔2020〕9号, R38).

    The person in charge's ID number (PIPL art. 28) comes from ``PersonalIdMixin``: sealed by
    onex.core.crypto, a keyed hash for lookups, a masked copy for display; the clear value never
    reaches the database, URLs, logs or the audit log.
    """

    org = models.ForeignKey(
        Org, verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="filings"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证书"), on_delete=models.PROTECT, related_name="filings"
    )
    person_name = models.CharField(_("负责人姓名"), max_length=64)
    person_gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    person_birth_date = models.DateField(_("出生年月"), null=True, blank=True)
    person_phone = models.CharField(_("联系电话"), max_length=32)
    person_email = models.EmailField(_("邮箱"), blank=True, default="")
    person_address = models.CharField(_("现住址"), max_length=300, blank=True, default="")
    org_profile = models.TextField(_("评价组织简介"), blank=True, default="")
    # [{"name": ..., "phone": ..., "duty": ...}], validated by the service.
    staff = models.JSONField(_("工作人员情况"), default=list, blank=True)
    authorization_letter = models.FileField(
        _("总部授权函"), upload_to=letter_upload_to, blank=True, max_length=200
    )
    training_plan = models.TextField(_("培训计划"), blank=True, default="")
    exam_plan = models.TextField(_("考核计划"), blank=True, default="")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=FilingStatus.choices,
        default=FilingStatus.DRAFT,
        db_index=True,
    )
    return_reason = models.TextField(_("退回原因"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("培训评价组织备案")
        verbose_name_plural = _("培训评价组织备案")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "province", "status"])]

    def __str__(self) -> str:
        return f"{self.org} · {self.certificate} · {self.province}"


class OrgFilingEvent(StatusTimelineEvent):
    """The filing's timeline: one row per transition, with actor and reason."""

    filing = models.ForeignKey(
        OrgFiling, verbose_name=_("备案"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("备案记录")
        verbose_name_plural = _("备案记录")

    def __str__(self) -> str:
        return f"{self.filing_id} {self.action}"
