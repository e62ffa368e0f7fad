"""Demo data for feedback (R21, R22, R03): runs after the funding demo.

- Five anonymous overcharging complaints about the demo org form a concentrated issue; its
  rectification order is then moved into the past (the only direct write here), so it shows as
  overdue, the supervision side's proposal for disqualification.
- A complaint about a Guangdong school, answered by Guangdong; a brand-bundling complaint from
  the demo school, waiting for the Ministry.
- The demo school's self-evaluation and a third-party evaluation entered by Guangdong.
- Progress reports with typical cases from Guangdong, the demo school and the demo org: the
  case library (R03). Guangdong and the school report the current period on time, the org the
  previous one late; the others who owe the previous period are reminded and listed as missing.

Idempotent: each piece is looked up by its text first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from onex.catalog.models import Org
from onex.core.actors import Actor
from onex.core.models import Role, Unit, UnitKind
from onex.feedback.models import (
    Category,
    Evaluation,
    EvaluationKind,
    Feedback,
    IssueStatus,
    ProgressReport,
    RectificationOrder,
    SubjectKind,
)
from onex.feedback.selectors.progress import period_containing
from onex.feedback.services import feedback as services
from onex.feedback.services.progress import progress_reminders_send
from onex.pilots.models import School

ORG = "北京中物联物流采购培训中心"
SCHOOL = "广州番禺职业技术学院"
PROVINCE = "440000"
OVERCHARGING = (
    "考核时另收 200 元资料费，超出省里核定的收费标准",
    "培训评价组织要求学生额外缴纳补考服务费",
    "同一证书在本市的考核费用高于公布标准",
    "报名时被要求购买配套练习册，费用未公示",
    "考点加收场地费，学校转嫁给学生",
)
REPORTS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "province",
        "current",
        "全省 37 所院校参与试点，完成考核 4 期，考核通过率 82%。",
        "推进书证融通的“三对接”机制",
        "省教育厅组织专业对接证书标准、课程对接考核内容、实训对接考核站点，"
        "37 所院校完成人才培养方案修订。",
    ),
    (
        "school",
        "current",
        "物流管理专业 120 名学生完成证书培训，58 人通过初级考核。",
        "物流管理课程与证书标准融通",
        "将物流管理职业技能等级标准融入 6 门专业核心课程，课证共用实训项目 14 个。",
    ),
    (
        "org",
        "previous",
        "在广东开展 3 期考核，更新题库 1200 题，培训师资 96 人次。",
        "校企共建考核站点",
        "与 5 所院校共建考核站点，企业专家担任考评员，站点设备共享使用。",
    ),
)


def _user_actor(unit: Unit | None) -> Actor | None:
    if unit is None:
        return None
    user = unit.users.filter(role__in=(Role.ADMIN, Role.STAFF)).first()
    return Actor.for_user(user) if user else None


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    created: Counter[str] = Counter()
    org = Org.objects.select_related("unit").filter(name=ORG).first()
    school = School.objects.select_related("unit", "province").filter(name=SCHOOL).first()
    province_unit = Unit.objects.filter(kind=UnitKind.PROVINCE, province__code=PROVINCE).first()
    if org is None or school is None:
        return {}
    public = Actor.anonymous(ip="127.0.0.1")
    for text in OVERCHARGING:
        if not Feedback.objects.filter(text=text).exists():
            services.feedback_submit(
                actor=public,
                category=Category.OVERCHARGING,
                subject_kind=SubjectKind.ORG,
                org=org,
                province=school.province,
                text=text,
            )
            created["feedback"] += 1
    order = (
        RectificationOrder.objects.filter(org=org, category=Category.OVERCHARGING)
        .exclude(status=IssueStatus.CLOSED)
        .first()
    )
    if order is not None and order.deadline >= timezone.localdate():
        # Time passes: the order was opened 40 days ago and its deadline has gone by.
        today = timezone.localdate()
        RectificationOrder.objects.filter(pk=order.pk).update(
            opened_on=today - dt.timedelta(days=40), deadline=today - dt.timedelta(days=10)
        )
        created["rectification_orders"] += 1
    gd = _user_actor(province_unit)
    school_actor = _user_actor(school.unit)
    forced = "学校要求物流专业全体学生必须参加证书考试，否则不能毕业"
    if not Feedback.objects.filter(text=forced).exists():
        row = services.feedback_submit(
            actor=public,
            category=Category.FORCED,
            subject_kind=SubjectKind.SCHOOL,
            school=school,
            text=forced,
        ).feedback
        created["feedback"] += 1
        if gd is not None:
            services.feedback_answer(
                actor=gd,
                feedback=row,
                answer="经核实，学校已撤销该要求；证书不得作为毕业条件（R46）。",
            )
    brand = "组织要求学校采购指定品牌的仓储实训设备才能设立考核站点"
    if school_actor is not None and not Feedback.objects.filter(text=brand).exists():
        services.feedback_submit(
            actor=school_actor,
            category=Category.BRAND_BUNDLING,
            subject_kind=SubjectKind.ORG,
            org=org,
            text=brand,
        )
        created["feedback"] += 1
    if school_actor is not None and not Evaluation.objects.filter(subject=school.unit).exists():
        services.evaluation_file(
            actor=school_actor,
            kind=EvaluationKind.SELF,
            subject=school.unit,
            evaluator="",
            period="2026 年上半年",
            score=Decimal("88.50"),
            summary="完成试点任务，师资培训 12 人，考核通过率 86%；实训条件需进一步完善。",
        )
        created["evaluations"] += 1
        if gd is not None:
            services.evaluation_file(
                actor=gd,
                kind=EvaluationKind.THIRD_PARTY,
                subject=school.unit,
                evaluator="广东省教育研究院",
                period="2026 年上半年",
                score=Decimal("85.00"),
                summary="双师型教师比例达标，书证融通成效明显；建议扩大考核站点覆盖。",
            )
            created["evaluations"] += 1
    actors = {"province": gd, "school": school_actor, "org": _user_actor(org.unit)}
    current = period_containing(timezone.localdate())
    periods = {"current": current, "previous": current.previous()}
    for kind, which, progress, title, case in REPORTS:
        actor = actors[kind]
        if actor is None or ProgressReport.objects.filter(typical_case_title=title).exists():
            continue
        if ProgressReport.objects.filter(
            unit=actor.unit, period_start=periods[which].start
        ).exists():
            continue
        services.report_submit(
            actor=actor,
            period_start=periods[which].start,
            progress=progress,
            experience="建立周例会和月度通报制度。",
            typical_case_title=title,
            typical_case=case,
            problems="部分院校实训设备不足。",
            suggestions="建议加大省级专项资金对实训条件的支持。",
        )
        created["progress_reports"] += 1
    # The previous period's reminders: the units that have not reported it see them.
    reminded = progress_reminders_send(actor=Actor.system())
    if reminded:
        created["progress_reminders"] += reminded
    return dict(created)
