"""Certificate catalogue and training-evaluation orgs (issue 3: R13 data, R18, R19, R24, R38).

Design notes:
- The structured content of a standard (工作领域 → 工作任务 → 职业技能要求, per level) is a
  validated JSON document on ``Standard`` rather than three tables. A standard version is
  published as a whole and replaced as a whole by the next version; the tree is always read in
  full (detail page, API) and never queried node by node, so one JSON column keeps each version an
  atomic snapshot and avoids three tables multiplied by versions. ``validate_standard_content``
  is the single schema check (services call it; the model's ``clean`` calls it too).
- Certificate specialties are specialty names, one per line: the pilots app owns the school
  specialty tables, and the catalogue only needs names to search and show.
- New fields on pre-existing models are nullable or defaulted because demo data is written
  against the foundation models concurrently.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.core.models.timeline import StatusTimelineEvent
from onex.core.personal import Gender, PersonalIdMixin


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
    # Unique across the whole catalogue (R24): a code names one certificate in every batch.
    code = models.CharField(_("证书代码"), max_length=32, unique=True)
    name = models.CharField(_("证书名称"), max_length=200)
    org = models.ForeignKey(
        Org, verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="certificates"
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="certificates"
    )
    # Position in the batch's published list (R24 lists the second batch in a fixed order).
    position = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True)
    field = models.CharField(_("所属领域"), max_length=64, blank=True, default="")
    description = models.TextField(_("证书简介"), blank=True, default="")
    # One specialty name per line. Text, not JSON: JSON columns escape Chinese on SQLite, so a
    # substring search for a specialty would miss; text searches the same on both databases.
    specialties = models.TextField(_("面向专业"), blank=True, default="")
    textbook_updated_on = models.DateField(_("教材最近更新日期"), null=True, blank=True)
    case_library_updated_on = models.DateField(_("案例库最近更新日期"), null=True, blank=True)
    question_bank_updated_on = models.DateField(_("题库最近更新日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("职业技能等级证书")
        verbose_name_plural = _("职业技能等级证书")
        ordering = ["batch__number", "position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def specialty_names(self) -> list[str]:
        return [line.strip() for line in self.specialties.splitlines() if line.strip()]


class Level(models.TextChoices):
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")


LEVEL_ORDER: tuple[str, ...] = (Level.JUNIOR, Level.INTERMEDIATE, Level.SENIOR)


class CertificateLevel(models.Model):
    """One level of a certificate with the Ministry's cost ceiling (R13 data)."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证书"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    description = models.TextField(_("等级说明"), blank=True, default="")
    # Null until the Ministry publishes the ceiling; yuan with 2 places, never float.
    cost_ceiling = models.DecimalField(
        _("考核成本上限（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("证书等级")
        verbose_name_plural = _("证书等级")
        ordering = ["certificate", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "level"], name="catalog_level_unique_per_certificate"
            ),
            models.CheckConstraint(
                name="catalog_level_ceiling_not_negative",
                condition=Q(cost_ceiling__isnull=True) | Q(cost_ceiling__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} {self.get_level_display()}"


def validate_standard_content(content: Any) -> None:
    """Schema of a standard's tree.

    ``{"junior": [{"area": "工作领域", "tasks": [{"task": "工作任务",
    "requirements": ["职业技能要求", ...]}]}], "intermediate": [...], "senior": [...]}``
    Levels may be absent; present ones must be non-empty and well formed.
    """
    if not isinstance(content, dict):
        raise ValidationError(_("标准内容必须是按等级组织的对象。"))
    for level, areas in content.items():
        if level not in Level.values:
            raise ValidationError(_("未知的等级：%(level)s") % {"level": level})
        if not isinstance(areas, list) or not areas:
            raise ValidationError(_("每个等级至少需要一个工作领域。"))
        for area in areas:
            if not isinstance(area, dict) or not str(area.get("area", "")).strip():
                raise ValidationError(_("工作领域必须有名称。"))
            tasks = area.get("tasks")
            if not isinstance(tasks, list) or not tasks:
                raise ValidationError(_("每个工作领域至少需要一个工作任务。"))
            for task in tasks:
                if not isinstance(task, dict) or not str(task.get("task", "")).strip():
                    raise ValidationError(_("工作任务必须有名称。"))
                reqs = task.get("requirements")
                if (
                    not isinstance(reqs, list)
                    or not reqs
                    or not all(isinstance(r, str) and r.strip() for r in reqs)
                ):
                    raise ValidationError(_("每个工作任务至少需要一条职业技能要求。"))


def _random_name(prefix: str, filename: str) -> str:
    # Uploaded names can carry personal data; keep only the extension.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"catalog/{prefix}/{uuid.uuid4().hex}{suffix}"


def standard_upload_to(instance: Standard, filename: str) -> str:
    return _random_name("standards", filename)


def letter_upload_to(instance: OrgFiling, filename: str) -> str:
    return _random_name("filings", filename)


class Standard(models.Model):
    """A published version of a certificate's 职业技能等级标准."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证书"), on_delete=models.CASCADE, related_name="standards"
    )
    version = models.CharField(_("版本"), max_length=32)
    published_on = models.DateField(_("发布日期"))
    pdf = models.FileField(_("标准文件（PDF）"), upload_to=standard_upload_to, blank=True)
    content = models.JSONField(_("标准内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("职业技能等级标准")
        verbose_name_plural = _("职业技能等级标准")
        ordering = ["certificate", "-published_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "version"], name="catalog_standard_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate} {self.version}"

    def clean(self) -> None:
        validate_standard_content(self.content)


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


def level_sort_key(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)
