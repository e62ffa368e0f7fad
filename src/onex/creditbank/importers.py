"""Bulk input of the credit bank: a school's course outcomes of its students (R37).

All or nothing (the import framework writes only a fully valid file); each row must name a
student of the importing school by name and ID number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.assessment.models import Candidate
from onex.core.actors import Actor
from onex.core.errors import DomainError, InvalidInput
from onex.core.imports import (
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
)
from onex.core.models import ImportJob, UnitKind
from onex.core.personal import IdType, id_hash_candidates, validate_id_number
from onex.creditbank.services.accounts import CREDITS_MAX, course_outcome_record
from onex.pilots.selectors.schools import school_of


@register_spec
class CourseOutcomeSpec(ImportSpec):
    name = "creditbank_courses"
    title = gettext_lazy("课程学习成果")
    description = gettext_lazy(
        "每行一门课程成果。证件号码须为本校学生；同一学生同一学期的同一课程只记录一次。"
        "成果记入学生的个人学习账户（学分银行）。"
    )
    order = 60
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
            example="110105200501010012",
            width=22,
        ),
        Column(
            "course", gettext_lazy("课程名称"), parse=TextParser(max_length=100), example="物流基础"
        ),
        Column(
            "credits",
            gettext_lazy("学分"),
            parse=DecimalParser(places=1, min_value=Decimal("0.1")),
            example="3",
        ),
        Column(
            "score",
            gettext_lazy("成绩"),
            parse=DecimalParser(places=1, min_value=Decimal("0")),
            required=False,
            default=None,
            example="86",
        ),
        Column(
            "term", gettext_lazy("学期"), parse=TextParser(max_length=32), example="2024-2025-1"
        ),
    )
    unique_key = ("id_number", "course", "term")

    def allowed(self, *, actor: Actor) -> bool:
        return actor.kind == UnitKind.SCHOOL and actor.can_write

    def prepare(self, *, actor: Actor) -> dict[str, Any]:
        school = school_of(actor)
        names: dict[str, str] = {}
        if school is not None:
            for hash_, name in Candidate.objects.filter(school=school).values_list(
                "id_number_hash", "name"
            ):
                names[hash_] = name
        return {"school": school, "students": names}

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        try:
            values["id_number"] = validate_id_number(values["id_type"], values["id_number"])
        except InvalidInput as exc:
            raise CellError(str(exc.message), column="id_number") from None
        errors: list[CellError] = []
        hashes = id_hash_candidates(values["id_type"], values["id_number"])
        name = next((context["students"][h] for h in hashes if h in context["students"]), None)
        if name is None:
            errors.append(CellError(_("该证件号码不是本校学生"), column="id_number"))
        elif name != values["name"]:
            errors.append(CellError(_("姓名与本校学生名单不一致"), column="name"))
        if values["credits"] > CREDITS_MAX:
            errors.append(CellError(_("学分不能超过 30"), column="credits"))
        score = values.get("score")
        if score is not None and score > Decimal("100"):
            errors.append(CellError(_("成绩应在 0 到 100 之间"), column="score"))
        if errors:
            raise RowErrors(errors)

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        school = school_of(actor)
        if school is None:
            raise ImportRejected([RowError(None, "", _("只有试点院校可以导入课程成果。"))])
        created = 0
        for row in rows:
            v = row.values
            try:
                course_outcome_record(
                    actor=actor,
                    school=school,
                    name=v["name"],
                    id_type=v["id_type"],
                    id_number=v["id_number"],
                    course=v["course"],
                    credits=v["credits"],
                    score=v.get("score"),
                    term=v["term"],
                    import_job=job.pk,
                )
            except DomainError as exc:
                raise ImportRejected([RowError(row.number, "", str(exc.message))]) from None
            created += 1
        return {"created": created}
