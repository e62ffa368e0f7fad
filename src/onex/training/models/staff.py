"""A school's teachers, their certificate-training workload (R06), performance pay (R31) and
training alliances with shared teachers (R07)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Certificate
from onex.core.models.timeline import StatusTimelineEvent
from onex.core.personal import PersonalIdMixin
from onex.pilots.models import School

TERM_MAX = 16


class Teacher(PersonalIdMixin, models.Model):
    """A teacher of a pilot school (pilots keeps only head counts). The ID number is optional;
    when given it is sealed by ``PersonalIdMixin`` and shown masked."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=64)
    department = models.CharField(_("所在院系"), max_length=100, blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("教师")
        verbose_name_plural = _("教师")
        ordering = ["school", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class WorkloadRatio(models.Model):
    """The ratio at which a school counts certificate-training hours as teaching workload in a
    term (R06: the school sets it)."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.CharField(_("学期"), max_length=TERM_MAX)
    ratio = models.DecimalField(_("折算比例"), max_digits=4, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    set_at = models.DateTimeField(_("设定时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作量折算比例")
        verbose_name_plural = _("工作量折算比例")
        ordering = ["school", "-term"]
        constraints = [
            models.UniqueConstraint(fields=["school", "term"], name="training_ratio_unique"),
            models.CheckConstraint(
                condition=Q(ratio__gt=0) & Q(ratio__lte=5), name="training_ratio_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.term} {self.ratio}"


class TrainingWorkload(models.Model):
    """Certificate-training hours a teacher carried in a term, beyond the teaching load."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        Teacher, verbose_name=_("教师"), on_delete=models.PROTECT, related_name="workloads"
    )
    term = models.CharField(_("学期"), max_length=TERM_MAX, db_index=True)
    hours = models.DecimalField(_("证书培训学时"), max_digits=7, decimal_places=1)
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证书培训工作量")
        verbose_name_plural = _("证书培训工作量")
        ordering = ["-term", "teacher__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_workload_hours")
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} {self.term} {self.hours}"


class PerformancePay(models.Model):
    """Performance-pay recognition of a teacher who carried certificate training (R31)."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        Teacher, verbose_name=_("教师"), on_delete=models.PROTECT, related_name="pay"
    )
    term = models.CharField(_("学期"), max_length=TERM_MAX, db_index=True)
    amount = models.DecimalField(_("绩效金额（元）"), max_digits=10, decimal_places=2)
    basis = models.CharField(_("认定依据"), max_length=300)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("绩效工资认定")
        verbose_name_plural = _("绩效工资认定")
        ordering = ["-term", "teacher__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="training_pay_amount")
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} {self.term} {self.amount}"


class AllianceStatus(models.TextChoices):
    ACTIVE = "active", _("运行中")
    DISSOLVED = "dissolved", _("已解散")


class Alliance(models.Model):
    """A training alliance of pilot schools for one certificate (R07)."""

    name = models.CharField(_("联合体名称"), max_length=200)
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )
    founder = models.ForeignKey(
        School, verbose_name=_("牵头学校"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AllianceStatus.choices,
        default=AllianceStatus.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField(_("成立时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训联合体")
        verbose_name_plural = _("培训联合体")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class AllianceMember(models.Model):
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("培训联合体"), on_delete=models.CASCADE, related_name="members"
    )
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联合体成员")
        verbose_name_plural = _("联合体成员")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "school"], name="training_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.alliance_id} {self.school_id}"


class TeacherShare(models.Model):
    """A member school hires a teacher of another member school for the alliance's training."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("培训联合体"), on_delete=models.CASCADE, related_name="shares"
    )
    teacher = models.ForeignKey(
        Teacher, verbose_name=_("教师"), on_delete=models.PROTECT, related_name="shares"
    )
    host_school = models.ForeignKey(
        School, verbose_name=_("聘用学校"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.CharField(_("学期"), max_length=TERM_MAX)
    hours = models.DecimalField(_("培训学时"), max_digits=7, decimal_places=1)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("互聘教师")
        verbose_name_plural = _("互聘教师")
        ordering = ["-term", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_share_hours")
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} → {self.host_school_id} {self.term}"


class AllianceEvent(StatusTimelineEvent):
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("培训联合体"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("联合体记录")
        verbose_name_plural = _("联合体记录")
