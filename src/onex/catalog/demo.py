"""Demo data of the catalogue: the first two batches, their certificates and their orgs.

Registered as a demo step in ``onex.catalog.shell``. Idempotent: batches are looked up by
number, orgs by name and certificates by code, and created only when missing. The catalogue has
no write services for these yet, so they are created here with an audit event each.

Org credit codes are generated deterministically from the org's name and carry valid GB 32100
check characters, so validators accept them, but they are not the orgs' real codes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from stdnum.cn import uscc

from onex.catalog.models import Batch, Certificate, Org, OrgType
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.demo import demo_unit
from onex.core.models import UnitKind
from onex.core.registry import DemoReport

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


# --- steps ---------------------------------------------------------------------------------------


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
            unit = demo_unit(report, UnitKind.ORG, name)
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


def load_demo(report: DemoReport, log: Callable[[str], None]) -> None:
    batches = _batches(report)
    orgs = _orgs(report)
    _certificates(report, batches, orgs)
