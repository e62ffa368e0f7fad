"""Schools (foundation subset; issue 3 adds specialties, applications and reviews)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchoolType(models.TextChoices):
    HIGHER_VOCATIONAL = "higher_vocational", _("高等职业学校")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中等职业学校")
    VOCATIONAL_UNDERGRADUATE = "vocational_undergraduate", _("本科层次职业教育试点学校")
    APPLIED_UNDERGRADUATE = "applied_undergraduate", _("应用型本科高校")
    OPEN_UNIVERSITY = "open_university", _("国家开放大学")
    TECHNICAL = "technical", _("技工学校")


class School(models.Model):
    unit = models.OneToOneField(
        "core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="school"
    )
    name = models.CharField(_("学校名称"), max_length=200)
    code = models.CharField(_("学校标识码"), max_length=10, unique=True)
    school_type = models.CharField(_("学校类型"), max_length=32, choices=SchoolType.choices)
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "geo.Division", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["province__code", "city__code", "name"]

    def __str__(self) -> str:
        return self.name


class Specialty(models.Model):
    """A specialty (专业) a school runs, with its national specialty code."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="specialties"
    )
    code = models.CharField(_("专业代码"), max_length=16)
    name = models.CharField(_("专业名称"), max_length=100)

    class Meta:
        verbose_name = _("专业")
        verbose_name_plural = _("专业")
        ordering = ["school", "code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="specialty_unique_per_school")
        ]

    def __str__(self) -> str:
        return self.name


class SpecialtyEnrolment(models.Model):
    """Students enrolled in a specialty in one year (R26 needs three consecutive years)."""

    specialty = models.ForeignKey(
        Specialty, verbose_name=_("专业"), on_delete=models.CASCADE, related_name="enrolments"
    )
    year = models.PositiveSmallIntegerField(_("招生年份"))
    students = models.PositiveIntegerField(_("招生人数"))

    class Meta:
        verbose_name = _("专业招生")
        verbose_name_plural = _("专业招生")
        ordering = ["specialty", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["specialty", "year"], name="enrolment_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.students}"
