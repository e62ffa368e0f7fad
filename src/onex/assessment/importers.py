"""Bulk inputs of the exams part: a school's students, an org's exam results.

Both are upserts: a row that matches what is stored changes nothing, so re-importing a file (or
an edited copy of it) is idempotent. ID numbers are never echoed in row errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.assessment.models import ExamPlan, PlanStatus, RegistrationStatus
from onex.assessment.selectors import exams as exam_selectors
from onex.assessment.services import results as result_services
from onex.assessment.services import students as student_services
from onex.core.actors import Actor
from onex.core.errors import DomainError, InvalidInput
from onex.core.imports import (
    BooleanParser,
    CellError,
    ChoiceParser,
    Column,
    DecimalParser,
    IdNumberParser,
    ImportRejected,
    ImportSpec,
    ParsedRow,
    RowError,
    RowErrors,
    TextParser,
    register_spec,
    upsert_summary,
)
from onex.core.models import ImportJob, UnitKind
from onex.core.personal import Gender, IdHashMatcher, IdType, validate_id_number
from onex.pilots.models import School, Specialty
from onex.pilots.selectors.schools import school_of


def _id_error(exc: InvalidInput, column: str = "id_number") -> CellError:
    # validate_id_number's messages never contain the number itself.
    return CellError(str(exc.message), column=column)


@register_spec
class StudentSpec(ImportSpec):
    """A school's pilot students; a known ID number within the school updates the student."""

    name = "students"
    title = gettext_lazy("学生名单")
    description = gettext_lazy(
        "每行一名学生。证件号码在本校已存在时更新该学生信息；专业填写本校专业名称或专业代码。"
    )
    columns = (
        Column("name", gettext_lazy("姓名"), parse=TextParser(max_length=64), example="李明"),
        Column(
            "id_type",
            gettext_lazy("证件类型"),
            parse=ChoiceParser(IdType.choices),
            example=gettext_lazy("居民身份证"),
        ),
        Column(
            "id_number",
            gettext_lazy("证件号码"),
            parse=IdNumberParser(max_length=32),
            text=True,
            example="110105200501010012",  # a valid check digit: the sample passes its own check
            width=22,
        ),
        Column(
            "gender",
            gettext_lazy("性别"),
            parse=ChoiceParser(Gender.choices),
            example=gettext_lazy("男"),
        ),
        Column(
            "specialty", gettext_lazy("专业"), parse=TextParser(max_length=100), example="物流管理"
        ),
        Column("grade", gettext_lazy("年级"), parse=TextParser(max_length=16), example="2025级"),
        Column(
            "poor_household",
            gettext_lazy("是否建档立卡"),
            parse=BooleanParser(),
            required=False,
            default=False,
            example="否",
        ),
        Column(
            "phone",
            gettext_lazy("联系电话"),
            parse=TextParser(max_length=32),
            required=False,
            default="",
            text=True,
        ),
    )
    unique_key = ("id_number",)
    max_rows = 20_000

    def allowed(self, *, actor: Actor) -> bool:
        return actor.kind == UnitKind.SCHOOL and actor.can_write

    def prepare(self, *, actor: Actor) -> dict[str, Any]:
        school = school_of(actor)
        specialties: dict[str, Specialty] = {}
        if school is not None:
            for specialty in Specialty.objects.filter(school=school):
                specialties[specialty.name] = specialty
                specialties[specialty.code] = specialty
        return {"school": school, "specialties": specialties}

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        errors: list[CellError] = []
        try:
            values["id_number"] = validate_id_number(values["id_type"], values["id_number"])
        except InvalidInput as exc:
            raise _id_error(exc) from None
        try:
            student_services.check_gender(
                id_type=values["id_type"], id_number=values["id_number"], gender=values["gender"]
            )
        except InvalidInput as exc:
            errors.append(CellError(str(exc.message), column="gender"))
        specialty = context["specialties"].get(values["specialty"])
        if specialty is None:
            errors.append(
                CellError(
                    _("本校没有名称或代码为“%(s)s”的专业") % {"s": values["specialty"]},
                    column="specialty",
                )
            )
        else:
            values["specialty"] = specialty
        if errors:
            raise RowErrors(errors)

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        school: School | None = school_of(actor)
        if school is None:
            raise ImportRejected([RowError(None, "", _("只有试点院校可以导入学生名单。"))])
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for row in rows:
            v = row.values
            try:
                _student, outcome = student_services.student_upsert(
                    actor=actor,
                    school=school,
                    name=v["name"],
                    id_type=v["id_type"],
                    id_number=v["id_number"],
                    gender=v["gender"],
                    specialty=v["specialty"],
                    grade=v["grade"],
                    poor_household=bool(v["poor_household"]),
                    phone=v["phone"] or "",
                    import_job=job.pk,
                )
            except DomainError as exc:
                raise ImportRejected([RowError(row.number, "", str(exc.message))]) from None
            counts[outcome] += 1
        return upsert_summary(counts["created"], counts["updated"], counts["unchanged"])


class ScoreParser(DecimalParser):
    """A score of 0–100 with at most two decimals."""

    def __call__(self, value: Any) -> Decimal:
        score = super().__call__(value)
        if score > exam_selectors.SCORE_MAX:
            raise CellError(_("成绩应在 0 到 100 之间"))
        return score

    def describe(self) -> str:
        return _("0 到 100 的数字，最多 2 位小数")


_SCORE = ScoreParser(places=2, min_value=Decimal(0))


@register_spec
class ExamResultSpec(ImportSpec):
    """An org's exam results of plans in score registration (成绩登记中)."""

    name = "exam_results"
    title = gettext_lazy("考试成绩")
    # A national exam round's file: the bound follows from the worker's memory (P2 in bench/
    # measures the peak at this size), not from speed.
    max_rows = 100_000
    description = gettext_lazy(
        "每行一名考生。准考证号、姓名、证件号码须与报名信息一致；仅可导入本组织处于"
        "“成绩登记中”的考核计划的成绩；是否合格按考核计划的合格标准自动判定。"
    )
    columns = (
        Column(
            "ticket",
            gettext_lazy("准考证号"),
            parse=TextParser(max_length=40),
            text=True,
            example="20204C20110000001",
            width=22,
        ),
        Column("name", gettext_lazy("姓名"), parse=TextParser(max_length=64), example="李明"),
        Column(
            "id_number",
            gettext_lazy("证件号码"),
            parse=IdNumberParser(max_length=32),
            text=True,
            example="110105200501010012",  # a valid check digit: the sample passes its own check
            width=22,
        ),
        Column("theory", gettext_lazy("理论成绩"), parse=_SCORE, example="78.5"),
        Column("practical", gettext_lazy("实操成绩"), parse=_SCORE, example="82"),
    )
    unique_key = ("ticket",)

    def allowed(self, *, actor: Actor) -> bool:
        return actor.kind == UnitKind.ORG and actor.can_write

    def prepare(self, *, actor: Actor) -> _ResultContext:
        # Filled batch by batch (prefetch): an org may hold millions of registrations.
        return _ResultContext(registrations={}, ids=IdHashMatcher())

    def prefetch(
        self, batch: list[dict[str, Any]], *, actor: Actor, context: _ResultContext
    ) -> None:
        known = context.registrations
        tickets = {values["ticket"].upper() for values in batch} - known.keys()
        known.update(dict.fromkeys(tickets))
        rows = (
            exam_selectors.registration_scope(actor=actor)
            .filter(plan__org__unit=actor.unit_id, ticket_number__in=tickets)
            .order_by()
            .values_list(*_REGISTRATION_COLUMNS)
        )
        for row in rows:
            known[row[1]] = row

    def validate_row(
        self, values: dict[str, Any], *, actor: Actor, context: _ResultContext
    ) -> None:
        ticket = values["ticket"].upper()
        registration = context.registrations.get(ticket)
        if registration is None:
            raise CellError(_("准考证号不存在，或不属于本组织的考核计划"), column="ticket")
        pk, _ticket, status, plan_id, plan_status, name, id_type, id_hash = registration
        if plan_status != PlanStatus.SCORE_REGISTRATION:
            raise CellError(
                _("该考核计划当前状态为“%(s)s”，只有“成绩登记中”的计划可以导入成绩")
                % {"s": PlanStatus(plan_status).label},
                column="ticket",
            )
        if status != RegistrationStatus.REGISTERED:
            raise CellError(_("该考生已撤销报名"), column="ticket")
        errors: list[CellError] = []
        if name != values["name"]:
            errors.append(CellError(_("姓名与报名信息不一致"), column="name"))
        if not context.ids.matches(id_type, values["id_number"], id_hash):
            errors.append(CellError(_("证件号码与报名信息不一致"), column="id_number"))
        if errors:
            raise RowErrors(errors)
        values["registration"] = pk
        values["plan"] = plan_id
        # Kept until the write: only what apply needs. The clear ID number and the lookup row
        # go now (a 100,000-row file must stay within the worker's memory bound; P2 in bench/).
        del values["id_number"], values["name"]
        del context.registrations[ticket]

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        plan_ids = {row.values["plan"] for row in rows}
        # Lock the plans, then re-check their state: a plan may have moved on since validation.
        plans = {
            p.pk: p
            for p in ExamPlan.objects.select_for_update(of=("self",)).filter(pk__in=plan_ids)
        }
        stale = [
            RowError(row.number, zh_header(self, "ticket"), _("该考核计划已不在“成绩登记中”状态"))
            for row in rows
            if plans[row.values["plan"]].status != PlanStatus.SCORE_REGISTRATION
        ]
        if stale:
            raise ImportRejected(stale)
        try:
            counts = result_services.results_record_many(
                actor=actor,
                scores={
                    row.values["registration"]: (row.values["theory"], row.values["practical"])
                    for row in rows
                },
                import_job=job.pk,
            )
        except DomainError as exc:
            raise ImportRejected([RowError(None, "", str(exc.message))]) from None
        return {
            **upsert_summary(counts["created"], counts["updated"], counts["unchanged"]),
            "plans": sorted(plan_ids),
        }


@dataclass
class _ResultContext:
    # ticket → its registration row (None: looked up, not found), dropped once its row is valid
    registrations: dict[str, tuple[Any, ...] | None]
    ids: IdHashMatcher


# What validating a result row needs of its registration, as a values_list() row (not instances:
# 100,000 of them with their candidate and plan would not fit the import's memory bound). The
# order is the one validate_row unpacks.
_REGISTRATION_COLUMNS = (
    "pk",
    "ticket_number",
    "status",
    "plan_id",
    "plan__status",
    "candidate__name",
    "candidate__id_type",
    "candidate__id_number_hash",
)


def zh_header(spec: ImportSpec, key: str) -> str:
    return spec.column(key).header_zh
