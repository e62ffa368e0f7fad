"""Bulk import jobs: one uploaded xlsx file run through one registered import spec."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    VALIDATING = "validating", _("校验中")
    APPLYING = "applying", _("写入中")
    FAILED = "failed", _("失败")
    SUCCEEDED = "succeeded", _("成功")


RUNNING_STATUSES = (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.APPLYING)


def import_upload_to(instance: ImportJob, filename: str) -> str:
    # The user's file name is kept only in ``file_name``; on disk the content hash names the
    # file so personal data in a file name never reaches the media directory listing. The file
    # is sealed with the data key (core/imports.py), hence no spreadsheet suffix.
    return f"imports/{instance.spec_name}/{instance.sha256[:2]}/{instance.sha256}.sealed"


class ImportJob(models.Model):
    """One upload. The file is kept, encrypted, for a worker to read and for a failed job to be
    inspected, then deleted after the retention period; the job row, its summary and its error
    report stay (docs/adr/0004-stored-files.md).

    Idempotency: at most one job that is not failed exists per (spec, unit, file hash); the
    service returns that job instead of importing the same file twice.
    """

    spec_name = models.CharField(_("导入类型"), max_length=64, db_index=True)
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
    file = models.FileField(_("文件"), upload_to=import_upload_to, max_length=255, blank=True)
    file_purged_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    file_name = models.CharField(_("原文件名"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
        db_index=True,
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    # [{"row": int | None, "column": str, "message": str}], capped; error_count is the true count.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # Non-blocking notes such as unrecognised columns that were ignored.
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    summary = models.JSONField(_("结果摘要"), default=dict, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Claims so far: each run of the worker takes the next number and writes only while the
    # job still carries it (a run presumed dead and re-queued cannot commit afterwards).
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)

    # Not stored: set by the submit service when an upload matched an existing job.
    is_repeat: bool = False

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "spec_name", "-created_at"])]
        constraints = [
            # The database, not only the service, refuses a second live import of one file.
            models.UniqueConstraint(
                fields=["spec_name", "unit", "sha256"],
                condition=~Q(status="failed"),
                name="importjob_one_live_job_per_file",
            ),
            # The same for jobs without a unit (a superuser's): SQL NULLs are distinct above.
            models.UniqueConstraint(
                fields=["spec_name", "sha256"],
                condition=~Q(status="failed") & Q(unit__isnull=True),
                name="importjob_one_live_unitless_job_per_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spec_name} #{self.pk} {self.get_status_display()}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    def as_progress(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "total_rows": self.total_rows,
            "processed_rows": self.processed_rows,
            "percent": self.progress_percent,
        }
