"""Forms of the catalogue pages. They parse input only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Certificate, Gender, Org, OrgFiling
from onex.catalog.services.filings import FilingInput, StaffMember
from onex.core.errors import DomainError
from onex.core.forms import DateInput
from onex.core.limits import DOCUMENT_MAX, REASON_MAX
from onex.geo.models import Division, DivisionLevel


class CatalogSearchForm(forms.Form):
    q = forms.CharField(label=_("证书名称或代码"), required=False, max_length=100)
    org = forms.CharField(label=_("培训评价组织"), required=False, max_length=100)
    batch = forms.IntegerField(label=_("批次"), required=False, min_value=1, max_value=999)
    specialty = forms.CharField(label=_("面向专业"), required=False, max_length=100)


# The services name the sealed ID number by its parts; the form shows one input for it.
_FIELD_ALIASES = {"person_id_number": "id_number", "id_type": "id_number"}


class FilingForm(forms.Form):
    """Form 附件3 of 晋教职成〔2020〕9号 (山西省“1+X”培训评价组织负责人备案表)."""

    province = forms.ModelChoiceField(
        label=_("备案省份"), queryset=Division.objects.filter(level=DivisionLevel.PROVINCE)
    )
    certificate = forms.ModelChoiceField(label=_("证书名称"), queryset=Certificate.objects.none())
    person_name = forms.CharField(label=_("负责人姓名"), max_length=64)
    person_gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    person_birth_date = forms.DateField(label=_("出生年月"), required=False, widget=DateInput())
    person_phone = forms.CharField(label=_("联系电话"), max_length=32)
    person_email = forms.EmailField(label=_("邮箱"), required=False)
    # Never rendered back (render_value=False): the stored number is shown masked only.
    id_number = forms.CharField(
        label=_("身份证号"),
        required=False,
        max_length=32,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("加密保存，仅显示脱敏号码；修改备案时留空表示不变。"),
    )
    person_address = forms.CharField(label=_("现住址"), required=False, max_length=300)
    org_profile = forms.CharField(
        max_length=DOCUMENT_MAX, label=_("评价组织简介"), required=False, widget=forms.Textarea
    )
    staff = forms.CharField(
        max_length=DOCUMENT_MAX,
        label=_("工作人员情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一人：姓名，电话，负责业务"),
    )
    authorization_letter = forms.FileField(
        label=_("培训评价组织总部授权函"),
        required=False,
        help_text=_("PDF、JPG 或 PNG，不超过 5 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    training_plan = forms.CharField(
        max_length=DOCUMENT_MAX, label=_("培训计划"), required=False, widget=forms.Textarea
    )
    exam_plan = forms.CharField(
        max_length=DOCUMENT_MAX, label=_("考核计划"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = org.certificates.order_by("batch__number", "position", "code")

    @staticmethod
    def initial_for(filing: OrgFiling) -> dict[str, Any]:
        staff = "\n".join(
            "，".join([s.get("name", ""), s.get("phone", ""), s.get("duty", "")])
            for s in filing.staff
        )
        return {
            "province": filing.province_id,
            "certificate": filing.certificate_id,
            "person_name": filing.person_name,
            "person_gender": filing.person_gender,
            "person_birth_date": filing.person_birth_date,
            "person_phone": filing.person_phone,
            "person_email": filing.person_email,
            "person_address": filing.person_address,
            "org_profile": filing.org_profile,
            "staff": staff,
            "training_plan": filing.training_plan,
            "exam_plan": filing.exam_plan,
        }

    def clean_staff(self) -> list[StaffMember]:
        members: list[StaffMember] = []
        for line in self.cleaned_data.get("staff", "").splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not any(parts):
                continue
            parts += [""] * (3 - len(parts))
            members.append(StaffMember(name=parts[0], phone=parts[1], duty=",".join(parts[2:])))
        return members

    def filing_input(self) -> FilingInput:
        data = self.cleaned_data
        return FilingInput(
            person_name=data["person_name"],
            person_gender=data["person_gender"],
            person_phone=data["person_phone"],
            person_birth_date=data.get("person_birth_date"),
            person_email=data.get("person_email", ""),
            id_number=data.get("id_number", ""),
            person_address=data.get("person_address", ""),
            org_profile=data.get("org_profile", ""),
            staff=data.get("staff", []),
            training_plan=data.get("training_plan", ""),
            exam_plan=data.get("exam_plan", ""),
        )

    def error_field(self, exc: DomainError) -> str | None:
        return _FIELD_ALIASES.get(exc.field or "", exc.field)


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        max_length=DOCUMENT_MAX, label=_("正文"), widget=forms.Textarea(attrs={"rows": 10})
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX, label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3})
    )


# Service field names that a form shows under another name.
class PhraseForm(forms.Form):
    phrase = forms.CharField(label=_("表述"), max_length=64)
