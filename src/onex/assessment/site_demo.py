"""Demo data for sites and fees (issue 4): plans, conditions, sites, fees and a negotiation,
written through the services so every row is rule-checked and audited. (Designated-brand
complaints are feedback now: the feedback demo files one.)

Idempotent: each step looks for its result first (plan, condition, accepted filing, site
application, fee version, negotiation) and creates only what is missing.

Cost ceilings and fees are illustrative figures for clicking through, not the values of
教职所〔2019〕314号. The orgs' agreements and provincial filings (R18, R38) are created here when
missing because sites and fees depend on them; the demo ID number is a test value.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from onex.assessment.models import (
    AssessmentPlan,
    ExamFormat,
    FeeNegotiation,
    FeeStandard,
    FeeVersionStatus,
    SiteApplication,
    SiteCondition,
)
from onex.assessment.services import fees as fee_services
from onex.assessment.services import sites as site_services
from onex.catalog.models import (
    Certificate,
    CertificateLevel,
    FilingStatus,
    Level,
    OrgFiling,
)
from onex.catalog.selectors.orgs import org_can_act
from onex.catalog.services.certificates import certificate_level_set
from onex.catalog.services.filings import (
    FilingInput,
    StaffMember,
    filing_accept,
    filing_create,
    filing_submit,
)
from onex.catalog.services.orgs import agreement_sign
from onex.core.actors import Actor
from onex.core.models import Role, Unit, UnitKind
from onex.core.personal import Gender
from onex.pilots.models import School

# Certificate code → illustrative ceilings (初级, 中级, 高级) in yuan.
CEILINGS: dict[str, tuple[str, str, str]] = {
    "1-03": ("300", "400", "500"),  # 物流管理
    "1-04": ("300", "380", "460"),  # 老年照护
    "2-01": ("280", "360", "450"),  # 电子商务数据分析
    "2-06": ("260", "330", "420"),  # 智能财税
    "2-10": ("350", "450", "550"),  # 云计算平台运维与开发
}
# Province → certificates its orgs filed and whose fees it approved.
FILED: dict[str, tuple[str, ...]] = {
    "440000": ("1-03", "2-01", "2-10"),
    "140000": ("1-03", "2-06"),
    "420000": ("1-03", "1-04", "2-01"),
}
# (school, certificate, levels, final state). States: registered | org_approved | submitted |
# returned. Shenzhen (2-10) and Xiangyang (1-04) keep confirmed pilots without a site: R11 gaps.
SITES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("广州番禺职业技术学院", "2-01", (Level.JUNIOR, Level.INTERMEDIATE), "registered"),
    (
        "广州番禺职业技术学院",
        "1-03",
        (Level.JUNIOR, Level.INTERMEDIATE, Level.SENIOR),
        "registered",
    ),
    ("山西职业技术学院", "2-06", (Level.JUNIOR, Level.INTERMEDIATE), "registered"),
    ("武汉职业技术学院", "2-01", (Level.JUNIOR,), "registered"),
    ("武汉职业技术学院", "1-03", (Level.JUNIOR, Level.INTERMEDIATE), "registered"),
    ("湖北职业技术学院", "1-04", (Level.JUNIOR,), "org_approved"),
    ("深圳职业技术学院", "2-10", (Level.JUNIOR, Level.INTERMEDIATE), "submitted"),
    ("广东轻工职业技术学院", "1-03", (Level.JUNIOR,), "returned"),
)
PENDING_INCREASE = ("440000", "1-03", Level.JUNIOR, "260")
NEGOTIATION = (
    "1-03",
    Level.JUNIOR,
    ("广州番禺职业技术学院", "广东轻工职业技术学院", "广东机电职业技术学院"),
    "210",
)
PASS_LINE = Decimal(60)
DEMO_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO_ID_NUMBER = "11010519491231002X"  # checksum-valid test value, not a person


def _acting(unit: Unit) -> Actor:
    return Actor(user=None, unit=unit, role=Role.ADMIN)


def _province_units() -> dict[str, Unit]:
    return {
        u.province.code: u
        for u in Unit.objects.filter(kind=UnitKind.PROVINCE).select_related("province")
        if u.province is not None
    }


def _ceilings(certificates: dict[str, Certificate], created: Counter[str]) -> None:
    system = Actor.system()
    for code, values in CEILINGS.items():
        certificate = certificates[code]
        existing = {
            row.level: row.cost_ceiling
            for row in CertificateLevel.objects.filter(certificate=certificate)
        }
        for level, amount in zip(
            (Level.JUNIOR, Level.INTERMEDIATE, Level.SENIOR), values, strict=True
        ):
            if existing.get(level) is None:
                certificate_level_set(
                    actor=system, certificate=certificate, level=level, cost_ceiling=amount
                )
                created["assessment.ceilings"] += 1


def _agreements(certificates: dict[str, Certificate], created: Counter[str]) -> None:
    for certificate in certificates.values():
        if not org_can_act(certificate.org):
            agreement_sign(
                actor=Actor.system(),
                org=certificate.org,
                signed_on=dt.date(2019, 10, 15),
                counterparty="教育部职业技术教育中心研究所",
            )
            created["catalog.agreements"] += 1


def _filings(
    certificates: dict[str, Certificate], provinces: dict[str, Unit], created: Counter[str]
) -> None:
    for province_code, codes in FILED.items():
        unit = provinces.get(province_code)
        if unit is None or unit.province is None:
            continue
        for code in codes:
            certificate = certificates[code]
            org = certificate.org
            filings = OrgFiling.objects.filter(
                org=org, province=unit.province, certificate=certificate
            )
            if filings.filter(status=FilingStatus.ACCEPTED).exists():
                continue
            if filings.exists():  # someone's draft: leave it to them
                continue
            filing = filing_create(
                actor=_acting(org.unit),
                org=org,
                province=unit.province,
                certificate=certificate,
                data=FilingInput(
                    person_name="李建华",
                    person_gender=Gender.MALE,
                    person_phone="13800001234",
                    person_birth_date=dt.date(1949, 12, 1),
                    person_email="filing@example.com",
                    id_number=DEMO_ID_NUMBER,
                    person_address="北京市海淀区",
                    org_profile=f"{org.name}，承担{certificate.name}证书的培训与考核。",
                    staff=[StaffMember(name="王晓", phone="13900001234", duty="考务联络")],
                    training_plan="每学期开展师资培训一期。",
                    exam_plan="每年 6 月、12 月各组织一次考核。",
                ),
                letter=ContentFile(DEMO_PDF, name="授权函.pdf"),
            )
            filing_submit(actor=_acting(org.unit), filing=filing)
            filing_accept(actor=_acting(unit), filing=filing)
            created["catalog.filings"] += 1


def _plans_and_conditions(certificates: dict[str, Certificate], created: Counter[str]) -> None:
    for index, certificate in enumerate(certificates.values()):
        org = _acting(certificate.org.unit)
        if not AssessmentPlan.objects.filter(certificate=certificate).exists():
            theory = Decimal(30 + 10 * (index % 3))
            site_services.plan_publish(
                actor=org,
                certificate=certificate,
                data=site_services.PlanInput(
                    exam_format=(ExamFormat.MIXED, ExamFormat.ONLINE, ExamFormat.OFFLINE)[
                        index % 3
                    ],
                    duration_minutes=120 + 30 * (index % 2),
                    theory_weight=theory,
                    practical_weight=100 - theory,
                    theory_pass=PASS_LINE,
                    practical_pass=PASS_LINE,
                    mock_platform_url=f"https://mock.example.com/{certificate.code}",
                    notes="理论考试为单选、多选和判断题；实操考试按工作任务评分。",
                ),
            )
            created["assessment.plans"] += 1
        if not SiteCondition.objects.filter(certificate=certificate).exists():
            site_services.condition_publish(
                actor=org,
                certificate=certificate,
                rooms=2,
                seats=30,
                equipment=[
                    {
                        "function": "考试用计算机",
                        "spec": "四核处理器，8GB 内存，千兆网络",
                        "quantity": 30,
                    },
                    {
                        "function": "监控与录像设备",
                        "spec": "覆盖全部考位，录像保存 3 个月",
                        "quantity": 2,
                    },
                    {
                        "function": f"{certificate.name}实操工位",
                        "spec": "按标准工作任务配置",
                        "quantity": 15,
                    },
                ],
                notes="场地、设备可租用或与企业、院校共享。",
            )
            created["assessment.conditions"] += 1


def _sites(
    certificates: dict[str, Certificate],
    schools: dict[str, School],
    provinces: dict[str, Unit],
    created: Counter[str],
) -> None:
    for school_name, code, levels, state in SITES:
        school = schools.get(school_name)
        certificate = certificates[code]
        if school is None or school.province.code not in provinces:
            continue
        if SiteApplication.objects.filter(school=school, certificate=certificate).exists():
            continue
        org = _acting(certificate.org.unit)
        province = _acting(provinces[school.province.code])
        application = site_services.site_application_submit(
            actor=_acting(school.unit),
            school=school,
            certificate=certificate,
            data=site_services.SiteInput(
                levels=levels,
                address=f"{school.city.name}{school.name}实训楼",
                seats=40,
                rooms=2,
            ),
        )
        created["assessment.site_applications"] += 1
        if state == "submitted":
            continue
        if state == "returned":
            site_services.site_application_return(
                actor=org,
                application=application,
                reason="请补充考场平面图和监控设备清单后重新提交。",
            )
            continue
        application = site_services.site_application_org_approve(actor=org, application=application)
        if state == "registered":
            site_services.site_application_province_approve(actor=province, application=application)


def _fees(
    certificates: dict[str, Certificate], provinces: dict[str, Unit], created: Counter[str]
) -> None:
    today = timezone.localdate()
    for province_code, codes in FILED.items():
        unit = provinces.get(province_code)
        if unit is None or unit.province is None:
            continue
        for code in codes:
            certificate = certificates[code]
            for level, ceiling in zip(
                (Level.JUNIOR, Level.INTERMEDIATE), CEILINGS[code][:2], strict=True
            ):
                if FeeStandard.objects.filter(
                    province=unit.province, certificate=certificate, level=level
                ).exists():
                    continue
                # Approved a little under the ceiling; Hubei's with an expert review.
                amount = (Decimal(ceiling) * Decimal("0.8")).quantize(Decimal("1"))
                version = fee_services.fee_propose(
                    actor=_acting(certificate.org.unit),
                    province=unit.province,
                    certificate=certificate,
                    level=level,
                    amount=amount,
                    basis="场地与设备折旧、耗材、考评员劳务、平台运维。",
                )
                review = (
                    fee_services.FeeReview(
                        kind="expert",
                        reviewer="湖北省职业教育专家组",
                        conclusion="测算依据充分，同意。",
                    )
                    if province_code == "420000"
                    else None
                )
                fee_services.fee_approve(
                    actor=_acting(unit), version=version, effective_from=today, review=review
                )
                created["assessment.fees"] += 1
    province_code, code, level, increase = PENDING_INCREASE
    unit = provinces.get(province_code)
    standard = FeeStandard.objects.filter(
        province__code=province_code, certificate=certificates[code], level=level
    ).first()
    if (
        unit is not None
        and standard is not None
        and not standard.versions.filter(status=FeeVersionStatus.PENDING).exists()
        and standard.versions.count() == 1
    ):
        fee_services.fee_propose(
            actor=_acting(standard.org.unit),
            province=standard.province,
            certificate=standard.certificate,
            level=level,
            amount=increase,
            basis="耗材价格上涨，申请提高考核费用。",
        )
        created["assessment.fee_increases"] += 1


def _negotiation(
    certificates: dict[str, Certificate], schools: dict[str, School], created: Counter[str]
) -> None:
    code, level, names, amount = NEGOTIATION
    certificate = certificates[code]
    parties = [schools[n] for n in names if n in schools]
    if len(parties) < 2 or FeeNegotiation.objects.filter(certificate=certificate).exists():
        return
    negotiation = fee_services.negotiation_record(
        actor=_acting(parties[0].unit),
        certificate=certificate,
        level=level,
        schools=parties,
        agreed_fee=amount,
        negotiated_on=timezone.localdate() - dt.timedelta(days=20),
        notes="三校按考生规模联合协商，共享考核场地。",
    )
    # R45: the fee applies only once the org agrees to it.
    fee_services.negotiation_agree(actor=_acting(certificate.org.unit), negotiation=negotiation)
    created["assessment.negotiations"] += 1


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    """Create the missing sites and fees demo rows; returns what was created."""
    created: Counter[str] = Counter()
    certificates = {
        c.code: c
        for c in Certificate.objects.filter(code__in=CEILINGS).select_related("org", "org__unit")
    }
    if len(certificates) != len(CEILINGS):
        stdout("sites demo: skipped (demo certificates missing)")
        return {}
    provinces = _province_units()
    schools = {s.name: s for s in School.objects.select_related("province", "city", "unit")}
    _ceilings(certificates, created)
    _agreements(certificates, created)
    _filings(certificates, provinces, created)
    _plans_and_conditions(certificates, created)
    _sites(certificates, schools, provinces, created)
    _fees(certificates, provinces, created)
    _negotiation(certificates, schools, created)
    if created:
        stdout("sites demo: " + ", ".join(f"{k} {v}" for k, v in sorted(created.items())))
    return dict(created)
