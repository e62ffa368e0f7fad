"""Personas, one per role and jurisdiction, shared by every test module.

Alice-style naming from the style anchors: each persona is a real user acting for a real unit
created through the services, so tests exercise the same paths as production.
"""

from __future__ import annotations

from dataclasses import dataclass

from onex.catalog.models import Org, OrgType
from onex.core.accounts import unit_create, user_create
from onex.core.actors import Actor
from onex.core.models import Role, Unit, UnitKind, User
from onex.geo.loader import ensure_divisions
from onex.geo.models import Division
from onex.pilots.models import School, SchoolType

PASSWORD = "correct-horse-battery-staple"  # ≥12 characters, not common


@dataclass
class Persona:
    user: User
    password: str = PASSWORD

    @property
    def actor(self) -> Actor:
        return Actor.for_user(self.user, ip="127.0.0.1")

    @property
    def unit(self) -> Unit:
        assert self.user.unit is not None
        return self.user.unit


def division(code: str) -> Division:
    return Division.objects.get(code=code)


def make_user(username: str, unit: Unit, role: str = Role.ADMIN) -> Persona:
    user = user_create(
        actor=Actor.system(),
        username=username,
        password=PASSWORD,
        unit=unit,
        role=role,
        display_name=username,
    )
    return Persona(user)


def make_separated(username: str, unit: Unit, role: str, n: str) -> Persona:
    user = user_create(
        actor=Actor.system(),
        username=username,
        password=PASSWORD,
        unit=unit,
        role=role,
        display_name=username,
        email=f"{username}@moe.example.cn",
        phone=f"1380000000{n}",
    )
    return Persona(user)


def make_unit(kind: str, name: str, province: str | None = None, city: str | None = None) -> Unit:
    return unit_create(
        actor=Actor.system(),
        kind=kind,
        name=name,
        province=division(province) if province else None,
        city=division(city) if city else None,
    )


def make_school(
    name: str, code: str, province: str, city: str, school_type: str = SchoolType.HIGHER_VOCATIONAL
) -> School:
    unit = make_unit(UnitKind.SCHOOL, name, province=province, city=city)
    return School.objects.create(
        unit=unit,
        name=name,
        code=code,
        school_type=school_type,
        province=division(province),
        city=division(city),
    )


def make_org(name: str, credit_code: str) -> Org:
    unit = make_unit(UnitKind.ORG, name)
    return Org.objects.create(
        unit=unit, name=name, credit_code=credit_code, org_type=OrgType.ENTERPRISE
    )


class Personas:
    """Lazily built cast. Guangdong 440000 (Guangzhou 440100), Hubei 420000 (Wuhan 420100)."""

    def __init__(self) -> None:
        ensure_divisions()
        self.ministry = make_user("ministry-admin", make_unit(UnitKind.MINISTRY, "教育部职成司"))
        self.aggregator = make_user(
            "aggregator-staff",
            make_unit(UnitKind.AGGREGATOR, "教育部职业技术教育中心研究所"),
            Role.STAFF,
        )
        self.gd = make_user(
            "gd-admin", make_unit(UnitKind.PROVINCE, "广东省教育厅", province="440000")
        )
        self.gd_viewer = make_user("gd-viewer", self.gd.unit, Role.VIEWER)
        self.hb = make_user(
            "hb-staff", make_unit(UnitKind.PROVINCE, "湖北省教育厅", province="420000"), Role.STAFF
        )
        self.gz_city = make_user(
            "gz-city",
            make_unit(UnitKind.CITY, "广州市教育局", province="440000", city="440100"),
            Role.STAFF,
        )
        self.gd_school_obj = make_school("广州番禺职业技术学院", "4144012345", "440000", "440100")
        self.gd_school = make_user("gd-school", self.gd_school_obj.unit)
        self.sz_school_obj = make_school("深圳职业技术学院", "4144030001", "440000", "440300")
        self.hb_school_obj = make_school("武汉职业技术学院", "4142012345", "420000", "420100")
        self.hb_school = make_user("hb-school", self.hb_school_obj.unit)
        self.org_obj = make_org("北京中物联物流采购培训中心", "91110000MA0000000H")
        self.org = make_user("org-admin", self.org_obj.unit)
        self.learner = make_user("learner", make_unit(UnitKind.LEARNER, "张三"), Role.STAFF)
        # The separated administrators (三权分立), at the Ministry, one person each.
        self.sysadmin = make_separated("sys-admin", self.ministry.unit, Role.SYSTEM_ADMIN, "1")
        self.secadmin = make_separated("sec-admin", self.ministry.unit, Role.SECURITY_ADMIN, "2")
        self.auditadmin = make_separated("audit-admin", self.ministry.unit, Role.AUDIT_ADMIN, "3")
        # Credit bank (R16, R37): the national credit bank's administrator.
        self.bank = make_user("creditbank-admin", make_unit(UnitKind.CREDITBANK, "国家学分银行"))
