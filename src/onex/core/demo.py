"""Demo data: a small but realistic pilot to click through (``manage.py demo_data``).

Core runs the demo steps every app registers in its ``shell.py`` (``registry.demo_steps``), in
their declared order and inside one transaction, after loading the reference divisions. Core's
own steps create the administrative units, the demo accounts and the shipped policy overrides.

Idempotent: every row is looked up by its natural key (unit kind and name or region, username,
…) and created only when missing, so a second run changes nothing. Writes go through the
services (units, users: audited).
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from onex.core import registry
from onex.core.accounts import unit_create, user_create
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.models import Role, Unit, UnitKind, User
from onex.core.policy import seed_policy_profiles
from onex.core.registry import DemoAccount, DemoReport
from onex.core.security import mfa_required
from onex.geo.loader import load_divisions
from onex.geo.models import Division

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "DemoAccount",
    "DemoReport",
    "banner_lines",
    "demo_unit",
    "load_demo_data",
]

# Published in the README on purpose: demo accounts only, 14 characters to pass the validators.
DEMO_PASSWORD = "onex-demo-pass"  # noqa: S105

MINISTRY = "教育部职成司"
AGGREGATOR = "教育部职业技术教育中心研究所"
PROVINCES = {"440000": "广东省教育厅", "140000": "山西省教育厅", "420000": "湖北省教育厅"}
CITY = ("440100", "广州市教育局")


# Created by the catalogue's and the pilots' demo steps; their units carry the same names.
DEMO_SCHOOL = "广州番禺职业技术学院"
DEMO_ORG = "北京中物联物流采购培训中心"
DEMO_LEARNER = "李明（演示学习者）"

# The accounts core's ``load_users`` creates, in the README's order (``order`` leaves gaps for
# accounts other apps' steps create, e.g. the pilots' Taiyuan city reviewer after demo-city).
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("demo-ministry", Role.ADMIN, MINISTRY, "教育部职成司管理员", order=10),
    DemoAccount("demo-aggregator", Role.ADMIN, AGGREGATOR, "职教所管理员", order=20),
    DemoAccount("demo-gd", Role.ADMIN, PROVINCES["440000"], "广东省管理员", order=30),
    DemoAccount("demo-sx", Role.ADMIN, PROVINCES["140000"], "山西省管理员", order=40),
    DemoAccount("demo-hb", Role.ADMIN, PROVINCES["420000"], "湖北省管理员", order=50),
    DemoAccount("demo-city", Role.STAFF, CITY[1], "广州市教育局经办人", order=60),
    DemoAccount("demo-org", Role.ADMIN, DEMO_ORG, "培训评价组织管理员", UnitKind.ORG, order=80),
    DemoAccount(
        "demo-school", Role.ADMIN, DEMO_SCHOOL, "试点院校管理员", UnitKind.SCHOOL, order=90
    ),
    DemoAccount("demo-learner", Role.STAFF, DEMO_LEARNER, "学习者", order=100),
    # The separated administrators (三权分立, ADR 0005): no business data, one person each.
    DemoAccount("demo-sysadmin", Role.SYSTEM_ADMIN, MINISTRY, "系统管理员", order=110),
    DemoAccount("demo-secadmin", Role.SECURITY_ADMIN, MINISTRY, "安全管理员", order=120),
    DemoAccount("demo-auditadmin", Role.AUDIT_ADMIN, MINISTRY, "审计管理员", order=130),
)

# One identity per separated administrator (user_create refuses a second role to a person).
SEPARATED_CONTACTS = {
    "demo-sysadmin": ("sysadmin@demo.onex.example", "13800000101"),
    "demo-secadmin": ("secadmin@demo.onex.example", "13800000102"),
    "demo-auditadmin": ("auditadmin@demo.onex.example", "13800000103"),
}

# Published in the README on purpose, demo only: every demo account that must use a second
# factor has an authenticator enrolled with this TOTP secret (base32, add it to any TOTP app).
DEMO_TOTP_SECRET = "ONEXDEMOONEXDEMOONEXDEMOONEXDEMO"  # noqa: S105
DEMO_TOTP_KEY_HEX = base64.b32decode(DEMO_TOTP_SECRET).hex()


def banner_lines() -> list[str]:
    """Every registered demo account, one line each, for the startup banner."""
    lines = [f"Demo accounts (password {DEMO_PASSWORD}):"]
    for account in registry.demo_accounts.all():
        lines.append(f"  {account.username:<16} {account.unit}  {account.description}")
    return lines


def _division(code: str) -> Division:
    return Division.objects.get(code=code)


def demo_unit(
    report: DemoReport,
    kind: str,
    name: str,
    province: str | None = None,
    city: str | None = None,
) -> Unit:
    """The unit of ``kind`` named ``name`` (or of the region), created when missing."""
    qs = Unit.objects.filter(kind=kind)
    # Province departments and city bureaus are unique per region (DB constraints), the others
    # by name within their kind.
    if kind == UnitKind.PROVINCE:
        qs = qs.filter(province__code=province)
    elif kind == UnitKind.CITY:
        qs = qs.filter(city__code=city)
    else:
        qs = qs.filter(name=name)
    unit = qs.first()
    if unit is None:
        unit = unit_create(
            actor=Actor.system(),
            kind=kind,
            name=name,
            province=_division(province) if province else None,
            city=_division(city) if city else None,
        )
        report.created["units"] += 1
    return unit


def load_units(report: DemoReport, log: Callable[[str], None]) -> None:
    for code, name in PROVINCES.items():
        demo_unit(report, UnitKind.PROVINCE, name, province=code)
    demo_unit(report, UnitKind.CITY, CITY[1], province="440000", city=CITY[0])


def load_users(report: DemoReport, log: Callable[[str], None]) -> None:
    units = {
        MINISTRY: demo_unit(report, UnitKind.MINISTRY, MINISTRY),
        AGGREGATOR: demo_unit(report, UnitKind.AGGREGATOR, AGGREGATOR),
        **{
            name: demo_unit(report, UnitKind.PROVINCE, name, province=code)
            for code, name in PROVINCES.items()
        },
        CITY[1]: demo_unit(report, UnitKind.CITY, CITY[1], province="440000", city=CITY[0]),
        DEMO_LEARNER: demo_unit(report, UnitKind.LEARNER, DEMO_LEARNER),
    }
    for account in DEMO_ACCOUNTS:
        if account.kind:
            # The org's and the school's units come from their apps' steps, which run before.
            units[account.unit] = Unit.objects.get(kind=account.kind, name=account.unit)
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        email, phone = SEPARATED_CONTACTS.get(account.username, ("", ""))
        # user_create runs Django's password validators, so the demo password must pass them.
        user_create(
            actor=Actor.system(),
            username=account.username,
            password=DEMO_PASSWORD,
            unit=units[account.unit],
            role=account.role,
            display_name=account.description,
            email=email,
            phone=phone,
        )
        report.created["users"] += 1
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        if mfa_required(user) and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(
                user=user, name="authenticator", key=DEMO_TOTP_KEY_HEX, confirmed=True
            )
            audit_record(
                actor=Actor.system(), action="mfa.enrol", target=user, new={"demo_secret": True}
            )
            report.created["authenticators"] += 1


def load_policy_profiles(report: DemoReport, log: Callable[[str], None]) -> None:
    # The shipped overrides also come with the migrations; this keeps a database built without
    # them (tests, --nomigrations) in the same state.
    seed_policy_profiles()


def load_demo_data(*, log: Callable[[str], None] = lambda _message: None) -> DemoReport:
    """Create whatever demo data is missing; returns what was created and what was refused."""
    report = DemoReport()
    report.created["divisions"] += load_divisions()
    with transaction.atomic():
        for step in registry.demo_steps.all():
            step.load(report, log)
    return report
