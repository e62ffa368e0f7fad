"""Demo data: a small but realistic pilot to click through (``manage.py demo_data``).

Idempotent: every row is looked up by its natural key (unit kind and name or region, org name,
certificate code, school code, username) and created only when missing, so a second run changes
nothing. Writes go through the services where they exist (units, users, schools: audited and
rule-checked); the catalogue has no write services yet, so batches, orgs and certificates are
created here inside the same transaction with an audit event each.

School names are real schools of Guangdong, Shanxi and Hubei; their 10-digit codes are
illustrative (pattern-shaped, not the codes the Ministry registered). Org credit codes are
generated deterministically from the org's name and carry valid GB 32100 check characters, so
validators accept them, but they are not the orgs' real codes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management import call_command, get_commands
from django.db import transaction
from stdnum.cn import uscc

from onex.assessment.exam_demo import load_demo as load_exam_demo
from onex.assessment.site_demo import load_demo as load_site_demo
from onex.catalog.models import Batch, Certificate, Org, OrgType
from onex.certificates import demo as certificates_demo
from onex.core.accounts import unit_create, user_create
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import RuleViolation
from onex.core.models import AuditEvent, Role, Unit, UnitKind, User
from onex.geo.loader import load_divisions
from onex.geo.models import Division
from onex.pilots import demo as pilots_demo
from onex.pilots.application_demo import load_demo as load_application_demo
from onex.pilots.models import School, SchoolType
from onex.pilots.services import school_register

# Published in the README on purpose: demo accounts only, 14 characters to pass the validators.
DEMO_PASSWORD = "onex-demo-pass"  # noqa: S105
REFUSAL_ACTION = "school.register_refused"

MINISTRY = "教育部职成司"
AGGREGATOR = "教育部职业技术教育中心研究所"
PROVINCES = {"440000": "广东省教育厅", "140000": "山西省教育厅", "420000": "湖北省教育厅"}
CITY = ("440100", "广州市教育局")

# (number, published on, document)
BATCHES = [
    (1, dt.date(2019, 4, 10), "首批 1+X 证书制度试点"),
    (2, dt.date(2019, 9, 11), "教职成司函〔2019〕89号"),
]

# (org name, org type, region code of its registration)
ORGS: dict[str, tuple[str, str]] = {
    "廊坊市中科建筑产业化创新研究中心": (OrgType.PRIVATE_NONPROFIT, "131000"),
    "工业和信息化部教育与考试中心": (OrgType.PUBLIC_INSTITUTION, "110000"),
    "北京中物联物流采购培训中心": (OrgType.PRIVATE_NONPROFIT, "110000"),
    "北京中福长者文化科技有限公司": (OrgType.ENTERPRISE, "110000"),
    "北京中车行高新技术有限公司": (OrgType.ENTERPRISE, "110000"),
    "北京新能源汽车股份有限公司": (OrgType.ENTERPRISE, "110000"),
    "北京博导前程信息技术股份有限公司": (OrgType.ENTERPRISE, "110000"),
    "中教畅享（北京）科技有限公司": (OrgType.ENTERPRISE, "110000"),
    "北京新奥时代科技有限责任公司": (OrgType.ENTERPRISE, "110000"),
    "北京赛育达科教有限责任公司": (OrgType.ENTERPRISE, "110000"),
    "中车戚墅堰机车车辆工艺研究所有限公司": (OrgType.ENTERPRISE, "320400"),
    "中联集团教育科技有限公司": (OrgType.ENTERPRISE, "110000"),
    "济南阳光大姐服务有限责任公司": (OrgType.ENTERPRISE, "370100"),
    "北京新大陆时代教育科技有限公司": (OrgType.ENTERPRISE, "110000"),
    "北京中民福祉教育科技有限责任公司": (OrgType.ENTERPRISE, "110000"),
    "北京华晟经世信息技术有限公司": (OrgType.ENTERPRISE, "110000"),
}

# batch → [(certificate name, org name, field)], in the published order (R24).
CERTIFICATES: dict[int, list[tuple[str, str, str]]] = {
    1: [
        ("建筑信息模型(BIM)", "廊坊市中科建筑产业化创新研究中心", "土木建筑"),
        ("Web前端开发", "工业和信息化部教育与考试中心", "电子信息"),
        ("物流管理", "北京中物联物流采购培训中心", "财经商贸"),
        ("老年照护", "北京中福长者文化科技有限公司", "医药卫生"),
        ("汽车运用与维修(含智能新能源汽车)", "北京中车行高新技术有限公司", "交通运输"),
        ("智能新能源汽车", "北京新能源汽车股份有限公司", "装备制造"),
    ],
    # The ten certificates of 教职成司函〔2019〕89号 一; orgs from its 附件1.
    2: [
        ("电子商务数据分析", "北京博导前程信息技术股份有限公司", "财经商贸"),
        ("网店运营推广", "中教畅享（北京）科技有限公司", "财经商贸"),
        ("工业机器人操作与运维", "北京新奥时代科技有限责任公司", "装备制造"),
        ("工业机器人应用编程", "北京赛育达科教有限责任公司", "装备制造"),
        ("特殊焊接技术", "中车戚墅堰机车车辆工艺研究所有限公司", "装备制造"),
        ("智能财税", "中联集团教育科技有限公司", "财经商贸"),
        ("母婴护理", "济南阳光大姐服务有限责任公司", "医药卫生"),
        ("传感网应用开发", "北京新大陆时代教育科技有限公司", "电子信息"),
        ("失智老年人照护", "北京中民福祉教育科技有限责任公司", "医药卫生"),
        ("云计算平台运维与开发", "北京华晟经世信息技术有限公司", "电子信息"),
    ],
}

H, S, VU, AU, OU = (
    SchoolType.HIGHER_VOCATIONAL,
    SchoolType.SECONDARY_VOCATIONAL,
    SchoolType.VOCATIONAL_UNDERGRADUATE,
    SchoolType.APPLIED_UNDERGRADUATE,
    SchoolType.OPEN_UNIVERSITY,
)

# province code → [(school name, type, city code)]
SCHOOLS: dict[str, list[tuple[str, str, str]]] = {
    "440000": [
        ("广州番禺职业技术学院", H, "440100"),
        ("广东轻工职业技术学院", H, "440100"),
        ("广东机电职业技术学院", H, "440100"),
        ("广州铁路职业技术学院", H, "440100"),
        ("深圳职业技术学院", H, "440300"),
        ("顺德职业技术学院", H, "440600"),
        ("中山职业技术学院", H, "442000"),
        ("广州市轻工职业学校", S, "440100"),
        ("深圳市第二职业技术学校", S, "440300"),
        ("东莞市电子科技学校", S, "441900"),
        ("广东工商职业技术大学", VU, "441200"),
        ("东莞理工学院", AU, "441900"),
        ("广东开放大学", OU, "440100"),
    ],
    "140000": [
        ("山西职业技术学院", H, "140100"),
        ("山西工程职业学院", H, "140100"),
        ("大同煤炭职业技术学院", H, "140200"),
        ("阳泉职业技术学院", H, "140300"),
        ("长治职业技术学院", H, "140400"),
        ("临汾职业技术学院", H, "141000"),
        ("太原市财政金融学校", S, "140100"),
        ("太原铁路机械学校", S, "140100"),
        ("长治卫生学校", S, "140400"),
        ("山西工程科技职业大学", VU, "140700"),
        ("太原工业学院", AU, "140100"),
        ("山西开放大学", OU, "140100"),
    ],
    "420000": [
        ("武汉职业技术学院", H, "420100"),
        ("武汉船舶职业技术学院", H, "420100"),
        ("湖北职业技术学院", H, "420900"),
        ("襄阳职业技术学院", H, "420600"),
        ("三峡电力职业学院", H, "420500"),
        ("荆州职业技术学院", H, "421000"),
        ("黄冈职业技术学院", H, "421100"),
        ("武汉市第一商业学校", S, "420100"),
        ("武汉市交通学校", S, "420100"),
        ("宜昌市三峡中等专业学校", S, "420500"),
        ("湖北汽车工业学院", AU, "420300"),
        ("湖北开放大学", OU, "420100"),
    ],
}

# Refused with R25 on every run; the refusal is recorded once in the audit log.
TECHNICAL_SCHOOL = ("广州市工贸技师学院", SchoolType.TECHNICAL, "440100")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit: str
    description: str


DEMO_SCHOOL = "广州番禺职业技术学院"
DEMO_ORG = "北京中物联物流采购培训中心"
DEMO_LEARNER = "李明（演示学习者）"

DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("demo-ministry", Role.ADMIN, MINISTRY, "教育部职成司管理员"),
    DemoAccount("demo-aggregator", Role.ADMIN, AGGREGATOR, "职教所管理员"),
    DemoAccount("demo-gd", Role.ADMIN, PROVINCES["440000"], "广东省管理员"),
    DemoAccount("demo-sx", Role.ADMIN, PROVINCES["140000"], "山西省管理员"),
    DemoAccount("demo-hb", Role.ADMIN, PROVINCES["420000"], "湖北省管理员"),
    DemoAccount("demo-city", Role.STAFF, CITY[1], "广州市教育局经办人"),
    DemoAccount("demo-org", Role.ADMIN, DEMO_ORG, "培训评价组织管理员"),
    DemoAccount("demo-school", Role.ADMIN, DEMO_SCHOOL, "试点院校管理员"),
    DemoAccount("demo-learner", Role.STAFF, DEMO_LEARNER, "学习者"),
)


@dataclass
class DemoReport:
    created: Counter[str] = field(default_factory=Counter)
    refusals: list[str] = field(default_factory=list)


# --- deterministic, valid demo identifiers ------------------------------------------------------

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_PREFIX: dict[str, str] = {
    OrgType.ENTERPRISE: "91",  # registered by market regulation, enterprise
    OrgType.ASSOCIATION: "51",  # civil affairs, social organization
    OrgType.PRIVATE_NONPROFIT: "52",  # civil affairs, private non-enterprise unit
    OrgType.RESEARCH: "52",
    OrgType.PUBLIC_INSTITUTION: "12",  # establishment authority, public institution
}


def _org_code_check(body: str) -> str:
    # GB 11714 check character of the 9-character organization code embedded in a USCC.
    total = sum(int(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def demo_credit_code(name: str, org_type: str, region: str) -> str:
    """A valid unified social credit code derived from ``name`` (same name, same code)."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    body = f"{int(digest[:12], 16) % 10**8:08d}"
    partial = _USCC_PREFIX.get(org_type, "91") + region + body + _org_code_check(body)
    return uscc.validate(partial + uscc.calc_check_digit(partial))


def demo_school_code(province: str, school_type: str, serial: int) -> str:
    """An illustrative 10-digit school code: level prefix, province, serial."""
    prefix = (
        "31" if school_type in (SchoolType.SECONDARY_VOCATIONAL, SchoolType.TECHNICAL) else "41"
    )
    return f"{prefix}{province[:2]}{90000 + serial:06d}"


# --- steps ----------------------------------------------------------------------------------------


def _division(code: str) -> Division:
    return Division.objects.get(code=code)


def _unit(
    report: DemoReport, kind: str, name: str, province: str | None = None, city: str | None = None
) -> Unit:
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


def _batches(report: DemoReport) -> dict[int, Batch]:
    batches = {}
    for number, published_on, document in BATCHES:
        batch = Batch.objects.filter(number=number).first()
        if batch is None:
            batch = Batch.objects.create(
                number=number, published_on=published_on, document=document
            )
            audit_record(
                actor=Actor.system(),
                action="catalog.batch_create",
                target=batch,
                new={"number": number, "published_on": published_on, "document": document},
            )
            report.created["batches"] += 1
        batches[number] = batch
    return batches


def _orgs(report: DemoReport) -> dict[str, Org]:
    orgs = {}
    for name, (org_type, region) in ORGS.items():
        org = Org.objects.filter(name=name).first()
        if org is None:
            unit = _unit(report, UnitKind.ORG, name)
            org = Org.objects.create(
                unit=unit,
                name=name,
                credit_code=demo_credit_code(name, org_type, region),
                org_type=org_type,
            )
            audit_record(
                actor=Actor.system(),
                action="catalog.org_create",
                target=org,
                new={"name": name, "credit_code": org.credit_code, "org_type": org_type},
            )
            report.created["orgs"] += 1
        orgs[name] = org
    return orgs


def _certificates(report: DemoReport, batches: dict[int, Batch], orgs: dict[str, Org]) -> None:
    # position/field arrive with the catalogue's issue-3 model; set them only when present.
    field_names = {f.name for f in Certificate._meta.get_fields()}
    for number, rows in CERTIFICATES.items():
        for position, (name, org_name, cert_field) in enumerate(rows, start=1):
            code = f"{number}-{position:02d}"
            if Certificate.objects.filter(code=code).exists():
                continue
            extra: dict[str, object] = {}
            if "position" in field_names:
                extra["position"] = position
            if "field" in field_names:
                extra["field"] = cert_field
            certificate = Certificate.objects.create(
                code=code, name=name, org=orgs[org_name], batch=batches[number], **extra
            )
            audit_record(
                actor=Actor.system(),
                action="catalog.certificate_create",
                target=certificate,
                new={"code": code, "name": name, "org": org_name, "batch": number},
            )
            report.created["certificates"] += 1


def _schools(report: DemoReport) -> None:
    for province, rows in SCHOOLS.items():
        for serial, (name, school_type, city) in enumerate(rows, start=1):
            code = demo_school_code(province, school_type, serial)
            if School.objects.filter(code=code).exists():
                continue
            school_register(
                actor=Actor.system(),
                name=name,
                code=code,
                school_type=school_type,
                city=_division(city),
            )
            report.created["schools"] += 1


def _technical_school(report: DemoReport) -> None:
    """Try to register a technical school: R25 refuses it; keep the refusal visible."""
    name, school_type, city = TECHNICAL_SCHOOL
    code = demo_school_code(city[:2] + "0000", school_type, 99)
    try:
        school_register(
            actor=Actor.system(),
            name=name,
            code=code,
            school_type=school_type,
            city=_division(city),
        )
    except RuleViolation as exc:
        report.refusals.append(f"{name}: {exc.rule_id} {exc.message}")
        # The service writes nothing on refusal; the audit log keeps one record of it so the
        # refusal can be shown (audit page), and a rerun does not add another.
        already = AuditEvent.objects.filter(
            action=REFUSAL_ACTION, target_type="pilots.school", new__code=code
        ).exists()
        if not already:
            audit_record(
                actor=Actor.system(),
                action=REFUSAL_ACTION,
                target_type="pilots.school",
                target_id=code,
                new={
                    "name": name,
                    "code": code,
                    "school_type": school_type,
                    "city": city,
                    "rule": exc.rule_id,
                    "message": str(exc.message),
                },
            )
    else:  # pragma: no cover - only if R25 were removed
        raise AssertionError("R25 did not refuse the technical school")


def _users(report: DemoReport) -> None:
    units = {
        MINISTRY: _unit(report, UnitKind.MINISTRY, MINISTRY),
        AGGREGATOR: _unit(report, UnitKind.AGGREGATOR, AGGREGATOR),
        **{
            name: _unit(report, UnitKind.PROVINCE, name, province=code)
            for code, name in PROVINCES.items()
        },
        CITY[1]: _unit(report, UnitKind.CITY, CITY[1], province="440000", city=CITY[0]),
        DEMO_ORG: Org.objects.select_related("unit").get(name=DEMO_ORG).unit,
        DEMO_SCHOOL: School.objects.select_related("unit").get(name=DEMO_SCHOOL).unit,
        DEMO_LEARNER: _unit(report, UnitKind.LEARNER, DEMO_LEARNER),
    }
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        # user_create runs Django's password validators, so the demo password must pass them.
        user_create(
            actor=Actor.system(),
            username=account.username,
            password=DEMO_PASSWORD,
            unit=units[account.unit],
            role=account.role,
            display_name=account.description,
        )
        report.created["users"] += 1


def _policy_profiles(log: Callable[[str], None]) -> None:
    # Another command owns the shipped province overrides; run it when it is installed.
    if "seed_policy_profiles" in get_commands():
        call_command("seed_policy_profiles", verbosity=0)
    else:
        log("seed_policy_profiles not available; policy profiles not seeded")


def load_demo_data(*, log: Callable[[str], None] = lambda _message: None) -> DemoReport:
    """Create whatever demo data is missing; returns what was created and what was refused."""
    report = DemoReport()
    report.created["divisions"] += load_divisions()
    with transaction.atomic():
        for code, name in PROVINCES.items():
            _unit(report, UnitKind.PROVINCE, name, province=code)
        _unit(report, UnitKind.CITY, CITY[1], province="440000", city=CITY[0])
        batches = _batches(report)
        orgs = _orgs(report)
        _certificates(report, batches, orgs)
        _schools(report)
        _technical_school(report)
        _users(report)
        report.created.update(pilots_demo.load_demo(stdout=log))
        report.created.update(load_site_demo(stdout=log))
        report.created.update(load_application_demo(stdout=log))
        report.created.update(load_exam_demo(stdout=log))
        report.created.update(certificates_demo.load_demo(stdout=log))
    _policy_profiles(log)
    return report
