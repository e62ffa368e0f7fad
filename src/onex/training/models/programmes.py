"""Teacher-training programmes of orgs (R04, R05): roster, published fee, voluntary enrolment,
attendance and completion."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Certificate, Org
from onex.core.models.timeline import StatusTimelineEvent
from onex.pilots.models import School
from onex.training.models.staff import Teacher


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公示")
    OPEN = "open", _("报名中")
    CLOSED = "closed", _("已结束")


class TrainingProgramme(models.Model):
    org = models.ForeignKey(
        Org, verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="programmes"
    )
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("培训项目名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    hours = models.DecimalField(_("培训学时"), max_digits=6, decimal_places=1)
    venue = models.CharField(_("地点"), max_length=300, blank=True, default="")
    description = models.TextField(_("培训方案"), blank=True, default="")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.DRAFT,
        db_index=True,
    )
    fee_published_at = models.DateTimeField(_("收费标准公示时间"), null=True, blank=True)
    enrolment_opened_at = models.DateTimeField(_("开始报名时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("师资培训项目")
        verbose_name_plural = _("师资培训项目")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="training_programme_dates"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_programme_hours"),
        ]

    def __str__(self) -> str:
        return self.title


class FeeItem(models.Model):
    """One item of the programme's published fee standard (R04)."""

    programme = models.ForeignKey(
        TrainingProgramme, verbose_name=_("培训项目"), on_delete=models.CASCADE, related_name="fees"
    )
    name = models.CharField(_("收费项目"), max_length=100)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="training_fee_amount")
        ]

    def __str__(self) -> str:
        return self.name


class Trainer(models.Model):
    """One trainer of the programme's team (R05: the industry share is checked on publication)."""

    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name=_("培训项目"),
        on_delete=models.CASCADE,
        related_name="trainers",
    )
    name = models.CharField(_("姓名"), max_length=64)
    employer = models.CharField(_("工作单位"), max_length=200)
    title = models.CharField(_("职称/职务"), max_length=100, blank=True, default="")
    from_industry = models.BooleanField(_("来自行业企业"), default=False)

    class Meta:
        verbose_name = _("培训师")
        verbose_name_plural = _("培训师")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    WITHDRAWN = "withdrawn", _("已退出")
    COMPLETED = "completed", _("已结业")


class Enrolment(models.Model):
    """A teacher's enrolment, made by the teacher's own school (never by the org, R04)."""

    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name=_("培训项目"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    teacher = models.ForeignKey(
        Teacher, verbose_name=_("教师"), on_delete=models.PROTECT, related_name="enrolments"
    )
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
        db_index=True,
    )
    attended_hours = models.DecimalField(_("出勤学时"), max_digits=6, decimal_places=1, default=0)
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["programme", "enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "teacher"], name="training_enrolment_unique"
            ),
            models.CheckConstraint(
                condition=Q(attended_hours__gte=0), name="training_attended_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.programme}"


class ProgrammeEvent(StatusTimelineEvent):
    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name=_("培训项目"),
        on_delete=models.CASCADE,
        related_name="events",
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("培训项目记录")
        verbose_name_plural = _("培训项目记录")


class EnrolmentEvent(StatusTimelineEvent):
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("报名记录")
        verbose_name_plural = _("报名记录")
