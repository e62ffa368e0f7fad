"""Learning resources of orgs (R08): textbooks from licensed publishers, case libraries and
question banks, free or priced, with the date each was last updated."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Certificate, Org
from onex.core.models.timeline import StatusTimelineEvent


class LicensedPublisher(models.Model):
    """A publisher licensed to publish textbooks; the national admin keeps the list."""

    name = models.CharField(_("出版单位"), max_length=200, unique=True)
    licence_number = models.CharField(_("出版许可证号"), max_length=64, blank=True, default="")
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("具备资质的出版单位")
        verbose_name_plural = _("具备资质的出版单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ResourceKind(models.TextChoices):
    TEXTBOOK = "textbook", _("教材")
    CASE_LIBRARY = "case_library", _("案例库")
    QUESTION_BANK = "question_bank", _("习题库")


class ResourceStatus(models.TextChoices):
    LISTED = "listed", _("已发布")
    WITHDRAWN = "withdrawn", _("已下架")


class Resource(models.Model):
    org = models.ForeignKey(
        Org, verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="resources"
    )
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("资源类型"), max_length=16, choices=ResourceKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    publisher = models.ForeignKey(
        LicensedPublisher,
        verbose_name=_("出版单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    isbn = models.CharField(_("ISBN"), max_length=17, blank=True, default="")
    url = models.URLField(_("在线地址"), max_length=500, blank=True, default="")
    updated_on = models.DateField(_("最近更新日期"))
    free = models.BooleanField(_("免费共享"), default=True)
    price = models.DecimalField(_("价格（元）"), max_digits=10, decimal_places=2, default=0)
    # R08 "at cost" (按成本提供): a priced resource declares its unit cost and what it is made
    # of; the price may not exceed the cost. Rows priced before this have none (listed).
    unit_cost = models.DecimalField(
        _("单位成本（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    cost_basis = models.CharField(_("成本构成"), max_length=500, blank=True, default="")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ResourceStatus.choices,
        default=ResourceStatus.LISTED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训资源")
        verbose_name_plural = _("培训资源")
        ordering = ["certificate", "kind", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(free=True) & Q(price=0)) | (Q(free=False) & Q(price__gt=0)),
                name="training_resource_price",
            ),
            # The database backs R08 up: no price above the declared cost.
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(price__lte=models.F("unit_cost")),
                name="training_resource_price_at_cost",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ResourceEvent(StatusTimelineEvent):
    resource = models.ForeignKey(
        Resource, verbose_name=_("培训资源"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StatusTimelineEvent.Meta):
        verbose_name = _("资源记录")
        verbose_name_plural = _("资源记录")
