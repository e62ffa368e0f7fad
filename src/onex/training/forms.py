"""Forms of the training pages. They parse input only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Certificate, Org
from onex.core.forms import DateInput
from onex.core.limits import DOCUMENT_MAX, REASON_MAX
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School
from onex.training.models import (
    ActivityKind,
    LicensedPublisher,
    ResourceKind,
    Teacher,
)


def _provinces() -> Any:
    return Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code")


class ActivityForm(forms.Form):
    province = forms.ModelChoiceField(label=_("省份"), queryset=_provinces())
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=200)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    venue = forms.CharField(label=_("地点"), max_length=300)
    schools = forms.ModelMultipleChoiceField(
        label=_("涉及院校"),
        queryset=School.objects.order_by("province__code", "name"),
        required=False,
        help_text=_("须为该省院校；按住 Ctrl 可多选。"),
    )
    description = forms.CharField(
        label=_("活动方案"), max_length=DOCUMENT_MAX, required=False, widget=forms.Textarea
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgrammeForm(forms.Form):
    certificate = forms.ModelChoiceField(label=_("证书"), queryset=Certificate.objects.none())
    province = forms.ModelChoiceField(label=_("省份"), queryset=_provinces())
    title = forms.CharField(label=_("培训项目名称"), max_length=200)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("培训学时"), max_digits=6, decimal_places=1, min_value=0.1, max_value=10000
    )
    venue = forms.CharField(label=_("地点"), max_length=300, required=False)
    description = forms.CharField(
        label=_("培训方案"), max_length=DOCUMENT_MAX, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Certificate.objects.filter(org=org).order_by("code")


class TrainerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    employer = forms.CharField(label=_("工作单位"), max_length=200)
    title = forms.CharField(label=_("职称/职务"), max_length=100, required=False)
    from_industry = forms.BooleanField(label=_("来自行业企业"), required=False)


class FeeItemForm(forms.Form):
    name = forms.CharField(label=_("收费项目"), max_length=100)
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=10, decimal_places=2, min_value=0)


class EnrolForm(forms.Form):
    teacher = forms.ModelChoiceField(label=_("教师"), queryset=Teacher.objects.none())

    def __init__(self, *args: Any, teachers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teacher"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teachers


class AttendForm(forms.Form):
    hours = forms.DecimalField(
        label=_("出勤学时"), max_digits=6, decimal_places=1, min_value=0, max_value=10000
    )


class TeacherForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    department = forms.CharField(label=_("所在院系"), max_length=100, required=False)
    id_number = forms.CharField(
        label=_("身份证号（选填）"),
        required=False,
        max_length=32,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("加密保存，仅显示脱敏号码。"),
    )


TERM_HELP = _("格式：2026-2027-1（学年-学期）")


class RatioForm(forms.Form):
    term = forms.CharField(label=_("学期"), max_length=16, help_text=TERM_HELP)
    ratio = forms.DecimalField(
        label=_("折算比例"),
        max_digits=4,
        decimal_places=2,
        min_value=0.01,
        max_value=5,
        help_text=_("1 学时证书培训折算为多少学时全日制教学工作量"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class WorkloadForm(forms.Form):
    teacher = forms.ModelChoiceField(label=_("教师"), queryset=Teacher.objects.none())
    term = forms.CharField(label=_("学期"), max_length=16, help_text=TERM_HELP)
    hours = forms.DecimalField(
        label=_("证书培训学时"), max_digits=7, decimal_places=1, min_value=0.1, max_value=5000
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, teachers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teacher"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teachers


class PayForm(WorkloadForm):
    hours = None  # type: ignore[assignment]
    amount = forms.DecimalField(
        label=_("绩效金额（元）"), max_digits=10, decimal_places=2, min_value=0.01
    )
    basis = forms.CharField(label=_("认定依据"), max_length=300)
    note = None  # type: ignore[assignment]


class AllianceForm(forms.Form):
    name = forms.CharField(label=_("联合体名称"), max_length=200)
    certificate = forms.ModelChoiceField(
        label=_("证书"), queryset=Certificate.objects.order_by("code")
    )


class ShareForm(forms.Form):
    teacher = forms.ModelChoiceField(label=_("教师"), queryset=Teacher.objects.none())
    host_school = forms.ModelChoiceField(label=_("聘用学校"), queryset=School.objects.none())
    term = forms.CharField(label=_("学期"), max_length=16, help_text=TERM_HELP)
    hours = forms.DecimalField(
        label=_("培训学时"), max_digits=7, decimal_places=1, min_value=0.1, max_value=5000
    )

    def __init__(self, *args: Any, teachers: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teacher = self.fields["teacher"]
        host = self.fields["host_school"]
        assert isinstance(teacher, forms.ModelChoiceField)
        assert isinstance(host, forms.ModelChoiceField)
        teacher.queryset = teachers
        host.queryset = schools


class ResourceForm(forms.Form):
    certificate = forms.ModelChoiceField(label=_("证书"), queryset=Certificate.objects.none())
    kind = forms.ChoiceField(label=_("资源类型"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    publisher = forms.ModelChoiceField(
        label=_("出版单位（教材）"),
        queryset=LicensedPublisher.objects.filter(active=True).order_by("name"),
        required=False,
    )
    isbn = forms.CharField(label=_("ISBN（教材）"), max_length=17, required=False)
    url = forms.URLField(label=_("在线地址"), max_length=500, required=False, assume_scheme="https")
    updated_on = forms.DateField(label=_("最近更新日期"), widget=DateInput())
    free = forms.BooleanField(label=_("免费共享"), required=False, initial=True)
    price = forms.DecimalField(
        label=_("价格（元）"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("按成本有偿提供时填写。"),
    )
    unit_cost = forms.DecimalField(
        label=_("单位成本（元）"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("收费资源须申报单位成本，价格不得高于成本（R08）。"),
    )
    cost_basis = forms.CharField(
        label=_("成本构成"),
        max_length=500,
        required=False,
        help_text=_("如印制、平台运维、内容开发分摊。"),
    )

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Certificate.objects.filter(org=org).order_by("code")


class PriceForm(forms.Form):
    free = forms.BooleanField(label=_("免费共享"), required=False)
    price = forms.DecimalField(
        label=_("价格（元）"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    unit_cost = forms.DecimalField(
        label=_("单位成本（元）"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    cost_basis = forms.CharField(label=_("成本构成"), max_length=500, required=False)


class RefreshForm(forms.Form):
    updated_on = forms.DateField(label=_("更新日期"), widget=DateInput())


class PublisherForm(forms.Form):
    name = forms.CharField(label=_("出版单位"), max_length=200)
    licence_number = forms.CharField(label=_("出版许可证号"), max_length=64, required=False)
