"""Forms of the accounts pages; every text field has a maximum length (core.limits)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onex.accounts.selectors.permissions import creatable_kinds, national_account_admin
from onex.catalog.models import OrgType
from onex.core.actors import Actor
from onex.core.limits import EMAIL_MAX, ID_NUMBER_MAX, PERSON_NAME_MAX, PHONE_MAX, REASON_MAX
from onex.core.models import Role, Unit, UnitKind
from onex.core.personal import Gender, IdType
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import SchoolType

USERNAME_HELP = _("字母、数字和 @/./+/-/_，登录时使用。")


class PasswordInput(forms.PasswordInput):
    def __init__(self) -> None:
        super().__init__(attrs={"autocomplete": "new-password"})


class UserFields(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, help_text=USERNAME_HELP)
    display_name = forms.CharField(label=_("姓名"), max_length=PERSON_NAME_MAX, required=False)
    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=EMAIL_MAX,
        required=False,
        help_text=_("邀请链接将发送到此邮箱；也可以把页面上显示的链接当面交给本人。"),
    )


class InviteForm(UserFields):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices, initial=Role.STAFF)
    phone = forms.CharField(label=_("电话"), max_length=PHONE_MAX, required=False)


class UnitCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("单位类型"))
    name = forms.CharField(label=_("单位名称"), max_length=200)
    province = forms.ChoiceField(label=_("省份"), required=False)
    city = forms.ChoiceField(label=_("城市"), required=False)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=18, required=False, help_text=_("培训评价组织填写")
    )
    org_type = forms.ChoiceField(
        label=_("组织类型"), choices=[("", "—"), *OrgType.choices], required=False
    )
    school_code = forms.CharField(
        label=_("学校标识码"), max_length=10, required=False, help_text=_("学校填写，10 位数字")
    )
    school_type = forms.ChoiceField(
        label=_("学校类型"), choices=[("", "—"), *SchoolType.choices], required=False
    )
    admin_username = forms.CharField(
        label=_("首位管理员用户名"), max_length=150, help_text=USERNAME_HELP
    )
    admin_display_name = forms.CharField(
        label=_("首位管理员姓名"), max_length=PERSON_NAME_MAX, required=False
    )
    admin_email = forms.EmailField(
        label=_("首位管理员电子邮箱"), max_length=EMAIL_MAX, required=False
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(UnitKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in creatable_kinds(actor)]  # type: ignore[attr-defined]
        provinces = Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code")
        cities = Division.objects.filter(level=DivisionLevel.CITY).select_related("parent")
        if not national_account_admin(actor):
            provinces = provinces.none()  # only national administrators create provinces
            cities = cities.filter(parent_id=actor.province_id)
        taken = set(
            Unit.objects.filter(kind=UnitKind.PROVINCE).values_list("province_id", flat=True)
        )
        self.fields["province"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (d.code, d.name) for d in provinces if d.pk not in taken
        ]
        self.fields["city"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (d.code, f"{d.parent.name} · {d.name}" if d.parent else d.name)
            for d in cities.order_by("code")
        ]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SetPasswordForm(forms.Form):
    password = forms.CharField(label=_("新密码"), max_length=4096, widget=PasswordInput())
    password2 = forms.CharField(label=_("再次输入新密码"), max_length=4096, widget=PasswordInput())


class ResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("电子邮箱"), max_length=EMAIL_MAX)


class LearnerAccountFields(forms.Form):
    id_type = forms.ChoiceField(
        label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT
    )
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=ID_NUMBER_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(label=_("姓名"), max_length=PERSON_NAME_MAX)


class LoginFields(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, help_text=USERNAME_HELP)
    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=EMAIL_MAX,
        required=False,
        help_text=_("用于找回密码，可不填。"),
    )
    password = forms.CharField(label=_("密码"), max_length=4096, widget=PasswordInput())
    password2 = forms.CharField(label=_("再次输入密码"), max_length=4096, widget=PasswordInput())


class ClaimForm(LearnerAccountFields, LoginFields):
    code = forms.CharField(
        label=_("认领码"),
        max_length=32,
        help_text=_("学校发给您的 10 位认领码"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = [
        "id_type",
        "id_number",
        "name",
        "code",
        "username",
        "email",
        "password",
        "password2",
    ]


class RegisterForm(LearnerAccountFields, LoginFields):
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    phone = forms.CharField(label=_("联系电话"), max_length=PHONE_MAX, required=False)
    field_order = [
        "id_type",
        "id_number",
        "name",
        "gender",
        "phone",
        "username",
        "email",
        "password",
        "password2",
    ]
