"""Role-aware navigation: one place decides which menu entries an actor sees.

Entries name url patterns; an entry whose url name does not resolve (yet) is skipped, so the
menu never links to a page that does not exist while apps are still being built. Permission is
still enforced by each view; the menu only avoids offering what the actor cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onex.core.actors import Actor
from onex.core.models import NATIONAL_KINDS, UnitKind

NATIONAL = frozenset(NATIONAL_KINDS)
OFFICIALS = frozenset({*NATIONAL_KINDS, UnitKind.PROVINCE, UnitKind.CITY})
ORGANISATIONS = frozenset({*OFFICIALS, UnitKind.ORG, UnitKind.SCHOOL})

GROUP_WORK = _("业务工作")
GROUP_SYSTEM = _("系统与账户")


@dataclass(frozen=True)
class MenuEntry:
    """A declared entry. ``kinds=None`` means every unit kind."""

    label: str | Promise
    url_name: str
    group: str | Promise = GROUP_WORK
    kinds: frozenset[str] | None = None
    admin_only: bool = False
    writers_only: bool = False

    def visible_to(self, actor: Actor) -> bool:
        if self.kinds is not None and actor.kind not in self.kinds:
            return False
        if self.admin_only and not actor.is_admin:
            return False
        return not (self.writers_only and not actor.can_write)


@dataclass(frozen=True)
class MenuItem:
    """A resolved entry as the template shows it."""

    label: str
    url_name: str
    url: str
    group: str
    active: bool = False


# Order is display order; entries of one group stay together so the template can regroup.
MENU: tuple[MenuEntry, ...] = (
    MenuEntry(_("工作台"), "dashboard"),
    MenuEntry(_("试点院校"), "pilots:school_list", kinds=OFFICIALS),
    MenuEntry(_("本校信息"), "pilots:school_list", kinds=frozenset({UnitKind.SCHOOL})),
    MenuEntry(
        _("工作机构报备督促"),
        "pilots:working_body_list",
        kinds=frozenset({*NATIONAL_KINDS, UnitKind.PROVINCE, UnitKind.CITY}),
    ),
    MenuEntry(
        _("试点工作协调机构"),
        "pilots:coordination",
        kinds=frozenset({*OFFICIALS, UnitKind.ORG, UnitKind.SCHOOL}),
    ),
    MenuEntry(_("证书目录"), "catalog:list"),
    MenuEntry(_("培训评价组织"), "catalog:org_list", kinds=OFFICIALS),
    MenuEntry(_("考核方案"), "assessment:plan_public_list"),
    MenuEntry(_("考核站点"), "assessment:site_list"),
    MenuEntry(_("站点申请"), "assessment:site_application_list", kinds=ORGANISATIONS),
    MenuEntry(_("站点覆盖"), "assessment:coverage", kinds=frozenset({*OFFICIALS, UnitKind.ORG})),
    MenuEntry(_("考核费用"), "assessment:fee_list", kinds=ORGANISATIONS),
    MenuEntry(_("考核计划"), "assessment:exam_plan_list"),
    MenuEntry(
        _("学生名单"), "assessment:student_list", kinds=frozenset({*OFFICIALS, UnitKind.SCHOOL})
    ),
    MenuEntry(_("报名与成绩"), "assessment:registration_list"),
    MenuEntry(
        _("未参加考核学生"),
        "assessment:r14_report",
        kinds=frozenset({*OFFICIALS, UnitKind.SCHOOL}),
    ),
    MenuEntry(
        _("品牌问题反映"),
        "assessment:complaint_list",
        kinds=frozenset({*NATIONAL, UnitKind.PROVINCE, UnitKind.SCHOOL}),
    ),
    MenuEntry(
        _("品牌禁用词"),
        "assessment:brand_words",
        kinds=frozenset({UnitKind.MINISTRY}),
        admin_only=True,
    ),
    MenuEntry(_("通知禁用表述"), "catalog:phrase_list", kinds=NATIONAL),
    MenuEntry(
        _("组织备案"),
        "catalog:filing_list",
        kinds=frozenset({*NATIONAL, UnitKind.PROVINCE, UnitKind.ORG}),
    ),
    MenuEntry(_("试点申请"), "pilots:application_list", kinds=ORGANISATIONS),
    MenuEntry(
        _("试点院校汇总表"), "pilots:summary", kinds=frozenset({*NATIONAL, UnitKind.PROVINCE})
    ),
    MenuEntry(
        _("试点领域分布"), "pilots:distribution", kinds=frozenset({*NATIONAL, UnitKind.PROVINCE})
    ),
    MenuEntry(_("试点院校名单"), "pilots:public_list"),
    MenuEntry(_("已颁发证书"), "certificates:list"),
    MenuEntry(
        _("颁发证书"), "certificates:issue", kinds=frozenset({UnitKind.ORG}), writers_only=True
    ),
    MenuEntry(_("证书查询验证"), "verify:index"),
    MenuEntry(_("批量导入"), "imports", kinds=ORGANISATIONS, writers_only=True),
    MenuEntry(_("工作日历"), "calendar", GROUP_SYSTEM, kinds=ORGANISATIONS),
    MenuEntry(
        _("政策参数"), "policy", GROUP_SYSTEM, kinds=frozenset({*NATIONAL, UnitKind.PROVINCE})
    ),
    # The rule catalogue is public regulation: every logged-in role reads it.
    MenuEntry(_("政策规则"), "rules", GROUP_SYSTEM),
    # Audit is for national and provincial admins only (issue 2).
    MenuEntry(
        _("审计日志"),
        "audit",
        GROUP_SYSTEM,
        kinds=frozenset({*NATIONAL, UnitKind.PROVINCE}),
        admin_only=True,
    ),
    MenuEntry(_("接口令牌"), "tokens", GROUP_SYSTEM),
    MenuEntry(_("修改密码"), "password_change", GROUP_SYSTEM),
)


def _resolve(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _is_active(url: str, path: str) -> bool:
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")


def menu_for(actor: Actor, *, path: str = "") -> list[MenuItem]:
    if not actor.is_authenticated:
        return []
    items: list[MenuItem] = []
    for entry in MENU:
        if not entry.visible_to(actor):
            continue
        url = _resolve(entry.url_name)
        if url is None:
            continue
        items.append(
            MenuItem(
                label=str(entry.label),
                url_name=entry.url_name,
                url=url,
                group=str(entry.group),
                active=_is_active(url, path),
            )
        )
    return items
