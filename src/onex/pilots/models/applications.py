"""Pilot applications (R26, R43, R32), their timeline, and the provincial summary table (R27).

Design notes:
- ``province`` and ``city`` are copied from the school when the application is created so that
  scoping (``actor.region_q``) and the reviewers' to-do lists filter on indexed columns of this
  table, without a join through the school.
- ``levels`` is a short JSON list of ``catalog.Level`` values in 初级→高级 order (R34); it is only
  ever read whole, never filtered on in SQL.
- ``enrolments`` maps a year (as text, JSON keys are strings) to the students enrolled; it is
  prefilled from ``SpecialtyEnrolment`` but belongs to the application, because what the school
  declared when applying is what the province judged.
- ``city_review_required`` is the R32 profile value captured at submission, so a later change of
  the province's profile does not strand applications already in the chain.
- The summary table rows (``SummaryRow``) are a snapshot of text and numbers as submitted, not
  links to applications: the national aggregator must keep seeing what a province sent even
  after the province edits its data, and tables loaded from a province's xlsx have no links.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onex.core.models.timeline import StatusTimelineEvent

__all__ = [
    "ApplicationAttachment",
    "ApplicationEvent",
    "ApplicationStatus",
    "FacilityKind",
    "PilotApplication",
    "SummaryRow",
    "SummarySource",
    "SummarySubmission",
]


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CITY_REVIEW = "city_review", _("待市级初审")
    SUBMITTED = "submitted", _("待省级确认")
    RETURNED = "returned", _("已退回")
    REJECTED = "rejected", _("已驳回")
    CONFIRMED = "confirmed", _("已确认")
    PUBLISHED = "published", _("已公布")


# Statuses in which the province has confirmed the school and certificate (R44 reads these).
CONFIRMED_STATUSES: tuple[str, ...] = (ApplicationStatus.CONFIRMED, ApplicationStatus.PUBLISHED)
# Statuses the school may still edit.
EDITABLE_STATUSES: tuple[str, ...] = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


class FacilityKind(models.TextChoices):
    OWN = "own", _("自有")
    RENTED = "rented", _("租用")
    SHARED = "shared", _("与企业、基地或院校共用")


def _random_name(prefix: str, filename: str) -> str:
    # Uploaded names can carry personal data; keep only the extension.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"pilots/{prefix}/{uuid.uuid4().hex}{suffix}"


def attachment_upload_to(instance: ApplicationAttachment, filename: str) -> str:
    return _random_name("attachments", filename)


def snapshot_upload_to(instance: SummarySubmission, filename: str) -> str:
    return _random_name("summaries", filename)


def scan_upload_to(instance: SummarySubmission, filename: str) -> str:
    return _random_name("summary-scans", filename)


class PilotApplication(models.Model):
    """A school's application to pilot one certificate in one specialty (R26, R32, R34, R43)."""

    school = models.ForeignKey(
        "pilots.School",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="pilot_applications",
    )
    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "geo.Division", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "catalog.Certificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        related_name="pilot_applications",
    )
    specialty = models.ForeignKey(
        "pilots.Specialty",
        verbose_name=_("专业"),
        on_delete=models.PROTECT,
        related_name="pilot_applications",
    )
    levels = models.JSONField(_("培训等级"), default=list, blank=True)
    full_time_teachers = models.PositiveIntegerField(_("专任教师数"), default=0)
    team_size = models.PositiveIntegerField(_("培训团队人数"), default=0)
    dual_qualified_teachers = models.PositiveIntegerField(_("双师型教师数"), default=0)
    industry_experts = models.PositiveIntegerField(_("行业企业专家数"), default=0)
    enrolments = models.JSONField(_("近年招生人数"), default=dict, blank=True)
    facility_kind = models.CharField(
        _("教学实训设施来源"), max_length=16, choices=FacilityKind.choices, blank=True, default=""
    )
    facility_description = models.TextField(_("教学实训设施说明"), blank=True, default="")
    has_training_rooms = models.BooleanField(_("有相关实训室"), default=False)
    has_internship_sites = models.BooleanField(_("有相关实习实训场所"), default=False)
    work_plan = models.TextField(_("试点工作方案"), blank=True, default="")
    planned_students = models.PositiveIntegerField(_("计划学生数"), default=0)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True, default="")
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True, default="")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    city_review_required = models.BooleanField(_("须经市级初审"), default=False)
    # The last return/rejection reason, shown to the school; every reason stays on the timeline.
    decision_reason = models.TextField(_("退回或驳回原因"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    city_reviewed_at = models.DateTimeField(_("市级初审时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("省级审核时间"), null=True, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("试点申请")
        verbose_name_plural = _("试点申请")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["province", "status"], name="pilotapp_province_status"),
            models.Index(fields=["city", "status"], name="pilotapp_city_status"),
            models.Index(fields=["school", "status"], name="pilotapp_school_status"),
            models.Index(fields=["certificate", "status"], name="pilotapp_cert_status"),
        ]
        constraints = [
            # One live application per school, certificate and specialty; a rejected one may
            # be followed by a new application.
            models.UniqueConstraint(
                fields=["school", "certificate", "specialty"],
                condition=~Q(status="rejected"),
                name="pilotapp_one_live_per_specialty",
            ),
            models.CheckConstraint(
                name="pilotapp_dual_within_team",
                condition=Q(dual_qualified_teachers__lte=F("team_size")),
            ),
            models.CheckConstraint(
                name="pilotapp_experts_within_team",
                condition=Q(industry_experts__lte=F("team_size")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} · {self.certificate_id} · {self.specialty_id}"


class ApplicationAttachment(models.Model):
    """A document about the facilities (lease, sharing agreement, photos), type/size checked."""

    application = models.ForeignKey(
        PilotApplication,
        verbose_name=_("试点申请"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    title = models.CharField(_("附件说明"), max_length=100)
    file = models.FileField(_("文件"), upload_to=attachment_upload_to, max_length=200)
    kind = models.CharField(_("文件类型"), max_length=8)  # pdf | png | jpeg (sniffed)
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请附件")
        verbose_name_plural = _("申请附件")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.title


class ApplicationEvent(StatusTimelineEvent):
    """The application's timeline: one row per step, with actor, old and new status, reason."""

    application = models.ForeignKey(
        PilotApplication,
        verbose_name=_("试点申请"),
        on_delete=models.CASCADE,
        related_name="events",
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("申请记录")
        verbose_name_plural = _("申请记录")

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class SummarySource(models.TextChoices):
    GENERATED = "generated", _("省级报送")
    IMPORTED = "imported", _("汇总机构导入")


class SummarySubmission(models.Model):
    """A province's 试点院校情况汇总表 sent to the national aggregator (R27).

    ``snapshot`` is the generated xlsx exactly as sent; ``scan`` the stamped copy (PDF/image).
    ``deadline`` is the profile's deadline in force when it was sent; ``is_late`` compares it.
    """

    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=SummarySource.choices, default=SummarySource.GENERATED
    )
    snapshot = models.FileField(
        _("汇总表（xlsx）"), upload_to=snapshot_upload_to, max_length=200, blank=True
    )
    scan = models.FileField(_("盖章扫描件"), upload_to=scan_upload_to, max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    deadline = models.DateField(_("报送截止日期"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    note = models.CharField(_("说明"), max_length=300, blank=True, default="")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("报送单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("试点院校情况汇总表")
        verbose_name_plural = _("试点院校情况汇总表")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["province", "-submitted_at"], name="summary_province_at")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.submitted_at:%Y-%m-%d}"


class SummaryRow(models.Model):
    """One line of a submitted summary table, the thirteen columns of 附件2 as sent."""

    submission = models.ForeignKey(
        SummarySubmission,
        verbose_name=_("汇总表"),
        on_delete=models.CASCADE,
        related_name="rows",
    )
    position = models.PositiveIntegerField(_("序号"))
    province_name = models.CharField(_("省份"), max_length=64)
    school_name = models.CharField(_("学校"), max_length=200)
    school_code = models.CharField(_("学校标识码"), max_length=10)
    school_type = models.CharField(_("学校类型"), max_length=64)
    certificate_name = models.CharField(_("证书"), max_length=200)
    levels = models.CharField(_("等级"), max_length=32)
    specialty_name = models.CharField(_("专业"), max_length=100)
    full_time_teachers = models.PositiveIntegerField(_("专任教师数"))
    dual_qualified_ratio = models.DecimalField(_("双师型教师比例"), max_digits=5, decimal_places=4)
    industry_expert_ratio = models.DecimalField(_("行业专家比例"), max_digits=5, decimal_places=4)
    planned_students = models.PositiveIntegerField(_("计划学生数"))
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True, default="")
    contact_phone = models.CharField(_("电话"), max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("汇总表行")
        verbose_name_plural = _("汇总表行")
        ordering = ["submission", "position"]

    def __str__(self) -> str:
        return f"{self.school_name} · {self.certificate_name}"
