"""Schools, their specialties and enrolment, and the R01/R33 coordination records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SchoolType(models.TextChoices):
    HIGHER_VOCATIONAL = "higher_vocational", _("高等职业学校")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中等职业学校")
    VOCATIONAL_UNDERGRADUATE = "vocational_undergraduate", _("本科层次职业教育试点学校")
    APPLIED_UNDERGRADUATE = "applied_undergraduate", _("应用型本科高校")
    OPEN_UNIVERSITY = "open_university", _("国家开放大学")
    TECHNICAL = "technical", _("技工学校")


class SchoolPilotStatus(models.TextChoices):
    """Whether the school is still in the pilot (R23, R47); supervision decides, pilots keeps it."""

    ACTIVE = "active", _("试点中")
    DISQUALIFIED = "disqualified", _("已取消试点资格")


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
    # R23/R47: set only through ``pilots.services.schools.school_set_pilot_status`` (the
    # supervision app's disqualification and reinstatement decisions).
    pilot_status = models.CharField(
        _("试点状态"),
        max_length=16,
        choices=SchoolPilotStatus.choices,
        default=SchoolPilotStatus.ACTIVE,
    )
    pilot_status_on = models.DateField(_("试点状态变更日期"), null=True, blank=True)
    # The school's pilot status over time: the day the province first confirmed one of its
    # applications, and the day it stopped being a pilot school (disqualified or withdrawn).
    # Weekly-report obligations (R23, R41) follow these dates.
    pilot_since = models.DateField(_("成为试点院校日期"), null=True, blank=True, db_index=True)
    pilot_until = models.DateField(_("停止试点日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["province__code", "city__code", "name"]
        constraints = [
            models.CheckConstraint(
                name="school_pilot_until_after_since",
                condition=models.Q(pilot_until__isnull=True)
                | models.Q(pilot_since__isnull=False, pilot_until__gt=models.F("pilot_since")),
            )
        ]

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


class ProvinceCoordination(models.Model):
    """A province's pilot coordination body and its contact (R01; 000 一(一)).

    One row per province, edited in place; every change is in the audit log with old and new
    values, which is the history officials ask for when a contact changes.
    """

    province = models.OneToOneField(
        "geo.Division",
        verbose_name=_("省份"),
        on_delete=models.PROTECT,
        related_name="pilot_coordination",
    )
    body_name = models.CharField(_("试点工作指导协调机构"), max_length=200)
    host_name = models.CharField(
        _("依托单位"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("如省级教研机构、牵头职业院校或专家组织"),
    )
    contact_name = models.CharField(_("联系人"), max_length=64)
    contact_title = models.CharField(_("联系人职务"), max_length=64, blank=True, default="")
    contact_phone = models.CharField(_("联系电话"), max_length=32)
    contact_email = models.EmailField(_("电子邮箱"), blank=True, default="")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("省级试点工作协调机构")
        verbose_name_plural = _("省级试点工作协调机构")
        ordering = ["province__code"]

    def __str__(self) -> str:
        return self.body_name


class SchoolWorkingBody(models.Model):
    """One filing of a school's pilot working body and contact person (R01, R33; 附件2 of
    晋教职成〔2020〕9号).

    Append-only: a change is a new filing, so the history of who led the body and whom to call
    stays visible; the newest filing is the current one.
    """

    school = models.ForeignKey(
        School,
        verbose_name=_("学校"),
        on_delete=models.CASCADE,
        related_name="working_body_filings",
    )
    body_name = models.CharField(_("试点工作机构名称"), max_length=200)
    leader_name = models.CharField(_("组长姓名"), max_length=64)
    leader_title = models.CharField(_("组长职务"), max_length=64)
    members = models.TextField(_("机构成员"), blank=True, default="")
    contact_name = models.CharField(_("联系人"), max_length=64)
    contact_title = models.CharField(_("联系人职务或部门"), max_length=100, blank=True, default="")
    contact_phone = models.CharField(_("办公电话"), max_length=32)
    contact_mobile = models.CharField(_("手机"), max_length=32, blank=True, default="")
    contact_email = models.EmailField(_("电子邮箱"))
    work_plan = models.TextField(_("试点工作方案摘要"), blank=True, default="")
    note = models.CharField(_("变更说明"), max_length=300, blank=True, default="")
    filed_at = models.DateTimeField(_("报备时间"), db_index=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报备人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("试点院校工作机构报备")
        verbose_name_plural = _("试点院校工作机构报备")
        ordering = ["school", "-filed_at", "-pk"]
        indexes = [models.Index(fields=["school", "-filed_at"])]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.body_name}"


class ReminderKind(models.TextChoices):
    WORKING_BODY = "working_body", _("报备试点工作机构和联系人")


class SchoolReminder(models.Model):
    """A reminder shown on a school's to-do list (sent by a province, a city or the daily task)."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=ReminderKind.choices)
    rule = models.CharField(_("规则"), max_length=8, blank=True, default="")
    message = models.CharField(_("提醒内容"), max_length=500)
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), db_index=True)
    # None: sent by the platform's daily task.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_by_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("发送单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("院校提醒")
        verbose_name_plural = _("院校提醒")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["school", "kind", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.kind} {self.sent_at:%Y-%m-%d}"
