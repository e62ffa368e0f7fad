"""Demo data of pilot applications: every state of the R32 chain in the three demo provinces.

Registered as a demo step in ``onex.pilots.shell``; runs after the schools demo (schools and
specialties).
Idempotent: an application is keyed by school × certificate × specialty and taken through its
steps only when it is created; the summary table is submitted once per province.

Guangdong: published pilots (one published about three months ago at 顺德职业技术学院, which has
no working-body filing: the R33 overdue case), a confirmed one, one awaiting the province, a
returned one with its reason, a rejected one and a draft that fails R26 at 40% dual-qualified;
its confirmed pilots concentrate in 财经商贸 (R28 flag) and it has submitted its summary table.
Shanxi: city first review (R32) — one passed and published, one passed and awaiting the
province, one awaiting the Taiyuan bureau. Hubei: a 40% dual-qualified application judged
against Hubei's profile (R43) and published, one failing the ten-teacher minimum, others.

Steps are taken by each unit acting without a named person (``Actor(user=None, unit=...)``),
so the timeline shows the unit; the demo accounts can then act on what awaits them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from onex.catalog.models import Certificate
from onex.core.accounts import unit_create, user_create
from onex.core.actors import Actor
from onex.core.models import Role, Unit, UnitKind, User
from onex.core.policy import seed_policy_profiles
from onex.geo.models import Division
from onex.pilots import applications as apps
from onex.pilots import services
from onex.pilots.demo import SPECIALTIES_BY_TYPE
from onex.pilots.models import (
    PilotApplication,
    School,
    Specialty,
    SummarySubmission,
)

DEMO_PASSWORD = "onex-demo-pass"  # noqa: S105 - the README's published demo password
CITY_ACCOUNT = ("demo-sx-city", "太原市教育局", "140000", "140100", "太原市教育局经办人")

# A 1×1 PNG: the stamped scan of the demo summary table.
SCAN_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

BASE = apps.ApplicationInput(
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
    years = apps.enrolment_years(on=timezone.localdate(), count=3)
    enrolments = {year: 45 + 5 * i for i, year in enumerate(years)}
    specialty, _changed = services.specialty_set(
        actor=Actor.system(), school=school, code=code, name=name, enrolments=enrolments
    )
    return specialty


def _take_steps(application: PilotApplication, plan: Plan, units: dict[str, Unit]) -> None:
    school = _acting(application.school.unit)
    province = _acting(units[application.province.code])
    if plan.state == "draft":
        return
    application = apps.application_submit(actor=school, application=application)
    if application.status == "city_review":
        if plan.state == "city_review":
            return
        application = apps.application_city_pass(
            actor=_acting(units[application.city.code]),
            application=application,
            note="材料齐全，同意报省级确认。",
        )
    if plan.state == "submitted":
        return
    if plan.state == "returned":
        apps.application_return(actor=province, application=application, reason=plan.reason)
        return
    if plan.state == "rejected":
        apps.application_reject(actor=province, application=application, reason=plan.reason)
        return
    application = apps.application_confirm(actor=province, application=application)
    if plan.state == "published":
        apps.application_publish(
            actor=province,
            application=application,
            published_on=timezone.localdate() - dt.timedelta(days=plan.published_days_ago),
        )


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
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
        application = apps.application_create(
            actor=_acting(school.unit),
            school=school,
            certificate=certificate,
            specialty=specialty,
            data=data,
        )
        _take_steps(application, plan, units)
        created["applications"] += 1

    province_unit = units.get(SUMMARY_PROVINCE)
    if (
        province_unit is not None
        and not SummarySubmission.objects.filter(province__code=SUMMARY_PROVINCE).exists()
    ):
        apps.summary_submit(
            actor=_acting(province_unit),
            scan=ContentFile(SCAN_PNG, name="盖章扫描件.png"),
            note="第二批试点院校情况汇总表（盖章版）",
        )
        created["summary_submissions"] += 1
    if created:
        stdout("applications demo: " + ", ".join(f"{k} {n}" for k, n in sorted(created.items())))
    return dict(created)
