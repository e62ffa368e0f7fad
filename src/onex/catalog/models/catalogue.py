"""The certificate catalogue: batches, certificates, levels with ceilings (R13, R24), standards."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models.orgs import Org
from onex.catalog.models.uploads import random_upload_name


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
        return specialty_lines(self.specialties)


def specialty_lines(text: str) -> list[str]:
    """The specialty names of a certificate's ``specialties`` text, one per non-blank line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


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


def standard_upload_to(instance: Standard, filename: str) -> str:
    return random_upload_name("standards", filename)


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


def level_sort_key(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)
