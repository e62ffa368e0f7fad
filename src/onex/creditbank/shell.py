"""What the credit bank contributes to the shell: the listeners that enter certificates into
learning accounts, menu entries, to-dos, dashboard cards, policy settings and the demo step.

The national credit-bank administrator is a unit kind of its own (``UnitKind.CREDITBANK``,
国家学分银行), not a role of the Ministry: it acts for a body of its own (the Open University
of China runs the national credit bank), sees every learning account but nothing of the other
apps' jurisdictions, and its decisions (plan approvals, recognitions) are its own on the
timeline.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.certificates.models import IssuedCertificate
from onex.certificates.services.issue import CERTIFICATE_ISSUED, CERTIFICATE_STATUS_CHANGED
from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import Role, UnitKind
from onex.core.reencrypt import EncryptedField, encrypted_fields
from onex.core.registry import (
    CardContent,
    DashboardCard,
    DemoAccount,
    DemoStep,
    EventListener,
    Figure,
    MenuEntry,
    PolicySetting,
    PolicySource,
    PolicyType,
    TodoItem,
    TodoProvider,
    counted,
    todo_url,
)
from onex.creditbank import demo
from onex.creditbank.models import PlanStatus, RequestStatus
from onex.creditbank.selectors import (
    account_of,
    account_scope,
    account_summary,
    overdue_plans,
    plan_scope,
    request_scope,
)
from onex.creditbank.services import clr
from onex.creditbank.services.accounts import outcome_follow_certificate, outcome_from_certificate
from onex.creditbank.workflows import CONVERSION_REQUEST

logger = logging.getLogger(__name__)

BANK = frozenset({UnitKind.CREDITBANK})
LEARNER = frozenset({UnitKind.LEARNER})

# --- listeners: certificates enter the accounts on commit (R44) -----------------------------------


def _issued(certificate: IssuedCertificate) -> None:
    # The certificate is committed already: a failure here must not fail the org's request.
    # It is logged, and the periodic sync (tasks.sync_outcomes) enters the certificate later.
    try:
        outcome_from_certificate(certificate=certificate)
    except Exception:
        logger.exception(
            "creditbank: certificate %s not entered; the sync will retry", certificate.pk
        )


def _status_changed(certificate: IssuedCertificate) -> None:
    try:
        outcome_follow_certificate(certificate=certificate)
    except Exception:
        logger.exception("creditbank: outcome of certificate %s not aligned", certificate.pk)


registry.listeners.register(EventListener("creditbank.issued", CERTIFICATE_ISSUED, _issued, 10))
registry.listeners.register(
    EventListener("creditbank.status", CERTIFICATE_STATUS_CHANGED, _status_changed, 10)
)

# --- to-dos ---------------------------------------------------------------------------------------


def org_todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    """R16: plans the org has not proposed in time."""
    overdue = overdue_plans(actor=actor, today=today)
    if not overdue:
        return []
    return [
        TodoItem(
            title=_("逾期未提交的学分记录建议方案"),
            url=todo_url("creditbank:overdue"),
            count=len(overdue),
            deadline=overdue[0].due_on,
            tone="danger",
            note=_("证书公布后 1 个月内须向学分银行提出（R16）。"),
        )
    ]


def bank_todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    items: list[TodoItem] = []
    plans = plan_scope(actor=actor).filter(status=PlanStatus.SUBMITTED).count()
    if plans:
        items.append(
            TodoItem(
                title=_("待审核的学分记录建议方案"),
                url=todo_url("creditbank:plans", "status=submitted"),
                count=plans,
            )
        )
    requests = request_scope(actor=actor).filter(status=RequestStatus.ORG_CHECKED).count()
    if requests:
        items.append(
            TodoItem(
                title=_("待认定的学分转换申请"),
                url=todo_url("creditbank:requests", "status=org_checked"),
                count=requests,
            )
        )
    return items


_REVIEW_STATE: dict[str, tuple[str, ...]] = {
    UnitKind.SCHOOL: (RequestStatus.SUBMITTED, RequestStatus.DEPARTMENT_APPROVED),
    UnitKind.ORG: (RequestStatus.ACADEMIC_APPROVED,),
}


def review_todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    """Requests awaiting this school's or org's step (only those its role may take)."""
    states = _REVIEW_STATE.get(actor.kind or "", ())
    mine = [
        r
        for r in request_scope(actor=actor).filter(status__in=states)
        if CONVERSION_REQUEST.allowed_moves(r, actor)
    ]
    if not mine:
        return []
    return [
        TodoItem(
            title=_("待处理的学分转换申请"),
            url=todo_url("creditbank:requests"),
            count=len(mine),
        )
    ]


for provider in (
    TodoProvider(
        "creditbank.org", org_todos, 60, frozenset({UnitKind.ORG}), ("creditbank:overdue",)
    ),
    TodoProvider(
        "creditbank.bank", bank_todos, 60, BANK, ("creditbank:plans", "creditbank:requests")
    ),
    TodoProvider(
        "creditbank.review",
        review_todos,
        61,
        frozenset({UnitKind.SCHOOL, UnitKind.ORG}),
        ("creditbank:requests",),
    ),
):
    registry.todos.register(provider)

# --- dashboard cards ------------------------------------------------------------------------------


def learner_card(actor: Actor) -> CardContent:
    account = account_of(actor)
    url = todo_url("creditbank:mine")
    if account is None:
        return CardContent(figures=[Figure(_("学习账户"), _("未开通"), url=url)])
    summary = account_summary(account)
    return CardContent(
        figures=[
            Figure(_("学习成果"), summary.outcomes, url=url),
            Figure(_("累计学分"), str(summary.credits), url=url),
            Figure(_("已转换免修学分"), str(summary.exempted_credits), url=url),
        ]
    )


def bank_card(actor: Actor) -> CardContent:
    return CardContent(
        figures=[
            Figure(
                _("个人学习账户"),
                account_scope(actor=actor).count(),
                url=todo_url("creditbank:accounts"),
            ),
            Figure(
                _("逾期未提交方案（R16）"),
                len(overdue_plans(actor=actor)),
                url=todo_url("creditbank:overdue"),
            ),
        ]
    )


registry.cards.register(
    DashboardCard("creditbank.learner", LEARNER, learner_card, 45, ("creditbank:mine",))
)
registry.cards.register(
    DashboardCard(
        "creditbank.bank", BANK, bank_card, 45, ("creditbank:accounts", "creditbank:overdue")
    )
)

# --- menu -----------------------------------------------------------------------------------------

PLAN_KINDS = frozenset({UnitKind.CREDITBANK, UnitKind.ORG, UnitKind.MINISTRY, UnitKind.AGGREGATOR})
RULE_KINDS = frozenset(
    {UnitKind.CREDITBANK, UnitKind.SCHOOL, UnitKind.PROVINCE, UnitKind.MINISTRY, UnitKind.ORG}
)
REQUEST_KINDS = frozenset(
    {
        UnitKind.CREDITBANK,
        UnitKind.SCHOOL,
        UnitKind.ORG,
        UnitKind.PROVINCE,
        UnitKind.MINISTRY,
        UnitKind.AGGREGATOR,
    }
)

for entry in (
    MenuEntry(gettext_lazy("我的学习账户"), "creditbank:mine", 245, kinds=LEARNER),
    MenuEntry(
        gettext_lazy("我的学分转换"),
        "creditbank:requests",
        246,
        kinds=LEARNER,
        key="creditbank:my_requests",
    ),
    MenuEntry(
        gettext_lazy("个人学习账户"),
        "creditbank:accounts",
        300,
        kinds=frozenset(
            {UnitKind.CREDITBANK, UnitKind.SCHOOL, UnitKind.MINISTRY, UnitKind.AGGREGATOR}
        ),
    ),
    MenuEntry(gettext_lazy("学分记录建议方案"), "creditbank:plans", 301, kinds=PLAN_KINDS),
    MenuEntry(gettext_lazy("学分转换规则"), "creditbank:rules", 302, kinds=RULE_KINDS),
    MenuEntry(gettext_lazy("学分转换申请"), "creditbank:requests", 303, kinds=REQUEST_KINDS),
    MenuEntry(gettext_lazy("学分转换统计"), "creditbank:report", 304, kinds=REQUEST_KINDS),
):
    registry.menu.register(entry)

# --- policy settings (R16's months are the catalogue's r16.credit_plan_months) --------------------

for setting in (
    PolicySetting(
        "r37.max_credits_per_certificate",
        PolicyType.INT,
        8,
        "R37",
        gettext_lazy("每个证书等级可转换的学分上限"),
        gettext_lazy("学分"),
        maximum=60,
        order=60,
        source=PolicySource.PLATFORM,
    ),
    PolicySetting(
        "r37.junior_may_replace_core",
        PolicyType.BOOL,
        False,
        "R37",
        gettext_lazy("初级证书可替代专业核心课程"),
        order=61,
        source=PolicySource.PLATFORM,
    ),
    PolicySetting(
        "r37.intermediate_may_replace_basic",
        PolicyType.BOOL,
        False,
        "R37",
        gettext_lazy("中级证书可替代专业基础课程"),
        order=62,
        source=PolicySource.PLATFORM,
    ),
):
    registry.policy_keys.register(setting)

# --- demo -----------------------------------------------------------------------------------------

for account in (
    DemoAccount(
        demo.BANK_USERNAME,
        Role.ADMIN,
        demo.DEMO_BANK,
        "国家学分银行管理员：审核学分记录建议方案、认定学分转换",
        UnitKind.CREDITBANK,
        order=95,
    ),
    DemoAccount(
        demo.STAFF_USERNAME,
        Role.STAFF,
        demo.DEMO_SCHOOL,
        "试点院校院系经办人：审核学分转换申请",
        UnitKind.SCHOOL,
        order=96,
    ),
    DemoAccount(
        demo.STUDENT_USERNAME,
        Role.STAFF,
        demo.DEMO_STUDENT_UNIT,
        "学习者（在校生）：学习账户与学分转换",
        UnitKind.LEARNER,
        order=101,
    ),
):
    registry.demo_accounts.register(account)
registry.demo_steps.register(DemoStep("creditbank.creditbank", 120, counted(demo.load_demo)))


# --- encrypted fields (manage.py crypto_reencrypt) ------------------------------------------------


def _clr_salt_context(_row: object) -> str:
    return clr.SALT_CONTEXT


encrypted_fields.register(
    EncryptedField(
        name="creditbank.learningaccount.clr_identity_salt_enc",
        model="creditbank.LearningAccount",
        field="clr_identity_salt_enc",
        context=_clr_salt_context,
    )
)
