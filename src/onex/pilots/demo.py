"""Demo data of the schools part: schools, coordination bodies, specialties, working bodies.

Registered as demo steps in ``onex.pilots.shell``: the schools first, the rest after the demo
accounts exist; idempotent (every write goes through a service that writes nothing when the
values are already there, or is skipped when the row exists). School names are real schools of
Guangdong, Shanxi and Hubei; their 10-digit codes are illustrative (pattern-shaped, not the
codes the Ministry registered). Specialty codes are from the 2015 higher-vocational catalogue
(《普通高等学校高等职业教育（专科）专业目录》, in force for the 2019–2020 pilots) and the 2010
secondary catalogue; enrolment figures are illustrative. Contact names and phone numbers are
invented; e-mail addresses use the reserved example.org domain.

One Guangdong school (``OVERDUE_SCHOOL``) deliberately has no working-body filing: once its
pilot is on a published list (the applications demo publishes lists), it is the overdue R33
case on the province's 工作机构报备督促 page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from onex.catalog.models import Certificate, Level
from onex.catalog.services.schools import levels_must_be_chosen
from onex.core.accounts import unit_create, user_create
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import RuleViolation
from onex.core.models import AuditEvent, Role, Unit, UnitKind, User
from onex.core.policy import seed_policy_profiles
from onex.core.registry import DemoReport
from onex.geo.models import Division
from onex.pilots.models import (
    ApplicationEvent,
    PilotApplication,
    School,
    SchoolType,
    SchoolWorkingBody,
    Specialty,
    SummarySubmission,
)
from onex.pilots.models.applications import CONFIRMED_STATUSES
from onex.pilots.selectors import conditions
from onex.pilots.services import applications as application_services
from onex.pilots.services import coordination as coordination_services
from onex.pilots.services import schools as school_services
from onex.pilots.services import specialties as specialty_services
from onex.pilots.services import summary as summary_services

OVERDUE_SCHOOL = "顺德职业技术学院"
ENROLMENT_YEARS = (2017, 2018, 2019, 2020)
# Working bodies were mostly filed when the second batch was being applied for.
FILED_ON = dt.date(2019, 10, 15)
LISTED_ON = dt.date(2019, 9, 20)  # the demo pilot list, before the schools filed

# province code → (coordination body, host organisation, contact, title, phone, e-mail)
COORDINATION: dict[str, tuple[str, str, str, str, str, str]] = {
    "440000": (
        "广东省1+X证书制度试点工作指导协调办公室",
        "广东省教育研究院",
        "陈敏",
        "职业教育研究室主任",
        "020-83500101",
        "gd-1x@example.org",
    ),
    "140000": (
        "山西省1+X证书制度试点工作推进办公室",
        "山西省教育厅职业教育与成人教育处",
        "王建军",
        "推进办副主任",
        "0351-3040101",
        "sx-1x@example.org",
    ),
    "420000": (
        "湖北省1+X证书制度试点工作推进组",
        "湖北省教育科学研究院",
        "刘芳",
        "职业教育研究所所长",
        "027-87300101",
        "hb-1x@example.org",
    ),
}

# Specialties per school type: (code, name); each matches a certificate of batches 1–2.
HIGHER = [
    ("630903", "物流管理"),  # 物流管理
    ("630801", "电子商务"),  # 电子商务数据分析, 网店运营推广
    ("630302", "会计"),  # 智能财税
    ("610205", "软件技术"),  # Web前端开发
    ("610213", "云计算技术与应用"),  # 云计算平台运维与开发
    ("560309", "工业机器人技术"),  # 工业机器人操作与运维 / 应用编程
    ("600209", "汽车检测与维修技术"),  # 汽车运用与维修
    ("690301", "老年服务与管理"),  # 老年照护, 失智老年人照护
    ("540502", "工程造价"),  # 建筑信息模型(BIM)
    ("610119", "物联网应用技术"),  # 传感网应用开发
]
SECONDARY = [
    ("121100", "物流服务与管理"),
    ("121400", "电子商务"),
    ("120100", "会计"),
    ("090100", "计算机应用"),
    ("082500", "汽车运用与维修"),
    ("100100", "护理"),  # 母婴护理
]
UNDERGRADUATE = [
    ("120601", "物流管理"),
    ("120801", "电子商务"),
    ("080901", "计算机科学与技术"),
]
SPECIALTIES_BY_TYPE: dict[str, list[tuple[str, str]]] = {
    SchoolType.HIGHER_VOCATIONAL: HIGHER,
    SchoolType.SECONDARY_VOCATIONAL: SECONDARY,
    SchoolType.VOCATIONAL_UNDERGRADUATE: HIGHER,
    SchoolType.APPLIED_UNDERGRADUATE: UNDERGRADUATE,
    SchoolType.OPEN_UNIVERSITY: [("630903", "物流管理"), ("630801", "电子商务")],
}
SPECIALTIES_PER_SCHOOL = 4

AREA_CODES = {"440000": "020", "140000": "0351", "420000": "027"}
# The demo school account's school shows a change of contact in its filing history.
HISTORY_SCHOOL = "广州番禺职业技术学院"
CHANGED_ON = dt.date(2020, 3, 2)
LEADERS = ("党委书记", "校长", "院长", "党委副书记、校长")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _pick(seed: str, modulo: int) -> int:
    # Deterministic per school, so a rerun computes the same values and changes nothing.
    return int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % modulo


def _specialties(school: School) -> list[tuple[str, str]]:
    choices = SPECIALTIES_BY_TYPE.get(school.school_type, HIGHER)
    start = _pick(school.code, len(choices))
    count = min(SPECIALTIES_PER_SCHOOL, len(choices))
    return [choices[(start + i) % len(choices)] for i in range(count)]


def _enrolments(school: School, code: str) -> dict[int, int]:
    base = 40 + _pick(f"{school.code}:{code}", 160)
    return {
        year: base + 5 * i + _pick(f"{school.code}:{code}:{year}", 20)
        for i, year in enumerate(ENROLMENT_YEARS)
    }


def _working_body(school: School) -> dict[str, str]:
    surname = SURNAMES[_pick(school.code, len(SURNAMES))]
    contact = SURNAMES[_pick(school.code + "c", len(SURNAMES))]
    title = LEADERS[_pick(school.code + "t", len(LEADERS))]
    if school.school_type == SchoolType.SECONDARY_VOCATIONAL:
        title = title.replace("院长", "校长")
    return {
        "body_name": "1+X证书制度试点工作领导小组",
        "leader_name": f"{surname}志强",
        "leader_title": title,
        "members": "教务处、各二级学院（系）负责人",
        "contact_name": f"{contact}老师",
        "contact_title": "教务处副处长",
        "contact_phone": f"{AREA_CODES.get(school.province.code, '010')}-"
        f"{8000_0000 + _pick(school.code + 'p', 999_9999)}",
        "contact_email": f"1x-{school.code}@example.org",
        "work_plan": "将证书培训内容融入专业人才培养方案，按证书组建教学团队，"
        "统筹安排课程教学与证书培训考核。",
    }


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    """Create what is missing; returns counts of what was created or changed."""
    created: Counter[str] = Counter()
    actor = Actor.system()
    provinces = {d.code: d for d in Division.objects.filter(code__in=COORDINATION)}
    for code, (body, host, name, title, phone, email) in COORDINATION.items():
        province = provinces.get(code)
        if province is None:
            continue
        existing = getattr(province, "pilot_coordination", None)
        if existing is not None:
            continue
        coordination_services.coordination_set(
            actor=actor,
            province=province,
            body_name=body,
            host_name=host,
            contact_name=name,
            contact_title=title,
            contact_phone=phone,
            contact_email=email,
        )
        created["coordination_bodies"] += 1

    schools = list(School.objects.select_related("province", "city").order_by("code"))
    filed = set(SchoolWorkingBody.objects.values_list("school_id", flat=True).distinct())
    filed_at = timezone.make_aware(dt.datetime.combine(FILED_ON, dt.time(10, 0)))
    for school in schools:
        for code, name in _specialties(school):
            _specialty, changed = specialty_services.specialty_set(
                actor=actor,
                school=school,
                code=code,
                name=name,
                enrolments=_enrolments(school, code),
            )
            created["specialties"] += int(changed)
        if school.pk in filed or school.name == OVERDUE_SCHOOL:
            continue
        filing = coordination_services.working_body_file(
            actor=actor, school=school, **_working_body(school)
        )
        # Demo history: back-date to when schools filed, so statuses read as filed on time.
        SchoolWorkingBody.objects.filter(pk=filing.pk).update(filed_at=filed_at)
        created["working_bodies"] += 1
        if school.name == HISTORY_SCHOOL:
            change = coordination_services.working_body_file(
                actor=actor,
                school=school,
                **{**_working_body(school), "contact_name": "林老师"},
                note="原联系人岗位调整，更换联系人",
            )
            changed_at = timezone.make_aware(dt.datetime.combine(CHANGED_ON, dt.time(9, 30)))
            SchoolWorkingBody.objects.filter(pk=change.pk).update(filed_at=changed_at)
            created["working_bodies"] += 1
    # The schools that filed a working body are on the 2019 list: pilot schools since then
    # (their weekly reports are owed from that day, R41). The overdue school is not.
    created["pilot_schools"] = (
        School.objects.filter(pk__in=SchoolWorkingBody.objects.values("school_id"))
        .filter(pilot_since__isnull=True)
        .update(pilot_since=LISTED_ON)
    )
    if created:
        stdout("pilots demo: " + ", ".join(f"{key} {n}" for key, n in sorted(created.items()) if n))
    return dict(created)


# --- the demo schools (registered through the service, so R25 refuses the technical school) ---

REFUSAL_ACTION = "school.register_refused"

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


def demo_school_code(province: str, school_type: str, serial: int) -> str:
    """An illustrative 10-digit school code: level prefix, province, serial."""
    prefix = (
        "31" if school_type in (SchoolType.SECONDARY_VOCATIONAL, SchoolType.TECHNICAL) else "41"
    )
    return f"{prefix}{province[:2]}{90000 + serial:06d}"


def _schools(report: DemoReport) -> None:
    for province, rows in SCHOOLS.items():
        for serial, (name, school_type, city) in enumerate(rows, start=1):
            code = demo_school_code(province, school_type, serial)
            if School.objects.filter(code=code).exists():
                continue
            school_services.school_register(
                actor=Actor.system(),
                name=name,
                code=code,
                school_type=school_type,
                city=Division.objects.get(code=city),
            )
            report.created["schools"] += 1


def _technical_school(report: DemoReport) -> None:
    """Try to register a technical school: R25 refuses it; keep the refusal visible."""
    name, school_type, city = TECHNICAL_SCHOOL
    code = demo_school_code(city[:2] + "0000", school_type, 99)
    try:
        school_services.school_register(
            actor=Actor.system(),
            name=name,
            code=code,
            school_type=school_type,
            city=Division.objects.get(code=city),
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


def load_schools(report: DemoReport, log: Callable[[str], None]) -> None:
    _schools(report)
    _technical_school(report)


# --- application demo ------------------------------------------------------------

DEMO_PASSWORD = "onex-demo-pass"  # noqa: S105 - the README's published demo password
CITY_ACCOUNT = ("demo-sx-city", "太原市教育局", "140000", "140100", "太原市教育局经办人")

# A 1×1 PNG: the stamped scan of the demo summary table.
SCAN_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

BASE = application_services.ApplicationInput(
    full_time_teachers=14,
    team_size=12,
    dual_qualified_teachers=7,
    industry_experts=3,
    facility_kind="own",
    facility_description="校内实训中心，配有证书要求的实训设备；与合作企业共建校外实训基地。",
    has_training_rooms=True,
    has_internship_sites=True,
    work_plan="将证书标准融入专业人才培养方案，组建“双师型”培训团队，每学期开展一期培训与考核。",
    planned_students=80,
)


@dataclass(frozen=True)
class Plan:
    school: str
    certificate: str  # catalogue code
    state: str  # draft | city_review | submitted | returned | rejected | confirmed | published
    contact: tuple[str, str]
    changes: dict[str, Any]
    reason: str = ""
    published_days_ago: int = 0


PLANS: tuple[Plan, ...] = (
    # Guangdong (national profile)
    Plan("广州番禺职业技术学院", "1-03", "published", ("李晓红", "020-34740001"), {}, "", 20),
    Plan(
        "顺德职业技术学院",
        "2-06",
        "published",
        ("梁志明", "0757-22320001"),
        {"planned_students": 60},
        "",
        90,
    ),
    Plan(
        "深圳职业技术学院",
        "2-10",
        "published",
        ("陈海峰", "0755-26730001"),
        {"team_size": 20, "dual_qualified_teachers": 13, "industry_experts": 5},
        "",
        60,
    ),
    Plan("广东轻工职业技术学院", "2-01", "confirmed", ("黄丽", "020-89230001"), {}),
    Plan("广东机电职业技术学院", "2-03", "submitted", ("吴刚", "020-32190001"), {}),
    Plan(
        "广州铁路职业技术学院",
        "2-08",
        "returned",
        ("周静", "020-61830001"),
        {"facility_kind": "rented"},
        "租用实训场地的协议未上传，请补充租赁协议及设备清单后重新提交。",
    ),
    Plan(
        "广州市轻工职业学校",
        "2-07",
        "rejected",
        ("何敏", "020-81230001"),
        {},
        "申报专业与母婴护理证书不对应，本批次不予确认。",
    ),
    Plan(
        "中山职业技术学院",
        "2-02",
        "draft",
        ("林涛", "0760-88230001"),
        {"team_size": 10, "dual_qualified_teachers": 4},  # 40%: fails R26 here
    ),
    # Shanxi (city first review required)
    Plan("山西职业技术学院", "2-06", "published", ("王建国", "0351-65010001"), {}, "", 45),
    Plan("太原市财政金融学校", "2-02", "submitted", ("赵丽", "0351-40410001"), {}),
    Plan("山西工程职业学院", "2-04", "city_review", ("刘洋", "0351-63920001"), {}),
    Plan("大同煤炭职业技术学院", "2-05", "draft", ("孙强", "0352-71530001"), {}),
    # Hubei (Hubei's profile: dual-qualified ≥30%, ≥10 full-time teachers, rooms and sites)
    Plan(
        "武汉职业技术学院",
        "2-01",
        "published",
        ("张萍", "027-87760001"),
        {"team_size": 10, "dual_qualified_teachers": 4, "industry_experts": 2},  # 40%
        "",
        30,
    ),
    Plan(
        "武汉船舶职业技术学院",
        "2-05",
        "draft",
        ("郑伟", "027-84650001"),
        {"full_time_teachers": 9},  # below Hubei's ten
    ),
    Plan("湖北职业技术学院", "2-09", "submitted", ("邓芳", "0712-23450001"), {}),
    Plan("襄阳职业技术学院", "1-04", "confirmed", ("胡斌", "0710-36510001"), {}),
)

SUMMARY_PROVINCE = "440000"

# R20: the Ministry designates about ten confirmed pilot schools per certificate as monitoring
# points, so every demo certificate gets that many confirmed pilots beyond PLANS, except two left
# short on purpose (the coverage page shows them): 2-05 has six confirmed schools (the supervision
# demo designates only three of them), 1-06 has only four. The demo school keeps its one pilot
# (its pages show one certificate); 襄阳 is the school the supervision demo disqualifies.
CONFIRMED_PER_CERTIFICATE = 10
CONFIRMED_SHORT = {"2-05": 6, "1-06": 4}
NOT_EXTRA = frozenset({"广州番禺职业技术学院", "襄阳职业技术学院"})


def _extra_schools(schools: dict[str, School], units: dict[str, Unit]) -> list[School]:
    """Schools that may take extra pilots: in a demo province, and, where the province makes
    its cities review first (Shanxi), in the one city with a demo bureau (太原)."""
    city_province, city = CITY_ACCOUNT[2], CITY_ACCOUNT[3]
    return sorted(
        (
            school
            for school in schools.values()
            if school.name not in NOT_EXTRA
            and school.province.code in units
            and (school.province.code != city_province or school.city.code == city)
        ),
        key=lambda school: school.code,
    )


def _monitoring_pilots(
    units: dict[str, Unit],
    schools: dict[str, School],
    certificates: dict[str, Certificate],
    created: Counter[str],
) -> None:
    """Confirmed pilots for every certificate, up to CONFIRMED_PER_CERTIFICATE, through the
    application services (submit, the city's review where required, the province's confirm).

    Each certificate walks the schools in a fixed rotation, counting the confirmed applications
    it meets and creating the missing ones until it has enough: a rerun meets the same schools,
    finds them confirmed and stops at the same place (idempotent)."""
    pool = _extra_schools(schools, units)
    if not pool:
        return
    existing = {
        (school_id, certificate_id): status
        for school_id, certificate_id, status in PilotApplication.objects.values_list(
            "school_id", "certificate_id", "status"
        )
    }
    confirmed = set(CONFIRMED_STATUSES)
    names = SURNAMES
    for index, code in enumerate(sorted(certificates)):
        certificate = certificates[code]
        wanted = CONFIRMED_SHORT.get(code, CONFIRMED_PER_CERTIFICATE)
        have = 0
        start = (index * 7) % len(pool)
        for school in pool[start:] + pool[:start]:
            if have >= wanted:
                break
            status = existing.get((school.pk, certificate.pk))
            if status is not None:
                have += status in confirmed
                continue
            data = replace(
                BASE,
                contact_name=f"{names[_pick(school.code + code, len(names))]}老师",
                contact_phone=f"{AREA_CODES.get(school.province.code, '010')}-"
                f"{8000_0000 + _pick(school.code + code + 'p', 999_9999)}",
                # R34: undergraduate schools and the open university choose their levels.
                levels=(
                    (Level.INTERMEDIATE, Level.SENIOR)
                    if levels_must_be_chosen(school.school_type)
                    else ()
                ),
            )
            application = application_services.application_create(
                actor=_acting(school.unit),
                school=school,
                certificate=certificate,
                specialty=_specialty(school, certificate),
                data=data,
            )
            _take_steps(application, Plan(school.name, code, "confirmed", ("", ""), {}), units)
            existing[(school.pk, certificate.pk)] = "confirmed"
            created["monitoring_pilots"] += 1
            have += 1


def _acting(unit: Unit) -> Actor:
    return Actor(user=None, unit=unit, role=Role.ADMIN)


def _city_bureau(created: Counter[str]) -> Unit:
    username, name, province, city, description = CITY_ACCOUNT
    unit = Unit.objects.filter(kind=UnitKind.CITY, city__code=city).first()
    if unit is None:
        unit = unit_create(
            actor=Actor.system(),
            kind=UnitKind.CITY,
            name=name,
            province=Division.objects.get(code=province),
            city=Division.objects.get(code=city),
        )
        created["units"] += 1
    if not User.objects.filter(username=username).exists():
        user_create(
            actor=Actor.system(),
            username=username,
            password=DEMO_PASSWORD,
            unit=unit,
            role=Role.STAFF,
            display_name=description,
        )
        created["users"] += 1
    return unit


# certificate code → the specialty names (of the schools demo) that train for it.
CERTIFICATE_SPECIALTIES: dict[str, tuple[str, ...]] = {
    "1-01": ("工程造价",),
    "1-02": ("软件技术", "计算机应用", "计算机科学与技术"),
    "1-03": ("物流管理", "物流服务与管理"),
    "1-04": ("老年服务与管理", "护理"),
    "1-05": ("汽车检测与维修技术", "汽车运用与维修"),
    "1-06": ("汽车检测与维修技术", "汽车运用与维修"),
    "2-01": ("电子商务",),
    "2-02": ("电子商务",),
    "2-03": ("工业机器人技术",),
    "2-04": ("工业机器人技术",),
    "2-05": ("焊接技术与自动化",),
    "2-06": ("会计",),
    "2-07": ("护理",),
    "2-08": ("物联网应用技术",),
    "2-09": ("老年服务与管理", "护理"),
    "2-10": ("云计算技术与应用",),
}


def _specialty(school: School, certificate: Certificate) -> Specialty:
    """The school's specialty matching the certificate, with enrolment for the R26 years.

    A school that runs no matching specialty gets the first one its type offers in the schools
    demo, so every demo application pairs a certificate with a specialty that trains for it.
    """
    names = CERTIFICATE_SPECIALTIES.get(certificate.code, ())
    specialty = (
        Specialty.objects.filter(school=school, name__in=names).order_by("code").first()
        or Specialty.objects.filter(school=school).order_by("code").first()
    )
    # 焊接技术与自动化 (560110) is not among the schools demo's rotation; welding pilots add it.
    offered = [*SPECIALTIES_BY_TYPE.get(school.school_type, []), ("560110", "焊接技术与自动化")]
    matching = [(code, name) for code, name in offered if name in names]
    if matching and (specialty is None or specialty.name not in names):
        code, name = matching[0]
    elif specialty is not None:
        code, name = specialty.code, specialty.name
    else:
        code, name = ("530302", "大数据与会计")
    years = conditions.enrolment_years(on=timezone.localdate(), count=3)
    enrolments = {year: 45 + 5 * i for i, year in enumerate(years)}
    specialty, _changed = specialty_services.specialty_set(
        actor=Actor.system(), school=school, code=code, name=name, enrolments=enrolments
    )
    return specialty


def _take_steps(application: PilotApplication, plan: Plan, units: dict[str, Unit]) -> None:
    school = _acting(application.school.unit)
    province = _acting(units[application.province.code])
    if plan.state == "draft":
        return
    application = application_services.application_submit(actor=school, application=application)
    if application.status == "city_review":
        if plan.state == "city_review":
            return
        application = application_services.application_city_pass(
            actor=_acting(units[application.city.code]),
            application=application,
            note="材料齐全，同意报省级确认。",
        )
    if plan.state == "submitted":
        return
    if plan.state == "returned":
        application_services.application_return(
            actor=province, application=application, reason=plan.reason
        )
        return
    if plan.state == "rejected":
        application_services.application_reject(
            actor=province, application=application, reason=plan.reason
        )
        return
    application = application_services.application_confirm(actor=province, application=application)
    if plan.state == "published":
        published_on = timezone.localdate() - dt.timedelta(days=plan.published_days_ago)
        application_services.application_publish(
            actor=province, application=application, published_on=published_on
        )
        _backdate(application, published_on)


# Days between two steps of a published demo application's chain.
STEP_DAYS = 5


def _backdate(application: PilotApplication, published_on: dt.date) -> None:
    """Move a published application's history before its publication date.

    The steps run today, but the pilot was published weeks ago: left as they are, the timeline
    would show it published before it was submitted. Each step is moved back so the chain ends
    on the publication day, one step every few days, and the dates on the application follow.
    """
    events = list(application.events.order_by("pk"))
    end = dt.datetime.combine(published_on, dt.time(10), tzinfo=timezone.get_current_timezone())
    moved: dict[str, dt.datetime] = {}
    for back, event in enumerate(reversed(events)):
        at = end - dt.timedelta(days=STEP_DAYS * back)
        ApplicationEvent.objects.filter(pk=event.pk).update(at=at)
        moved.setdefault(event.action, at)
    first = end - dt.timedelta(days=STEP_DAYS * (len(events) - 1))
    PilotApplication.objects.filter(pk=application.pk).update(
        created_at=first,
        submitted_at=moved.get("submit"),
        city_reviewed_at=moved.get("city_pass"),
        decided_at=moved.get("confirm"),
    )
    confirmed = moved.get("confirm")
    if confirmed is not None:
        # The school became a pilot school on the (backdated) confirmation day.
        School.objects.filter(pk=application.school_id).filter(
            Q(pilot_since__isnull=True) | Q(pilot_since__gt=confirmed.date())
        ).update(pilot_since=confirmed.date())


def load_application_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    """Create the missing demo applications and summary table; returns what was created."""
    created: Counter[str] = Counter()
    # The chain reads Hubei's and Shanxi's overrides; make sure they exist (idempotent).
    seed_policy_profiles()
    city = _city_bureau(created)
    units: dict[str, Unit] = {
        u.province.code: u
        for u in Unit.objects.filter(kind=UnitKind.PROVINCE).select_related("province")
        if u.province is not None
    }
    units[city.city.code if city.city else ""] = city
    schools = {s.name: s for s in School.objects.select_related("province", "city", "unit")}
    certificates = {c.code: c for c in Certificate.objects.select_related("batch")}
    for plan in PLANS:
        school = schools.get(plan.school)
        certificate = certificates.get(plan.certificate)
        if school is None or certificate is None or school.province.code not in units:
            stdout(f"applications demo: skipped {plan.school} {plan.certificate}")
            continue
        specialty = _specialty(school, certificate)
        if PilotApplication.objects.filter(
            school=school, certificate=certificate, specialty=specialty
        ).exists():
            continue
        data = replace(
            BASE, contact_name=plan.contact[0], contact_phone=plan.contact[1], **plan.changes
        )
        application = application_services.application_create(
            actor=_acting(school.unit),
            school=school,
            certificate=certificate,
            specialty=specialty,
            data=data,
        )
        _take_steps(application, plan, units)
        created["applications"] += 1

    _monitoring_pilots(units, schools, certificates, created)

    province_unit = units.get(SUMMARY_PROVINCE)
    if (
        province_unit is not None
        and not SummarySubmission.objects.filter(province__code=SUMMARY_PROVINCE).exists()
    ):
        summary_services.summary_submit(
            actor=_acting(province_unit),
            scan=ContentFile(SCAN_PNG, name="盖章扫描件.png"),
            note="第二批试点院校情况汇总表（盖章版）",
        )
        created["summary_submissions"] += 1
    if created:
        stdout("applications demo: " + ", ".join(f"{k} {n}" for k, n in sorted(created.items())))
    return dict(created)
