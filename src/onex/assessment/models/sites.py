"""Assessment plans, site conditions, sites, fee standards (R09–R13, R30, R40, R45).

Design notes:
- A registered site (``Site``) is one per school: the school's assessment centre. The
  certificates and levels it may examine are rows of ``SiteCertificate`` (one per level) so that
  "sites for this certificate and level" is an indexed join on every database, not a JSON search.
- A fee is a ``FeeStandard`` (org × province × certificate × level) with ``FeeVersion`` rows: every
  proposal is a new version, so the history is complete and the approved version stays in force
  while a later proposal waits for the province (R30).
- Brand words (R12) are a table admins edit, seeded from code defaults on first edit, like the
  R19 phrase list of the catalogue.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Level
from onex.core.models.timeline import StatusTimelineEvent

if TYPE_CHECKING:
    from onex.core.actors import Actor

__all__ = [
    "AssessmentPlan",
    "BrandComplaint",
    "BrandComplaintAttachment",
    "BrandWord",
    "ComplaintEvent",
    "ComplaintStatus",
    "ExamFormat",
    "FeeEvent",
    "FeeNegotiation",
    "FeeReviewKind",
    "FeeStandard",
    "FeeVersion",
    "FeeVersionStatus",
    "NegotiationEvent",
    "NegotiationStatus",
    "Site",
    "SiteApplication",
    "SiteApplicationEvent",
    "SiteApplicationStatus",
    "SiteCertificate",
    "SiteCondition",
    "SiteStatus",
]


def _random_name(prefix: str, filename: str) -> str:
    # Uploaded names can carry personal data; keep only the extension.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"assessment/{prefix}/{uuid.uuid4().hex}{suffix}"


def complaint_upload_to(instance: BrandComplaintAttachment, filename: str) -> str:
    return _random_name("complaints", filename)


def fee_review_upload_to(instance: FeeVersion, filename: str) -> str:
    return _random_name("fee-reviews", filename)


# --- R09: assessment plan ------------------------------------------------------------------


class ExamFormat(models.TextChoices):
    ONLINE = "online", _("线上机考")
    OFFLINE = "offline", _("线下笔试与实操")
    MIXED = "mixed", _("线上理论 + 线下实操")


class AssessmentPlan(models.Model):
    """An org's published assessment plan for one certificate (R09). One current plan each."""

    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.OneToOneField(
        "catalog.Certificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        related_name="assessment_plan",
    )
    exam_format = models.CharField(_("考核形式"), max_length=16, choices=ExamFormat.choices)
    duration_minutes = models.PositiveIntegerField(_("考核时长（分钟）"))
    # Weights in percent; the database holds theory + practical = 100.
    theory_weight = models.DecimalField(_("理论权重（%）"), max_digits=5, decimal_places=2)
    practical_weight = models.DecimalField(_("实操权重（%）"), max_digits=5, decimal_places=2)
    # Pass rule: theory ≥ theory_pass and practical ≥ practical_pass (both on a 0–100 scale).
    theory_pass = models.DecimalField(_("理论合格线"), max_digits=5, decimal_places=2)
    practical_pass = models.DecimalField(_("实操合格线"), max_digits=5, decimal_places=2)
    mock_platform_url = models.URLField(_("模拟考核平台地址"), max_length=300)
    notes = models.TextField(_("说明"), blank=True, default="")
    published_at = models.DateTimeField(_("发布时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["certificate__code"]
        constraints = [
            models.CheckConstraint(
                name="assessment_plan_weights_sum_100",
                condition=Q(theory_weight__gte=0)
                & Q(practical_weight__gte=0)
                & Q(theory_weight=100 - models.F("practical_weight")),
            ),
            models.CheckConstraint(
                name="assessment_plan_pass_in_range",
                condition=Q(theory_pass__gte=0)
                & Q(theory_pass__lte=100)
                & Q(practical_pass__gte=0)
                & Q(practical_pass__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} {_('考核方案')}"


# --- R12: site conditions, brand words, complaints ------------------------------------------


class SiteCondition(models.Model):
    """The conditions an org requires of an assessment site for one certificate (R10, R12).

    ``equipment`` is ``[{"function": "功能", "spec": "通用技术要求", "quantity": 10}]``: by
    function, never by brand (the service checks every text against the brand words).
    """

    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.OneToOneField(
        "catalog.Certificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        related_name="site_condition",
    )
    rooms = models.PositiveIntegerField(_("考场数量下限"))
    seats = models.PositiveIntegerField(_("考位数量下限"))
    equipment = models.JSONField(_("设备设施（按功能）"), default=list, blank=True)
    notes = models.TextField(_("其他要求"), blank=True, default="")
    published_at = models.DateTimeField(_("发布时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("考核站点条件")
        verbose_name_plural = _("考核站点条件")
        ordering = ["certificate__code"]

    def __str__(self) -> str:
        return f"{self.certificate} {_('站点条件')}"


class BrandWord(models.Model):
    """A brand or model designation site conditions may not name (R12); admins edit the list.

    ``is_pattern`` rows are regular expressions (e.g. model numbers such as ``IRB120``).
    """

    word = models.CharField(_("品牌词或模式"), max_length=100, unique=True)
    is_pattern = models.BooleanField(_("正则表达式"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("品牌禁用词")
        verbose_name_plural = _("品牌禁用词")
        ordering = ["is_pattern", "word"]

    def __str__(self) -> str:
        return self.word


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    HANDLED = "handled", _("已处理")


class BrandComplaint(models.Model):
    """A school reports an org for requiring designated-brand purchases (R12, feeds R22)."""

    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the school so the province's scope is one indexed column.
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "catalog.Certificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("反映内容"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.OPEN,
        db_index=True,
    )
    handled_note = models.TextField(_("处理意见"), blank=True, default="")
    handled_by = models.ForeignKey(
        "core.Unit",
        verbose_name=_("处理单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指定品牌问题反映")
        verbose_name_plural = _("指定品牌问题反映")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["province", "status"])]

    def __str__(self) -> str:
        return f"{self.school} → {self.org}"


class ComplaintEvent(StatusTimelineEvent):
    """The complaint's timeline: submitted by the school, handled by the province or Ministry."""

    complaint = models.ForeignKey(
        BrandComplaint, verbose_name=_("反映"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("品牌问题反映记录")
        verbose_name_plural = _("品牌问题反映记录")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"


class BrandComplaintAttachment(models.Model):
    complaint = models.ForeignKey(
        BrandComplaint,
        verbose_name=_("反映"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("附件"), upload_to=complaint_upload_to, max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)

    class Meta:
        verbose_name = _("反映附件")
        verbose_name_plural = _("反映附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.file.name or ""


# --- R10: site applications and registered sites ---------------------------------------------


class SiteApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待组织审核")
    ORG_APPROVED = "org_approved", _("待省级审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已备案")


class SiteApplication(models.Model):
    """A school applies to be an assessment site for a certificate (R10)."""

    school = models.ForeignKey(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "catalog.Certificate", verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the certificate and the school: the scope of the org and the province.
    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "geo.Division", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+"
    )
    levels = models.JSONField(_("申请等级"), default=list)
    address = models.CharField(_("站点地址"), max_length=300)
    seats = models.PositiveIntegerField(_("考位数"))
    rooms = models.PositiveIntegerField(_("考场数"))
    notes = models.TextField(_("说明"), blank=True, default="")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=SiteApplicationStatus.choices,
        default=SiteApplicationStatus.SUBMITTED,
        db_index=True,
    )
    return_reason = models.TextField(_("退回原因"), blank=True, default="")
    site = models.ForeignKey(
        "assessment.Site",
        verbose_name=_("考核站点"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核站点申请")
        verbose_name_plural = _("考核站点申请")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["org", "status"]),
            models.Index(fields=["province", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.certificate}"


class SiteApplicationEvent(StatusTimelineEvent):
    """The application's timeline: one row per step, with actor and reason."""

    application = models.ForeignKey(
        SiteApplication, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("站点申请记录")
        verbose_name_plural = _("站点申请记录")

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class SiteStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    CLOSED = "closed", _("已撤销")


class Site(models.Model):
    """A registered assessment site: one per school, with a province-unique code (R10)."""

    school = models.OneToOneField(
        "pilots.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "geo.Division", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+"
    )
    # Province code (2 digits of GB/T 2260) + 4-digit serial within the province, e.g. 440007.
    code = models.CharField(_("站点编码"), max_length=16, unique=True)
    address = models.CharField(_("站点地址"), max_length=300)
    seats = models.PositiveIntegerField(_("考位数"))
    rooms = models.PositiveIntegerField(_("考场数"))
    status = models.CharField(
        _("状态"), max_length=16, choices=SiteStatus.choices, default=SiteStatus.ACTIVE
    )
    registered_at = models.DateTimeField(_("备案时间"))

    class Meta:
        verbose_name = _("考核站点")
        verbose_name_plural = _("考核站点")
        ordering = ["code"]
        indexes = [models.Index(fields=["province", "city", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.school}"


class SiteCertificate(models.Model):
    """One certificate level a registered site may examine."""

    site = models.ForeignKey(
        Site, verbose_name=_("考核站点"), on_delete=models.CASCADE, related_name="certificates"
    )
    certificate = models.ForeignKey(
        "catalog.Certificate", verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    application = models.ForeignKey(
        SiteApplication,
        verbose_name=_("依据的申请"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("站点证书等级")
        verbose_name_plural = _("站点证书等级")
        ordering = ["site", "certificate", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "certificate", "level"], name="site_certificate_level_unique"
            )
        ]
        indexes = [models.Index(fields=["certificate", "level"])]

    def __str__(self) -> str:
        return f"{self.site.code} {self.certificate_id} {self.level}"


# --- R13, R30, R45: fees ---------------------------------------------------------------------


class FeeStandard(models.Model):
    """The exam fee of one certificate level in one province, proposed by its org (R13, R30)."""

    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "catalog.Certificate", verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核费用标准")
        verbose_name_plural = _("考核费用标准")
        ordering = ["province__code", "certificate__code", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "certificate", "level"], name="fee_standard_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.certificate} {self.get_level_display()}"


class FeeVersionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已核定")
    SUPERSEDED = "superseded", _("已被替代")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class FeeReviewKind(models.TextChoices):
    NONE = "", _("无")
    EXPERT = "expert", _("专家论证")
    THIRD_PARTY = "third_party", _("第三方机构核定")


class FeeVersion(models.Model):
    """One proposal of a fee standard; approved versions are its history in force (R30)."""

    standard = models.ForeignKey(
        FeeStandard, verbose_name=_("费用标准"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    amount = models.DecimalField(_("考核费用（元）"), max_digits=12, decimal_places=2)
    # The ceiling at the time of the proposal, kept so the history explains each decision.
    ceiling = models.DecimalField(_("成本上限（元）"), max_digits=12, decimal_places=2)
    basis = models.TextField(_("测算依据"), blank=True, default="")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=FeeVersionStatus.choices,
        default=FeeVersionStatus.PENDING,
        db_index=True,
    )
    proposed_at = models.DateTimeField(_("提出时间"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    effective_from = models.DateField(_("执行日期"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True, default="")
    review_kind = models.CharField(
        _("评审方式"), max_length=16, choices=FeeReviewKind.choices, blank=True, default=""
    )
    reviewer = models.CharField(_("评审专家或机构"), max_length=200, blank=True, default="")
    review_conclusion = models.TextField(_("评审结论"), blank=True, default="")
    review_attachment = models.FileField(
        _("评审附件"), upload_to=fee_review_upload_to, blank=True, max_length=200
    )

    class Meta:
        verbose_name = _("费用标准版本")
        verbose_name_plural = _("费用标准版本")
        ordering = ["standard", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="fee_version_unique"),
            models.UniqueConstraint(
                fields=["standard"],
                condition=Q(status="pending"),
                name="fee_version_one_pending",
            ),
            models.UniqueConstraint(
                fields=["standard"],
                condition=Q(status="approved"),
                name="fee_version_one_approved",
            ),
            models.CheckConstraint(
                name="fee_version_amount_not_negative", condition=Q(amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard} v{self.number} {self.amount}"


class FeeEvent(StatusTimelineEvent):
    """The fee standard's timeline: proposals, decisions, with actor, amounts and reason."""

    standard = models.ForeignKey(
        FeeStandard, verbose_name=_("费用标准"), on_delete=models.CASCADE, related_name="events"
    )
    version = models.ForeignKey(
        FeeVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="events"
    )
    old_amount = models.DecimalField(
        _("原费用（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    new_amount = models.DecimalField(
        _("新费用（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("费用标准记录")
        verbose_name_plural = _("费用标准记录")

    @classmethod
    def record(cls, *, actor: Actor, action: str, reason: str = "", **fields: Any) -> Self:
        """A step of one version: the standard and the version's amount come from the version,
        so ``perform`` (which names only the version) records complete rows."""
        version = fields.get("version")
        if isinstance(version, FeeVersion):
            fields.setdefault("standard_id", version.standard_id)
            fields.setdefault("new_amount", version.amount)
        return super().record(actor=actor, action=action, reason=reason, **fields)

    def __str__(self) -> str:
        return f"{self.standard_id} {self.action}"


class NegotiationStatus(models.TextChoices):
    PROPOSED = "proposed", _("待组织确认")
    AGREED = "agreed", _("已确认")
    DECLINED = "declined", _("组织未同意")


class FeeNegotiation(models.Model):
    """Schools negotiated a fee jointly with an org (R45); the parties and the agreed fee.

    Recording it is not enough: the fee applies only once the org agrees explicitly (a declared
    move), so one school cannot set its own price by naming a partner.
    """

    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "catalog.Certificate", verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    agreed_fee = models.DecimalField(_("协商费用（元）"), max_digits=12, decimal_places=2)
    ceiling = models.DecimalField(_("成本上限（元）"), max_digits=12, decimal_places=2)
    schools = models.ManyToManyField("pilots.School", verbose_name=_("参与院校"), related_name="+")
    negotiated_on = models.DateField(_("协商日期"))
    notes = models.TextField(_("说明"), blank=True, default="")
    recorded_by = models.ForeignKey(
        "core.Unit", verbose_name=_("录入单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=NegotiationStatus.choices,
        default=NegotiationStatus.PROPOSED,
        db_index=True,
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联合议价")
        verbose_name_plural = _("联合议价")
        ordering = ["-negotiated_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="fee_negotiation_within_ceiling",
                condition=Q(agreed_fee__lte=models.F("ceiling")),
            ),
            models.CheckConstraint(
                name="fee_negotiation_not_negative", condition=Q(agreed_fee__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.certificate} {self.agreed_fee}"


class NegotiationEvent(StatusTimelineEvent):
    """The joint negotiation's timeline: recorded, agreed or declined by the org."""

    negotiation = models.ForeignKey(
        FeeNegotiation, verbose_name=_("联合议价"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("联合议价记录")
        verbose_name_plural = _("联合议价记录")

    def __str__(self) -> str:
        return f"{self.negotiation_id} {self.action}"
