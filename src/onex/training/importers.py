"""Bulk input of training: a school's teachers (the roster that enrolment in training
programmes, workload conversion (R06), performance pay (R31) and alliances (R07) name).

All or nothing (the import framework writes only a fully valid file). The ID number is
optional; when given it must be valid and not already on the school's roster.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core.actors import Actor
from onex.core.errors import DomainError, InvalidInput
from onex.core.imports import (
    CellError,
    Column,
    IdNumberParser,
    ImportRejected,
    ImportSpec,
    ParsedRow,
    RowError,
    TextParser,
    register_spec,
)
from onex.core.models import ImportJob, UnitKind
from onex.core.personal import IdType, id_hash_candidates, validate_id_number
from onex.pilots.selectors.schools import school_of
from onex.training.models import Teacher
from onex.training.services.staff import teacher_create


@register_spec
class TeacherSpec(ImportSpec):
    name = "training_teachers"
    title = gettext_lazy("本校教师名单")
    description = gettext_lazy(
        "每行一名本校教师，用于师资培训报名、工作量折算、绩效认定和联合体互聘。"
        "身份证号可不填；填写的须有效，且不得与本校已登记的教师重复。"
    )
    order = 82
    columns = (
        Column("name", gettext_lazy("姓名"), parse=TextParser(max_length=64), example="周敏"),
        Column(
            "department",
            gettext_lazy("所在院系"),
            parse=TextParser(max_length=100),
            required=False,
            default="",
            example="物流管理学院",
        ),
        Column(
            "id_number",
            gettext_lazy("身份证号"),
            parse=IdNumberParser(max_length=32),
            text=True,
            required=False,
            default="",
            example="110105198001010013",
            width=22,
        ),
    )

    def allowed(self, *, actor: Actor) -> bool:
        return actor.kind == UnitKind.SCHOOL and actor.can_write

    def prepare(self, *, actor: Actor) -> dict[str, Any]:
        school = school_of(actor)
        known: set[str] = set()
        if school is not None:
            known = set(
                Teacher.objects.filter(school=school)
                .exclude(id_number_hash="")
                .values_list("id_number_hash", flat=True)
            )
        return {"known": known, "seen": set()}

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        number = values.get("id_number") or ""
        if not number:
            return
        try:
            values["id_number"] = validate_id_number(IdType.RESIDENT, number)
        except InvalidInput as exc:
            raise CellError(str(exc.message), column="id_number") from None
        hashes = set(id_hash_candidates(IdType.RESIDENT, values["id_number"]))
        if hashes & context["known"]:
            raise CellError(_("该身份证号的教师已在本校名单中"), column="id_number")
        if hashes & context["seen"]:
            raise CellError(_("文件中该身份证号重复"), column="id_number")
        context["seen"].update(hashes)

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        created = 0
        for row in rows:
            v = row.values
            try:
                teacher_create(
                    actor=actor,
                    name=v["name"],
                    department=v.get("department") or "",
                    id_number=v.get("id_number") or "",
                )
            except DomainError as exc:
                raise ImportRejected([RowError(row.number, "", str(exc.message))]) from None
            created += 1
        return {"created": created}
