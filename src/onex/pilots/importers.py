"""Bulk input of schools with their specialties and yearly enrolment (spec "schools").

Layout chosen for clerks: one row per school × specialty × enrolment year. It is the shape
school statistics systems export, it needs no year-named columns (which break when a template
downloaded in December is filled in January), and it holds any number of years. A school
without specialties is one row with the specialty columns left empty.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.catalog.models import LEVEL_ORDER, Level
from onex.catalog.services.schools import require_eligible_school_type
from onex.core.actors import Actor
from onex.core.errors import DomainError, RuleViolation
from onex.core.imports import (
    CellError,
    ChoiceParser,
    Column,
    ImportRejected,
    ImportSpec,
    IntegerParser,
    ParsedRow,
    Parser,
    RowError,
    RowErrors,
    TextParser,
    job_file_bytes,
    register_spec,
    zh,
)
from onex.core.models import ImportJob, UnitKind
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School, SchoolType
from onex.pilots.selectors import conditions
from onex.pilots.services import schools as school_services
from onex.pilots.services import specialties as specialty_services
from onex.pilots.services import summary as summary_services
from onex.pilots.services.schools import ELIGIBLE_SCHOOL_TYPES


@dataclass
class _Context:
    cities_by_code: dict[str, Division]
    cities_by_name: dict[str, list[Division]]
    # code → province id of schools already registered (any province: codes are national)
    existing: dict[str, int]
    # first values seen in this file, to catch rows that contradict each other
    schools: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    specialties: dict[tuple[str, str], str] = field(default_factory=dict)


def can_import_schools(actor: Actor) -> bool:
    """National admins import anywhere; a province admin imports its own province's schools."""
    return actor.is_system or (
        actor.is_admin
        and actor.can_write
        and (actor.is_national or actor.kind == UnitKind.PROVINCE)
    )


@register_spec
class SchoolSpec(ImportSpec):
    name = "schools"
    title = gettext_lazy("试点院校及专业")
    description = gettext_lazy(
        "5. 每行填写一所学校的一个专业在一个年份的招生人数：同一专业近三年的招生分三行填写，"
        "学校信息在每行重复填写；只登记学校、暂不填专业时，专业和招生各列留空。"
        "已登记的学校按学校标识码更新名称、类型和城市，已有专业和年份的招生人数会被更新，"
        "文件中没有的专业和年份保持不变；重复导入同一内容不会产生重复数据。"
        "省级管理员只能导入本省学校；技工学校不在试点范围内（R25），会作为错误行列出。"
    )
    columns = (
        Column(
            "code",
            gettext_lazy("学校标识码"),
            parse=TextParser(pattern=r"\d{10}", help="10 位数字"),
            text=True,
            example="4144012345",
        ),
        Column(
            "name",
            gettext_lazy("学校名称"),
            parse=TextParser(max_length=200),
            example=gettext_lazy("广州番禺职业技术学院"),
            width=30,
        ),
        Column(
            "school_type",
            gettext_lazy("学校类型"),
            parse=ChoiceParser(SchoolType.choices),
            example=gettext_lazy("高等职业学校"),
            width=26,
        ),
        Column(
            "city",
            gettext_lazy("所在城市"),
            parse=TextParser(max_length=64),
            help=gettext_lazy("地级市名称（如 广州市）或 6 位行政区划代码（如 440100）"),
            example=gettext_lazy("广州市"),
        ),
        Column(
            "specialty_code",
            gettext_lazy("专业代码"),
            parse=TextParser(max_length=16),
            required=False,
            text=True,
            help=gettext_lazy("专业目录中的代码，如 530802"),
            example="530802",
        ),
        Column(
            "specialty_name",
            gettext_lazy("专业名称"),
            parse=TextParser(max_length=100),
            required=False,
            example=gettext_lazy("现代物流管理"),
            width=20,
        ),
        Column(
            "year",
            gettext_lazy("招生年份"),
            parse=IntegerParser(min_value=specialty_services.MIN_ENROLMENT_YEAR),
            required=False,
            help=gettext_lazy("四位年份，如 2023"),
            example="2023",
        ),
        Column(
            "students",
            gettext_lazy("招生人数"),
            parse=IntegerParser(min_value=0, max_value=specialty_services.MAX_STUDENTS),
            required=False,
            example="120",
        ),
    )
    unique_key = ("code", "specialty_code", "year")

    def allowed(self, *, actor: Actor) -> bool:
        return can_import_schools(actor)

    def prepare(self, *, actor: Actor) -> _Context:
        cities = Division.objects.filter(level=DivisionLevel.CITY).select_related("parent")
        by_name: dict[str, list[Division]] = defaultdict(list)
        for city in cities:
            by_name[city.name].append(city)
        return _Context(
            cities_by_code={c.code: c for c in cities},
            cities_by_name=dict(by_name),
            existing=dict(School.objects.values_list("code", "province_id")),
        )

    def _city(self, text: str, *, actor: Actor, context: _Context) -> Division:
        text = text.strip()
        city = context.cities_by_code.get(text)
        if city is not None:
            return city
        candidates = context.cities_by_name.get(text, [])
        if not actor.is_national and actor.province_id is not None:
            # A province clerk writes "朝阳市"; prefer the one in their province.
            own = [c for c in candidates if c.parent_id == actor.province_id]
            candidates = own or candidates
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise CellError(_("城市名称不唯一，请填写 6 位行政区划代码"), column="city")
        raise CellError(_("未找到该地级行政区，请填写城市全称或 6 位行政区划代码"), column="city")

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        assert isinstance(context, _Context)
        errors: list[CellError] = []
        try:
            require_eligible_school_type(values["school_type"])  # R25
        except RuleViolation as exc:
            errors.append(CellError(f"[{exc.rule}] {exc.message}", column="school_type"))
        city: Division | None = None
        try:
            city = self._city(values["city"], actor=actor, context=context)
        except CellError as exc:
            errors.append(exc)
        if city is not None:
            values["city"] = city
            if (
                not actor.is_national
                and not actor.is_system
                and city.parent_id != actor.province_id
            ):
                errors.append(
                    CellError(
                        _("%(city)s 不属于本省：省级管理员只能导入本省的学校。")
                        % {"city": f"{city.parent.name if city.parent else ''}{city.name}"},
                        column="city",
                    )
                )
            registered_in = context.existing.get(values["code"])
            if registered_in is not None and registered_in != city.parent_id:
                errors.append(
                    CellError(
                        _("该学校标识码已由其他省份登记，不能在本行所填省份导入。"),
                        column="code",
                    )
                )
            first = context.schools.setdefault(
                values["code"], (values["name"], values["school_type"], city.pk)
            )
            if first != (values["name"], values["school_type"], city.pk):
                errors.append(
                    CellError(
                        _("同一学校标识码在文件中的学校名称、类型或城市不一致。"), column="code"
                    )
                )
        errors.extend(self._specialty_errors(values, context))
        if errors:
            raise RowErrors(errors)

    def _specialty_errors(self, values: dict[str, Any], context: _Context) -> list[CellError]:
        keys = ("specialty_code", "specialty_name", "year", "students")
        if all(values[k] in (None, "") for k in keys):
            return []
        errors = [
            CellError(_("填写专业或招生信息时，本列必填"), column=k)
            for k in keys
            if values[k] in (None, "")
        ]
        code = str(values["specialty_code"] or "").strip().upper()
        values["specialty_code"] = code
        if code and not specialty_services.SPECIALTY_CODE_RE.match(code):
            errors.append(
                CellError(
                    _("专业代码格式不正确，应为专业目录中的代码，如 530802"),
                    column="specialty_code",
                )
            )
        year = values["year"]
        this_year = timezone.localdate().year
        if year is not None and year > this_year:
            errors.append(
                CellError(
                    _("招生年份不能晚于今年（%(year)s 年）") % {"year": this_year}, column="year"
                )
            )
        if code and values["specialty_name"]:
            name = context.specialties.setdefault((values["code"], code), values["specialty_name"])
            if name != values["specialty_name"]:
                errors.append(
                    CellError(
                        _("同一专业代码在文件中对应了不同的专业名称（%(name)s）。")
                        % {"name": name},
                        column="specialty_name",
                    )
                )
        return errors

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        by_school: dict[str, list[ParsedRow]] = defaultdict(list)
        for row in rows:
            by_school[row.values["code"]].append(row)
        existing = {
            s.code: s
            for s in School.objects.filter(code__in=by_school).select_related("province", "city")
        }
        counts = {
            "schools_created": 0,
            "schools_updated": 0,
            "specialties_changed": 0,
            "unchanged": 0,
        }
        for code, school_rows in by_school.items():
            first = school_rows[0]
            values = first.values
            try:
                school = existing.get(code)
                if school is None:
                    school = school_services.school_register(
                        actor=actor,
                        name=values["name"],
                        code=code,
                        school_type=values["school_type"],
                        city=values["city"],
                    )
                    counts["schools_created"] += 1
                elif school_services.school_update(
                    actor=actor,
                    school=school,
                    name=values["name"],
                    school_type=values["school_type"],
                    city=values["city"],
                ):
                    counts["schools_updated"] += 1
                else:
                    counts["unchanged"] += 1
            except DomainError as exc:
                raise ImportRejected([_row_error(self, first, exc)]) from exc
            specialties: dict[str, tuple[str, dict[int, int], ParsedRow]] = {}
            for row in school_rows:
                spec_code = row.values["specialty_code"]
                if not spec_code:
                    continue
                name, years, _first = specialties.setdefault(
                    spec_code, (row.values["specialty_name"], {}, row)
                )
                years[row.values["year"]] = row.values["students"]
            for spec_code, (name, years, spec_row) in specialties.items():
                try:
                    _specialty, changed = specialty_services.specialty_set(
                        actor=actor, school=school, code=spec_code, name=name, enrolments=years
                    )
                except DomainError as exc:
                    raise ImportRejected([_row_error(self, spec_row, exc)]) from exc
                counts["specialties_changed" if changed else "unchanged"] += 1
        return counts


def _row_error(spec: ImportSpec, row: ParsedRow, exc: DomainError) -> RowError:
    header = ""
    if exc.field:
        try:
            header = zh(spec.column(exc.field).header)
        except KeyError:
            header = ""
    prefix = f"[{exc.rule}] " if exc.rule else ""
    return RowError(row.number, header, f"{prefix}{exc.message}")


# Pilot application specs live in their own module (owned separately); importing registers them.


# --- application importers ------------------------------------------------------------

_LEVEL_SPLIT = re.compile(r"[、,，;；/\s]+")


class LevelsParser(Parser):
    """初级、中级、高级 in any order and separator; returned in 初级→高级 order with 、."""

    help = gettext_lazy("等级名称，多个用顿号分隔，如 初级、中级")

    def __call__(self, value: Any) -> str:
        by_label = {zh(label): level for level, label in Level.choices}
        chosen = set()
        for part in _LEVEL_SPLIT.split(str(value).strip()):
            if not part:
                continue
            if part not in by_label:
                raise CellError(_("未知的等级：%(l)s，应为 初级、中级、高级") % {"l": part})
            chosen.add(by_label[part])
        if not chosen:
            raise CellError(_("请填写等级"))
        return conditions.levels_label(lv for lv in LEVEL_ORDER if lv in chosen)


class PercentParser(Parser):
    """45.45% (text) or 0.4545 (a number cell, as Excel stores a percentage)."""

    help = gettext_lazy("百分比，如 52.5%，最多两位小数")

    def __call__(self, value: Any) -> Decimal:
        text = str(value).strip().replace("％", "%")
        try:
            number = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
        except InvalidOperation:
            raise CellError(_("应为百分比，如 52.5%")) from None
        if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
            raise CellError(_("应在 0% 到 100% 之间"))
        exact = number.quantize(conditions.RATIO_PLACES)
        if exact != number:
            raise CellError(_("百分比最多两位小数"))
        return exact


def _type_choices() -> list[tuple[str, Any]]:
    return [(value, label) for value, label in SchoolType.choices if value in ELIGIBLE_SCHOOL_TYPES]


@register_spec
class PilotSummarySpec(ImportSpec):
    name = "pilot_summary"
    title = gettext_lazy("试点院校情况汇总表")
    description = gettext_lazy(
        "汇总机构导入省级报送的汇总表：每个省份生成一份新的报送记录，全国汇总表取各省最新一份。"
    )
    columns = (
        Column("province", gettext_lazy("省份"), parse=TextParser(max_length=64), example="广东省"),
        Column("school_name", gettext_lazy("学校"), parse=TextParser(max_length=200)),
        Column(
            "school_code",
            gettext_lazy("学校标识码"),
            parse=TextParser(pattern=r"\d{10}", help="10 位数字"),
            text=True,
            example="4144012345",
        ),
        Column("school_type", gettext_lazy("学校类型"), parse=ChoiceParser(_type_choices())),
        Column("certificate_name", gettext_lazy("证书"), parse=TextParser(max_length=200)),
        Column("levels", gettext_lazy("等级"), parse=LevelsParser(), example="初级、中级"),
        Column("specialty_name", gettext_lazy("专业"), parse=TextParser(max_length=100)),
        Column(
            "full_time_teachers",
            gettext_lazy("专任教师数"),
            parse=IntegerParser(min_value=0, max_value=100000),
        ),
        Column(
            "dual_qualified_ratio",
            gettext_lazy("双师型教师比例"),
            parse=PercentParser(),
            example="52.5%",
            text=True,
        ),
        Column(
            "industry_expert_ratio",
            gettext_lazy("行业专家比例"),
            parse=PercentParser(),
            example="20%",
            text=True,
        ),
        Column(
            "planned_students",
            gettext_lazy("计划学生数"),
            parse=IntegerParser(min_value=0, max_value=100000),
        ),
        Column(
            "contact_name",
            gettext_lazy("联系人"),
            parse=TextParser(max_length=64),
            required=False,
            default="",
        ),
        Column(
            "contact_phone",
            gettext_lazy("电话"),
            parse=TextParser(max_length=32),
            required=False,
            default="",
            text=True,
        ),
    )
    unique_key = ("school_code", "certificate_name", "specialty_name")
    max_rows = 20000

    def allowed(self, *, actor: Actor) -> bool:
        # The national aggregator collects provinces' tables (R27); provinces submit theirs
        # from their confirmed applications instead.
        return actor.is_national and actor.can_write

    def prepare(self, *, actor: Actor) -> dict[str, Division]:
        return {d.name: d for d in Division.objects.filter(level=DivisionLevel.PROVINCE)}

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        if values["province"] not in context:
            raise CellError(_("未知的省份名称，请填写省级行政区全称"), column="province")

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        provinces = self.prepare(actor=actor)
        labels = dict(SchoolType.choices)
        parsed = [
            {
                **row.values,
                "province": provinces[row.values["province"]],
                "school_type": zh(labels[row.values["school_type"]]),
            }
            for row in rows
        ]
        created = summary_services.summary_import(
            actor=actor, rows=parsed, snapshot=job_file_bytes(job)
        )
        return {"submissions": len(created), "provinces": [s.province.name for s in created]}
