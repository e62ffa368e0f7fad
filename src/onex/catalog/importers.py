"""Bulk input of the Ministry's certificate list of a batch (spec "catalog_batch", issue 3).

One row per certificate, in the shape of the Ministry's published notice (批次, 证书代码, 证书名称,
培训评价组织 …) plus the per-level cost ceilings (R13 data). The import creates or updates the
batch, registers an org not yet known (with its unit, through ``org_create``), creates or updates
the certificate and sets the ceilings given; every write goes through the catalogue services, so
each one is checked and audited exactly as when entered by hand. Re-importing the same content
changes nothing and records nothing but the import itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.catalog.models import Batch, Certificate, CertificateLevel, Level, Org, OrgType
from onex.catalog.services.batches import batch_create, batch_update
from onex.catalog.services.certificates import (
    certificate_create,
    certificate_level_set,
    certificate_update,
)
from onex.catalog.services.orgs import org_create
from onex.core.actors import Actor
from onex.core.errors import DomainError, InvalidInput
from onex.core.imports import (
    CellError,
    ChoiceParser,
    Column,
    DateParser,
    DecimalParser,
    ImportRejected,
    ImportSpec,
    IntegerParser,
    ParsedRow,
    Parser,
    RowError,
    RowErrors,
    TextParser,
    register_spec,
    zh,
)
from onex.core.models import ImportJob, UnitKind
from onex.core.personal import validate_credit_code

SPEC_NAME = "catalog_batch"

# The level of each ceiling column, in 初级 → 高级 order.
CEILING_COLUMNS: tuple[tuple[str, str], ...] = (
    (Level.JUNIOR, "ceiling_junior"),
    (Level.INTERMEDIATE, "ceiling_intermediate"),
    (Level.SENIOR, "ceiling_senior"),
)

# GB 32100: the first two characters of a unified social credit code name the registration
# authority and the kind of body; enough to type an org the Ministry's list does not type.
_ORG_TYPE_BY_CREDIT_PREFIX: dict[str, str] = {
    "91": OrgType.ENTERPRISE,  # market regulation: enterprise
    "92": OrgType.ENTERPRISE,  # individual business
    "93": OrgType.ENTERPRISE,  # farmers' cooperative
    "12": OrgType.PUBLIC_INSTITUTION,  # establishment authority: public institution
    "51": OrgType.ASSOCIATION,  # civil affairs: social organization (industry association)
    "52": OrgType.PRIVATE_NONPROFIT,  # civil affairs: private non-enterprise unit
}

_SPECIALTY_SEPARATORS = re.compile(r"[、；;\r\n]+")


def org_type_from_credit_code(code: str) -> str | None:
    """The org type implied by a (valid) credit code, or None when the code does not tell."""
    return _ORG_TYPE_BY_CREDIT_PREFIX.get(code[:2])


def can_import_catalog(actor: Actor) -> bool:
    """The Ministry publishes the catalogue: its admins and staff (not viewers, not provinces)."""
    return actor.is_system or (actor.kind == UnitKind.MINISTRY and actor.can_write)


class CreditCodeParser(Parser):
    """A unified social credit code, validated (length, characters, check digit)."""

    help = gettext_lazy("18 位统一社会信用代码（校验位会被核对）")

    def __call__(self, value: Any) -> str:
        try:
            return validate_credit_code(str(value))
        except InvalidInput as exc:
            raise CellError(exc.message) from None


class SpecialtiesParser(Parser):
    """Several specialty names in one cell, separated by 、 or ；; duplicates dropped."""

    help = gettext_lazy("一个或多个专业名称，用“、”或“；”分隔，如 物流管理、现代物流管理")

    def __init__(self, *, max_length: int = 100) -> None:
        self.max_length = max_length

    def __call__(self, value: Any) -> tuple[str, ...]:
        names: list[str] = []
        for part in _SPECIALTY_SEPARATORS.split(str(value)):
            name = part.strip()
            if not name or name in names:
                continue
            if len(name) > self.max_length:
                raise CellError(
                    _("专业名称“%(name)s”超过 %(n)d 个字符")
                    % {"name": name[:20], "n": self.max_length}
                )
            names.append(name)
        return tuple(names)


@dataclass
class _Context:
    batches: dict[int, Any]  # number → published_on of batches already in the catalogue
    org_names: dict[str, str]  # credit code → name of orgs already registered
    org_codes: dict[str, str]  # name → credit code of orgs already registered
    certificates: dict[str, tuple[int, str]]  # code → (batch number, org credit code)
    # First values seen in this file, to catch rows that contradict each other.
    file_batches: dict[int, Any] = field(default_factory=dict)
    file_org_names: dict[str, str] = field(default_factory=dict)
    file_org_codes: dict[str, str] = field(default_factory=dict)


def _certificate_conflicts(
    values: dict[str, Any], *, batch_number: int, org_code: str
) -> list[CellError]:
    """An existing certificate moves neither to another batch nor to another org (R24)."""
    errors: list[CellError] = []
    if batch_number != values["batch"]:
        errors.append(
            CellError(
                "[R24] "
                + _("证书代码 %(code)s 已属于第%(n)s批，不能归入其他批次。")
                % {"code": values["code"], "n": batch_number},
                column="code",
            )
        )
    if org_code != values["credit_code"]:
        errors.append(
            CellError(
                _("证书代码 %(code)s 已登记在其他培训评价组织名下，不能通过导入更换组织。")
                % {"code": values["code"]},
                column="credit_code",
            )
        )
    return errors


@register_spec
class CatalogBatchSpec(ImportSpec):
    name = SPEC_NAME
    title = gettext_lazy("证书目录（批次）")
    description = gettext_lazy(
        "5. 每行一个证书，按教育部公布的批次名单填写；同一批次各行的公布日期应一致。"
        "已有的批次、组织和证书按批次号、统一社会信用代码和证书代码匹配：证书名称会被更新，"
        "领域、对应专业、排序和成本上限只在填写时更新，留空的保持不变；"
        "重复导入同一内容不会产生任何修改。"
        "尚未登记的培训评价组织会被登记（需管理员导入），组织类型留空时按统一社会信用代码推断。"
    )
    columns = (
        Column(
            "batch",
            gettext_lazy("批次"),
            parse=IntegerParser(min_value=1, max_value=32767),
            help=gettext_lazy("批次号，正整数，如 2"),
            example="2",
        ),
        Column("published_on", gettext_lazy("公布日期"), parse=DateParser(), example="2019-09-11"),
        Column(
            "code",
            gettext_lazy("证书代码"),
            parse=TextParser(max_length=32),
            text=True,
            example="C2-01",
        ),
        Column(
            "name",
            gettext_lazy("证书名称"),
            parse=TextParser(max_length=200),
            example=gettext_lazy("物流管理"),
            width=24,
        ),
        Column(
            "org_name",
            gettext_lazy("培训评价组织"),
            parse=TextParser(max_length=200),
            example=gettext_lazy("北京中物联物流采购培训中心"),
            width=30,
        ),
        Column(
            "credit_code",
            gettext_lazy("统一社会信用代码"),
            parse=CreditCodeParser(),
            text=True,
            example="91110000MA0000000H",
            width=22,
        ),
        Column(
            "field",
            gettext_lazy("领域"),
            parse=TextParser(max_length=64),
            required=False,
            default="",
            example=gettext_lazy("物流"),
        ),
        Column(
            "specialties",
            gettext_lazy("对应专业"),
            parse=SpecialtiesParser(),
            required=False,
            default=(),
            example=gettext_lazy("物流管理、现代物流管理"),
            width=30,
        ),
        *(
            Column(
                key,
                header,
                parse=DecimalParser(places=2, min_value=Decimal(0)),
                required=False,
                help=gettext_lazy("元，不小于 0，最多 2 位小数；未公布的留空"),
                example=example,
            )
            for key, header, example in (
                ("ceiling_junior", gettext_lazy("初级成本上限（元）"), "300"),
                ("ceiling_intermediate", gettext_lazy("中级成本上限（元）"), "400.50"),
                ("ceiling_senior", gettext_lazy("高级成本上限（元）"), "500"),
            )
        ),
        Column(
            "position",
            gettext_lazy("排序"),
            parse=IntegerParser(min_value=1, max_value=32767),
            required=False,
            help=gettext_lazy("在该批次名单中的序号，正整数"),
            example="1",
        ),
        Column(
            "org_type",
            gettext_lazy("组织类型"),
            parse=ChoiceParser(OrgType.choices),
            required=False,
            default="",
            help=gettext_lazy("仅用于新登记的组织；留空时按统一社会信用代码推断"),
        ),
    )
    unique_key = ("code",)
    max_rows = 5000

    def allowed(self, *, actor: Actor) -> bool:
        return can_import_catalog(actor)

    def prepare(self, *, actor: Actor) -> _Context:
        orgs = list(Org.objects.values_list("credit_code", "name"))
        return _Context(
            batches=dict(Batch.objects.values_list("number", "published_on")),
            org_names=dict(orgs),
            org_codes={name: code for code, name in orgs},
            certificates={
                code: (number, credit_code)
                for code, number, credit_code in Certificate.objects.values_list(
                    "code", "batch__number", "org__credit_code"
                )
            },
        )

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        assert isinstance(context, _Context)
        errors: list[CellError] = []
        first_day = context.file_batches.setdefault(values["batch"], values["published_on"])
        if first_day != values["published_on"]:
            errors.append(
                CellError(
                    _("同一批次在文件中的公布日期不一致（另一行为 %(day)s）。")
                    % {"day": first_day.isoformat()},
                    column="published_on",
                )
            )
        errors.extend(self._org_errors(values, actor=actor, context=context))
        known = context.certificates.get(values["code"])
        if known is not None:
            errors.extend(_certificate_conflicts(values, batch_number=known[0], org_code=known[1]))
        if errors:
            raise RowErrors(errors)

    def _org_errors(
        self, values: dict[str, Any], *, actor: Actor, context: _Context
    ) -> list[CellError]:
        code, name = values["credit_code"], values["org_name"]
        errors: list[CellError] = []
        registered_name = context.org_names.get(code)
        registered_code = context.org_codes.get(name)
        if registered_name is not None and registered_name != name:
            errors.append(
                CellError(
                    _("该统一社会信用代码已登记为“%(name)s”，请核对组织名称。")
                    % {"name": registered_name},
                    column="org_name",
                )
            )
        if registered_code is not None and registered_code != code:
            errors.append(
                CellError(
                    _("组织“%(name)s”已登记的统一社会信用代码为 %(code)s，请核对。")
                    % {"name": name, "code": registered_code},
                    column="credit_code",
                )
            )
        if context.file_org_names.setdefault(code, name) != name:
            errors.append(
                CellError(
                    _("同一统一社会信用代码在文件中对应了不同的组织名称（%(name)s）。")
                    % {"name": context.file_org_names[code]},
                    column="org_name",
                )
            )
        if context.file_org_codes.setdefault(name, code) != code:
            errors.append(
                CellError(
                    _("同一组织在文件中填写了不同的统一社会信用代码（%(code)s）。")
                    % {"code": context.file_org_codes[name]},
                    column="credit_code",
                )
            )
        if registered_name is None and registered_code is None:
            # A new org: registering it creates its unit, which only administrators may do.
            if not (actor.is_system or actor.is_admin):
                errors.append(
                    CellError(
                        _("该组织尚未登记，新登记培训评价组织需由管理员导入。"),
                        column="org_name",
                    )
                )
            values["org_type"] = values["org_type"] or org_type_from_credit_code(code) or ""
            if not values["org_type"]:
                errors.append(
                    CellError(
                        _("新登记的组织请填写组织类型（无法从统一社会信用代码推断）。"),
                        column="org_type",
                    )
                )
        return errors

    # --- writing -------------------------------------------------------------------------------

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        counts = {
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "batches_created": 0,
            "batches_updated": 0,
            "orgs_created": 0,
            "levels_set": 0,
        }
        batches = self._apply_batches(rows, actor=actor, counts=counts)
        orgs = self._apply_orgs(rows, actor=actor, counts=counts)
        codes = [row.values["code"] for row in rows]
        existing = {
            c.code: c
            for c in Certificate.objects.select_for_update()
            .select_related("batch", "org")
            .filter(code__in=codes)
        }
        ceilings = {
            (level.certificate_id, level.level): level.cost_ceiling
            for level in CertificateLevel.objects.filter(certificate__code__in=codes)
        }
        for row in rows:
            values = row.values
            certificate = existing.get(values["code"])
            if certificate is None:
                with self._rejecting(row, "code"):
                    certificate = certificate_create(
                        actor=actor,
                        code=values["code"],
                        name=values["name"],
                        org=orgs[values["credit_code"]],
                        batch=batches[values["batch"]],
                        position=values["position"],
                        field=values["field"],
                        specialties=values["specialties"],
                    )
                created, changed = True, False
            else:
                created = False
                changed = self._update_certificate(row, certificate, actor=actor)
            for level, key in CEILING_COLUMNS:
                amount = values[key]
                if amount is None:
                    continue  # not published (yet): leave the level as it is
                current = (certificate.pk, level)
                if current in ceilings and ceilings[current] == amount:
                    continue
                with self._rejecting(row, key):
                    certificate_level_set(
                        actor=actor, certificate=certificate, level=level, cost_ceiling=amount
                    )
                counts["levels_set"] += 1
                changed = True
            counts["created" if created else "updated" if changed else "unchanged"] += 1
        return counts

    def _apply_batches(
        self, rows: list[ParsedRow], *, actor: Actor, counts: dict[str, int]
    ) -> dict[int, Batch]:
        first_rows: dict[int, ParsedRow] = {}
        for row in rows:
            first_rows.setdefault(row.values["batch"], row)
        existing = {
            b.number: b for b in Batch.objects.select_for_update().filter(number__in=first_rows)
        }
        batches: dict[int, Batch] = {}
        for number, row in first_rows.items():
            day = row.values["published_on"]
            batch = existing.get(number)
            with self._rejecting(row, "batch"):
                if batch is None:
                    batch = batch_create(actor=actor, number=number, published_on=day)
                    counts["batches_created"] += 1
                elif batch_update(actor=actor, batch=batch, published_on=day):
                    counts["batches_updated"] += 1
            batches[number] = batch
        return batches

    def _apply_orgs(
        self, rows: list[ParsedRow], *, actor: Actor, counts: dict[str, int]
    ) -> dict[str, Org]:
        first_rows: dict[str, ParsedRow] = {}
        for row in rows:
            first_rows.setdefault(row.values["credit_code"], row)
        orgs = {o.credit_code: o for o in Org.objects.filter(credit_code__in=first_rows)}
        for code, row in first_rows.items():
            if code in orgs:
                continue
            with self._rejecting(row, "org_name"):
                orgs[code] = org_create(
                    actor=actor,
                    name=row.values["org_name"],
                    credit_code=code,
                    org_type=row.values["org_type"],
                )
            counts["orgs_created"] += 1
        return orgs

    def _update_certificate(
        self, row: ParsedRow, certificate: Certificate, *, actor: Actor
    ) -> bool:
        values = row.values
        # Checked again under the row lock: the catalogue may have changed since validation.
        conflicts = _certificate_conflicts(
            values, batch_number=certificate.batch.number, org_code=certificate.org.credit_code
        )
        if conflicts:
            raise ImportRejected(
                [RowError(row.number, self._header(e.column), e.message) for e in conflicts]
            )
        changes: dict[str, Any] = {}
        if certificate.name != values["name"]:
            changes["name"] = values["name"]
        if values["position"] is not None and certificate.position != values["position"]:
            changes["position"] = values["position"]
        if values["field"] and certificate.field != values["field"]:
            changes["field"] = values["field"]
        if values["specialties"] and certificate.specialty_names != list(values["specialties"]):
            changes["specialties"] = list(values["specialties"])
        if not changes:
            return False
        with self._rejecting(row, "name"):
            certificate_update(actor=actor, certificate=certificate, changes=changes)
        return True

    def _header(self, key: str) -> str:
        return zh(self.column(key).header) if key else ""

    @contextmanager
    def _rejecting(self, row: ParsedRow, column: str) -> Iterator[None]:
        """A service's refusal becomes this row's error; the whole import is rolled back."""
        try:
            yield
        except DomainError as exc:
            prefix = f"[{exc.rule}] " if exc.rule else ""
            error = RowError(row.number, self._header(column), f"{prefix}{exc.message}")
            raise ImportRejected([error]) from exc
