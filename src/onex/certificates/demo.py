"""Demo certificates: the demo learner's, one revoked, one suspended, one entered late (R15).

Idempotent: a certificate is looked up by holder, certificate and level before it is entered,
and a status change is made only when the certificate still has its initial status. Runs after
the assessment demo, which signs the orgs' agreements and accepts their Guangdong filings
(R18, R38); without them nothing is created and the reason is logged. Closed demo exam plans,
when the assessment demo has any, get their passed candidates' certificates too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.cn import ric

from onex.assessment.models import ExamPlan, PlanStatus
from onex.assessment.selectors.exams import passed_candidates
from onex.catalog.models import Certificate, Level
from onex.certificates.models import CertificateStatus, IssuedCertificate
from onex.certificates.services.issue import certificate_enter, certificate_issue
from onex.certificates.services.status import certificate_revoke, certificate_suspend
from onex.core.actors import Actor
from onex.core.errors import DomainError
from onex.core.models import Role, Unit, UnitKind
from onex.geo.models import Division
from onex.pilots.models import School

CERTIFICATE_CODE = "1-03"  # 物流管理, 北京中物联物流采购培训中心 (the demo org)
PROVINCE = "440000"
SCHOOL = "广州番禺职业技术学院"
DEMO_LEARNER = "李明（演示学习者）"


@dataclass(frozen=True)
class DemoHolder:
    name: str
    id_body: str  # 17 digits; the check digit is computed
    level: str
    issued_on: dt.date
    entered_on: dt.date
    learner: bool = False
    status: str = CertificateStatus.VALID
    reason: str = ""

    @property
    def id_number(self) -> str:
        return self.id_body + ric.calc_check_digit(self.id_body + "0")


HOLDERS = (
    DemoHolder("李明", "44011320000312001", Level.JUNIOR, dt.date(2020, 6, 1),
               dt.date(2020, 6, 3), learner=True),
    DemoHolder("李明", "44011320000312001", Level.INTERMEDIATE, dt.date(2021, 6, 28),
               dt.date(2021, 7, 2), learner=True),
    DemoHolder("陈静", "44010619991105002", Level.JUNIOR, dt.date(2020, 6, 1),
               dt.date(2020, 6, 3), status=CertificateStatus.REVOKED,
               reason="考核过程存在替考行为，经核查撤销证书。"),
    DemoHolder("张伟", "44010419990808003", Level.JUNIOR, dt.date(2020, 6, 1),
               dt.date(2020, 6, 4), status=CertificateStatus.SUSPENDED,
               reason="成绩复核中，暂停证书效力。"),
    # Issued the day before the 2019 National Day holiday, entered on the 8th working day.
    DemoHolder("刘洋", "44010320000101004", Level.JUNIOR, dt.date(2019, 9, 30),
               dt.date(2019, 10, 16)),
)  # fmt: skip


def _org_actor(unit: Unit) -> Actor:
    return Actor(user=None, unit=unit, role=Role.ADMIN)


def _issue_closed_plans(created: Counter[str], log: Callable[[str], None]) -> None:
    for plan in ExamPlan.objects.filter(status=PlanStatus.CLOSED).select_related("org"):
        for registration in passed_candidates(plan=plan).filter(issued_certificate__isnull=True):
            try:
                certificate_issue(
                    actor=Actor.system(),
                    registration=registration,
                    issued_on=plan.publicity_ends_on or plan.exam_date,
                )
            except DomainError as exc:
                log(f"certificates demo: plan {plan.pk}: {exc.message}")
                break
            created["certificates.issued_from_plans"] += 1


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    created: Counter[str] = Counter()
    certificate = (
        Certificate.objects.select_related("org", "org__unit").filter(code=CERTIFICATE_CODE).first()
    )
    province = Division.objects.filter(code=PROVINCE).first()
    if certificate is None or province is None:
        stdout("certificates demo: catalogue or divisions missing; skipped")
        return dict(created)
    levels = set(certificate.levels.values_list("level", flat=True))
    org = _org_actor(certificate.org.unit)
    school = School.objects.filter(name=SCHOOL).first()
    learner = Unit.objects.filter(kind=UnitKind.LEARNER, name=DEMO_LEARNER).first()
    for holder in HOLDERS:
        if holder.level not in levels:
            continue
        existing = IssuedCertificate.objects.filter(
            certificate=certificate, level=holder.level, holder_name=holder.name
        ).first()
        if existing is None:
            try:
                existing = certificate_enter(
                    actor=org,
                    certificate=certificate,
                    level=holder.level,
                    province=province,
                    holder_name=holder.name,
                    id_type="resident",
                    id_number=holder.id_number,
                    issued_on=holder.issued_on,
                    entered_on=holder.entered_on,
                    holder_unit=learner if holder.learner else None,
                    school=school,
                )
            except DomainError as exc:
                stdout(f"certificates demo: not entered ({exc.rule or exc.code}): {exc.message}")
                return dict(created)
            created["certificates.issued"] += 1
        if existing.status == CertificateStatus.VALID and holder.status != existing.status:
            change = (
                certificate_revoke
                if holder.status == CertificateStatus.REVOKED
                else certificate_suspend
            )
            change(actor=org, certificate=existing, reason=holder.reason)
            created[f"certificates.{holder.status}"] += 1
    _issue_closed_plans(created, stdout)
    return dict(created)
