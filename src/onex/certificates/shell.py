"""What certificates contributes to the shell: menu entries, the issuing and late-entry
to-dos of orgs and a learner's certificates, its policy setting and its demo step."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.certificates import demo
from onex.certificates.selectors.certificates import (
    certificate_scope,
    closed_plans_for_issue,
    entry_compliance,
)
from onex.certificates.services import credentials
from onex.certificates.services.tallies import tally_school_moved
from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.reencrypt import EncryptedField, encrypted_fields
from onex.core.registry import (
    CardContent,
    DashboardCard,
    DemoStep,
    EventListener,
    Figure,
    MenuEntry,
    PolicySetting,
    PolicyType,
    TodoItem,
    TodoProvider,
    counted,
    todo_url,
)
from onex.pilots.services.schools import SCHOOL_OBLIGATION_CHANGED

# --- to-dos -------------------------------------------------------------------------------------


def certificate_todos(actor: Actor, today: dt.date) -> list[TodoItem]:
    """Orgs: passed candidates awaiting a certificate."""
    todos: list[TodoItem] = []
    waiting = sum(passed - issued for _plan, passed, issued in closed_plans_for_issue(actor=actor))
    if waiting:
        todos.append(
            TodoItem(
                title=_("待颁发证书的合格考生"),
                count=waiting,
                url=todo_url("certificates:issue"),
                tone="warning",
                note=_("发证后须在规定工作日内录入平台（R15）。"),
            )
        )
    return todos


# A school moving to another city takes its certificates' counts along (inside the edit).
registry.listeners.register(
    EventListener("certificates.city_tally", SCHOOL_OBLIGATION_CHANGED, tally_school_moved, 0)
)

registry.todos.register(
    TodoProvider(
        "certificates.issue",
        certificate_todos,
        40,
        frozenset({UnitKind.ORG}),
        ("certificates:issue",),
    )
)


def org_card(actor: Actor) -> CardContent:
    # Late entries are a compliance record the org cannot undo: a figure, not a to-do.
    late = entry_compliance(actor=actor).late
    url = todo_url("certificates:compliance")
    return CardContent(figures=[Figure(_("逾期录入的证书（R15）"), late, url=url)])


registry.cards.register(
    DashboardCard(
        "certificates.org",
        frozenset({UnitKind.ORG}),
        org_card,
        40,
        ("certificates:compliance",),
    )
)


def learner_card(actor: Actor) -> CardContent:
    # A learner's certificates are a figure, not a to-do: there is nothing to act on.
    count = certificate_scope(actor=actor).count()
    return CardContent(figures=[Figure(_("我的证书"), count, url=todo_url("certificates:list"))])


registry.cards.register(
    DashboardCard(
        "certificates.learner",
        frozenset({UnitKind.LEARNER}),
        learner_card,
        40,
        ("certificates:list",),
    )
)

# --- menu ---------------------------------------------------------------------------------------

for entry in (
    MenuEntry(
        gettext_lazy("已颁发证书"),
        "certificates:list",
        240,
        kinds=frozenset(set(UnitKind.values) - {UnitKind.LEARNER}),
    ),
    MenuEntry(
        gettext_lazy("我的证书"),
        "certificates:list",
        240,
        kinds=frozenset({UnitKind.LEARNER}),
        key="certificates:mine",
    ),
    MenuEntry(
        gettext_lazy("颁发证书"),
        "certificates:issue",
        250,
        kinds=frozenset({UnitKind.ORG}),
        writers_only=True,
    ),
    MenuEntry(gettext_lazy("证书查询验证"), "verify:index", 260),
):
    registry.menu.register(entry)

# --- policy settings ----------------------------------------------------------------------------

for setting in (
    PolicySetting(
        "r15.certificate_entry_working_days",
        PolicyType.WORKING_DAYS,
        7,
        "R15",
        gettext_lazy("证书颁发后录入平台时限"),
        gettext_lazy("个工作日"),
        maximum=120,
        order=30,
    ),
):
    registry.policy_keys.register(setting)

# --- demo data ----------------------------------------------------------------------------------


registry.demo_steps.register(DemoStep("certificates.certificates", 90, counted(demo.load_demo)))


# --- encrypted fields (manage.py crypto_reencrypt; id_number_enc of IssuedCertificate is found
# by itself as a PersonalIdMixin) ----------------------------------------------------------------


def _identity_salt_context(_row: object) -> str:
    return credentials.SALT_CONTEXT


encrypted_fields.register(
    EncryptedField(
        name="certificates.credentialrecord.identity_salt_enc",
        model="certificates.CredentialRecord",
        field="identity_salt_enc",
        context=_identity_salt_context,
    )
)
