"""Forms of the supervision pages; every text field has its maximum length (core.limits)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Certificate, Org, OrgStatus
from onex.core.forms import DateInput
from onex.core.limits import DOCUMENT_MAX, NAME_MAX, REASON_MAX
from onex.pilots.models import School, SchoolPilotStatus
from onex.supervision.models import OrgReason, SchoolReason
from onex.supervision.services.spotchecks import MAX_SAMPLE, SEED_MAX


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PointForm(forms.Form):
    certificate = forms.ModelChoiceField(
        label=_("证书"), queryset=Certificate.objects.order_by("code"), to_field_name="code"
    )
    school = forms.ModelChoiceField(
        label=_("学校"), queryset=School.objects.filter(pilot_status=SchoolPilotStatus.ACTIVE)
    )
    note = forms.CharField(label=_("说明"), max_length=NAME_MAX, required=False)


class RoundForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=NAME_MAX)
    planned_on = forms.DateField(label=_("计划检查日期"), widget=DateInput())
    sample_size = forms.IntegerField(label=_("抽取数量"), min_value=1, max_value=MAX_SAMPLE)
    seed = forms.CharField(
        label=_("随机种子"),
        max_length=SEED_MAX,
        required=False,
        help_text=_("留空则自动生成；种子与抽样总体一并保存，任何人都可复核抽样结果。"),
    )


class FindingForm(forms.Form):
    findings = forms.CharField(
        label=_("检查发现"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    checked_on = forms.DateField(label=_("检查日期"), required=False, widget=DateInput())


class RectificationForm(forms.Form):
    requirement = forms.CharField(
        label=_("整改要求"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class SchoolProposalForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("学校"), queryset=School.objects.filter(pilot_status=SchoolPilotStatus.ACTIVE)
    )
    reasons = forms.MultipleChoiceField(
        label=_("理由（R23、R47）"),
        choices=SchoolReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    facts = forms.CharField(
        label=_("事实与依据"), max_length=DOCUMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class OrgProposalForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("培训评价组织"), queryset=Org.objects.filter(status=OrgStatus.ACTIVE)
    )
    reasons = forms.MultipleChoiceField(
        label=_("理由（R22）"), choices=OrgReason.choices, widget=forms.CheckboxSelectMultiple
    )
    facts = forms.CharField(
        label=_("事实与依据"), max_length=DOCUMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
