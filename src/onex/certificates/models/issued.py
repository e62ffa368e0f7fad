"""Issued certificates, number series, status changes and issue jobs (R15, R36).

Design notes:
- A certificate stands alone: the holder's name and ID number (encrypted, hashed, masked) are
  copied from the exam candidate at issue, so the public query and the PDF never depend on the
  assessment tables, and a later correction of a candidate row cannot rewrite a certificate.
- ``province`` is where the exam was held (the plan's province): it scopes provincial reads and
  is part of the certificate number.
- ``NumberSeries`` holds the last serial per (year, certificate, level, province); its row lock
  serializes allocation so numbers are gap-free (see ``onex.certificates.numbering``).
- ``registration`` is unique when set: one certificate per passed registration. It is null for
  certificates entered without an exam record on the platform (back-filled data, demo data).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Level
from onex.core.models.timeline import StatusTimelineEvent
from onex.core.personal import PersonalIdMixin

__all__ = [
    "PLATFORM_EXAMINED",
    "CertificateStatus",
    "IssueJob",
    "IssueJobKind",
    "IssueJobStatus",
    "IssuedCertificate",
    "NumberSeries",
    "StatusChange",
]


#: R44: the certificates issued from an exam held on the platform; credit-bank code and any count
#: that means "examined here" filter with this, never on other fields.
PLATFORM_EXAMINED = Q(registration__isnull=False)


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("已撤销")


class NumberSeries(models.Model):
    """The last serial allocated in one numbering series; locked while allocating."""

    year = models.PositiveSmallIntegerField(_("年份"))
    certificate = models.ForeignKey(
        "catalog.Certificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    last = models.PositiveIntegerField(_("最后序号"), default=0)

    class Meta:
        verbose_name = _("证书编号序列")
        verbose_name_plural = _("证书编号序列")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "certificate", "level", "province"],
                name="certificates_series_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}/{self.certificate_id}/{self.level}/{self.province_id}:{self.last}"


class IssuedCertificate(PersonalIdMixin, models.Model):
    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    series = models.ForeignKey(
        NumberSeries, verbose_name=_("编号序列"), on_delete=models.PROTECT, related_name="+"
    )
    serial = models.PositiveIntegerField(_("序号"))
    certificate = models.ForeignKey(
        "catalog.Certificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        related_name="issued",
    )
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    org = models.ForeignKey(
        "catalog.Org",
        verbose_name=_("培训评价组织"),
        on_delete=models.PROTECT,
        related_name="issued_certificates",
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("考核省份"), on_delete=models.PROTECT, related_name="+"
    )
    # The pilot school of a student holder (scopes the school's and city's reads); null for
    # members of the public.
    school = models.ForeignKey(
        "pilots.School",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_certificates",
    )
    holder_name = models.CharField(_("姓名"), max_length=64)
    holder_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("学习者账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued_certificates",
    )
    registration = models.OneToOneField(
        "assessment.Registration",
        verbose_name=_("考核报名"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_certificate",
    )
    issued_on = models.DateField(_("发证日期"))
    entered_on = models.DateField(_("录入日期"))
    # R15: working days from issue to entry, and whether that exceeded the profile's limit.
    entry_working_days = models.IntegerField(_("录入用时（工作日）"), null=True, blank=True)
    late_entry = models.BooleanField(_("逾期录入"), default=False, db_index=True)
    # The calendar had no data for a year in between: days are a Mon–Fri estimate.
    calendar_unverified = models.BooleanField(_("工作日未经核实"), default=False)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
        db_index=True,
    )
    status_reason = models.TextField(_("状态原因"), blank=True, default="")
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    pdf = models.FileField(_("证书 PDF"), upload_to="certificates/pdf/", blank=True)
    pdf_generated_at = models.DateTimeField(_("PDF 生成时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    # Not stored: set by the issue services for the page and the API (late entry, calendar).
    warnings: tuple[str, ...] = ()

    class Meta:
        verbose_name = _("已颁发证书")
        verbose_name_plural = _("已颁发证书")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "serial"], name="certificates_serial_once"),
            models.CheckConstraint(
                name="certificates_entered_not_before_issue",
                condition=Q(entered_on__gte=F("issued_on")),
            ),
        ]
        indexes = [
            models.Index(fields=["org", "-issued_on"]),
            models.Index(fields=["province", "-issued_on"]),
            models.Index(fields=["holder_name"]),
            # The national list's order: its first page reads 20 index entries instead of
            # sorting every certificate (bench/bench_p5_lists.py).
            models.Index(fields=["-issued_on", "-id"], name="certificates_issued_order"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def platform_examined(self) -> bool:
        """R44: only a certificate issued from an exam held on the platform counts as examined
        here; ``POST /certificates/enter`` records certificates without one. Credit-bank and
        compliance code rely on this, never on the certificate's other fields."""
        return self.registration_id is not None


class StatusChange(StatusTimelineEvent):
    """A certificate's timeline: issue, suspension, revocation, reinstatement."""

    certificate = models.ForeignKey(
        IssuedCertificate,
        verbose_name=_("证书"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("证书状态记录")
        verbose_name_plural = _("证书状态记录")

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.action}"


class IssueJobKind(models.TextChoices):
    ISSUE = "issue", _("批量发证")
    PDF = "pdf", _("批量生成证书 PDF")


class IssueJobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class IssueJob(models.Model):
    """One batch job (issue to a plan's passed candidates, or render PDFs) with its progress."""

    kind = models.CharField(_("类型"), max_length=8, choices=IssueJobKind.choices)
    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        "assessment.ExamPlan",
        verbose_name=_("考核计划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    # PDF jobs: the certificates chosen (null = every certificate of the org without a PDF).
    certificate_ids = models.JSONField(_("所选证书"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("提交单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=IssueJobStatus.choices,
        default=IssueJobStatus.PENDING,
        db_index=True,
    )
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    succeeded = models.PositiveIntegerField(_("成功"), default=0)
    skipped = models.PositiveIntegerField(_("跳过"), default=0)
    # A PDF job's PDFs in one zip, downloaded from the job page (scoped like the job).
    result = models.FileField(_("结果文件"), upload_to="certificates/jobs/", blank=True)
    # [{"ref": str, "message": str}], capped; names and masked numbers only.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("证书批量任务")
        verbose_name_plural = _("证书批量任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in (IssueJobStatus.PENDING, IssueJobStatus.RUNNING)

    @property
    def progress_percent(self) -> int:
        if not self.total:
            return 100 if not self.is_running else 0
        return min(100, int(self.done * 100 / self.total))
