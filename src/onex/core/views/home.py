"""The public home page at ``/``: what anyone may do without an account.

Signed-in users keep landing on their dashboard at the same address. The links name url
patterns (as the menu does), so the kernel imports no app; a link whose page does not exist
is a system check error (``onex.E001``), never a silent skip.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onex.core.views.dashboard import dashboard


@dataclass(frozen=True)
class PublicLink:
    label: str | Promise
    url_name: str
    text: str | Promise


PUBLIC_LINKS: tuple[PublicLink, ...] = (
    PublicLink(
        _("证书查询与验证"),
        "verify:index",
        _("按证书编号验证证书真伪，或按姓名和证件号码查询本人证书。"),
    ),
    PublicLink(
        _("试点院校公示名单"),
        "pilots:public_list",
        _("各省确认的试点院校、证书和专业。"),
    ),
    PublicLink(
        _("考核方案与考核站点"),
        "assessment:plan_public_list",
        _("各证书的考核方式、合格标准和考核站点。"),
    ),
    PublicLink(_("考核站点"), "assessment:site_list", _("已登记的考核站点及所在地。")),
    PublicLink(
        _("职业技能等级证书目录"),
        "catalog:list",
        _("已公布的证书、等级、标准和收费上限。"),
    ),
    PublicLink(_("通知公告"), "catalog:notice_list", _("培训评价组织发布的通知公告。")),
    PublicLink(
        _("意见与投诉"),
        "feedback:new",
        _("反映培训评价组织或试点院校的问题，凭受理编号和查询码查询办理进度。"),
    ),
)


def public_links() -> list[dict[str, str]]:
    return [
        {"label": str(link.label), "url": reverse(link.url_name), "text": str(link.text)}
        for link in PUBLIC_LINKS
    ]


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return dashboard(request)
    return render(request, "core/home.html", {"links": public_links()})


# Listed before the dashboard's own "" pattern, so "/" reaches this view first.
urlpatterns: list[URLPattern] = [path("", home, name="home")]
