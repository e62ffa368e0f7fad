"""Bulk input framework: import specs, streaming xlsx validation, and the reads of import jobs.

An importer is an ``ImportSpec`` subclass registered with ``register_spec``::

    @register_spec
    class SchoolSpec(ImportSpec):
        name = "schools"
        title = _("试点院校")
        columns = (
            Column("code", _("学校标识码"), parse=TextParser(max_length=10), text=True,
                   example="4144012345"),
            Column("name", _("学校名称"), parse=TextParser(max_length=200), example="…"),
            Column("note", _("备注"), required=False),
        )
        unique_key = ("code",)                 # duplicates within the file are row errors

        def allowed(self, *, actor): ...       # who may import (403 otherwise)
        def prepare(self, *, actor): ...       # preload lookups once, passed to validate_row
        def validate_row(self, values, *, actor, context): ...  # raise CellError(msg, column=key)
        def apply(self, rows, *, actor, job): ...  # write; already inside ONE transaction

Flow: ``import_submit`` (``onex.core.import_services``) checks permission and file type, stores
the file, creates an ``ImportJob`` (or returns the live/succeeded job of the same file:
idempotent re-upload) and enqueues ``run_import_job`` on commit. The task (``import_run``,
``onex.core.import_runs``) streams the sheet through
python-calamine, parses every cell, collects every error as (Excel row, column header, message)
and only when there is none calls ``spec.apply`` in one transaction with the audit record.
Importers live in each app's ``importers.py`` or ``xlsx.py``; both are autodiscovered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import IO, Any, ClassVar, TypeVar

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import override
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from onex.core import crypto, registry
from onex.core.actors import Actor
from onex.core.errors import DomainError, InvalidInput, NotFound
from onex.core.models import ImportJob, ImportStatus
from onex.core.personal import normalize
from onex.core.scoping import fetch
from onex.core.xlsx import WorkbookRefused, check_upload_bounds

ERRORS_CAP = 1000  # errors stored per job; error_count keeps the true number
# Rows between progress writes: each is one UPDATE and one commit (a WAL flush on PostgreSQL),
# so every 200 rows cost a 100,000-row file 500 commits; every 2,000 keeps the bar moving.
PROGRESS_EVERY = 2000
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in official forms
# Parsed rows per ImportSpec.prefetch call (one lookup query each). Large: each query may scan
# a joined table once (bench/bench_p2_import.py: 2,000 made 50 scans of the candidates).
PREFETCH_BATCH = 10_000
MAX_FILE_BYTES: int = getattr(settings, "ONEX_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
XLSX_MAGIC = b"PK\x03\x04"  # zip: xlsx, xlsm, ods
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: legacy xls
_INVISIBLE = re.compile(r"[\s\u3000\u200b\ufeff]+")


def zh(text: str | Promise) -> str:
    """The zh-hans text of a (lazy) msgid: headers and choices are matched in Chinese."""
    with override("zh-hans"):
        return str(text)


# --- errors -------------------------------------------------------------------------------------


class CellError(Exception):
    """Raised by a parser or ``validate_row``: this cell (or row) is wrong, and why.

    ``column`` is a column key; parsers leave it empty (the framework knows the column).
    """

    def __init__(self, message: str | Promise, *, column: str = "") -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.column = column


class RowErrors(Exception):
    """Several errors of one row at once, from ``validate_row``."""

    def __init__(self, errors: Iterable[CellError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(e.message for e in self.errors))


@dataclass(frozen=True)
class RowError:
    """One reported problem. ``row`` is the Excel row number the user sees; None: whole file."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportFileError(InvalidInput):
    """The file as a whole cannot be imported (wrong type, empty, missing columns…)."""

    code = "import_file_invalid"


class ImportRejected(DomainError):
    """Raised by ``apply`` when a write-time check fails; everything is rolled back."""

    code = "import_rejected"
    status = 422

    def __init__(self, errors: Sequence[RowError], message: str | Promise = "") -> None:
        super().__init__(message or _("导入被拒绝，未写入任何数据。"))
        self.errors = list(errors)


# --- parsers ------------------------------------------------------------------------------------


class Parser:
    """A cell parser: returns the Python value or raises ``CellError``. Empty cells never arrive."""

    help: str | Promise = ""

    def __call__(self, value: Any) -> Any:
        return value

    def describe(self) -> str:
        return str(self.help)


class TextParser(Parser):
    def __init__(
        self, *, max_length: int | None = None, pattern: str | None = None, help: str = ""
    ) -> None:
        self.max_length = max_length
        self.pattern = re.compile(pattern) if pattern else None
        self.help = help

    def __call__(self, value: Any) -> str:
        if isinstance(value, float):
            # Excel keeps 15 significant digits: an 18-digit ID typed as a number is already
            # corrupted, so refuse it rather than import wrong digits.
            if value.is_integer() and abs(value) < 1e15:
                value = int(value)
            else:
                raise CellError(_("该单元格是数字格式，位数过多已失真，请设置为文本格式后重新填写"))
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        text = str(value).strip()
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(_("不能超过 %(n)d 个字符") % {"n": self.max_length})
        if self.pattern is not None and not self.pattern.fullmatch(text):
            raise CellError(_("格式不正确") + (f"：{self.help}" if self.help else ""))
        return text

    def describe(self) -> str:
        parts = [str(self.help)] if self.help else [_("文本")]
        if self.max_length:
            parts.append(_("不超过 %(n)d 个字符") % {"n": self.max_length})
        return "，".join(parts)


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class IdNumberParser(TextParser):
    """Text, normalized (full-width folded, separators removed) so duplicates are caught."""

    def __call__(self, value: Any) -> str:
        return normalize(super().__call__(value))


class DateParser(Parser):
    def __init__(self, *, min_year: int = 1900, max_year: int = 2100) -> None:
        self.min_year = min_year
        self.max_year = max_year

    def __call__(self, value: Any) -> dt.date:
        day: dt.date | None = None
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            # A date cell without date formatting arrives as Excel's serial day number.
            if 1 <= value < 2958466:
                day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
        else:
            text = str(value).strip()
            for fmt in _DATE_FORMATS:
                try:
                    day = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date)
                    break
                except ValueError:
                    continue
        if day is None:
            raise CellError(_("日期格式不正确，应为 2025-10-01 这样的日期"))
        if not self.min_year <= day.year <= self.max_year:
            raise CellError(
                _("日期应在 %(a)d 年至 %(b)d 年之间") % {"a": self.min_year, "b": self.max_year}
            )
        return day

    def describe(self) -> str:
        return _("日期，如 2025-10-01（也可用 2025/10/1、2025年10月1日）")


class ChoiceParser(Parser):
    """One of a set of choices, written as its Chinese label (or the stored value)."""

    def __init__(self, choices: Iterable[tuple[str, str | Promise]]) -> None:
        self.choices = [(value, zh(label)) for value, label in choices]
        self.lookup: dict[str, str] = {}
        for value, label in choices:
            self.lookup[zh(label)] = value
            self.lookup[str(label)] = value
            self.lookup[value] = value

    @property
    def labels(self) -> list[str]:
        return [label for _value, label in self.choices]

    def __call__(self, value: Any) -> str:
        key = _INVISIBLE.sub("", str(value))
        if key not in self.lookup:
            raise CellError(_("应为以下之一：%(choices)s") % {"choices": "、".join(self.labels)})
        return self.lookup[key]

    def describe(self) -> str:
        return _("从以下选项中选择：%(choices)s") % {"choices": "、".join(self.labels)}


class IntegerParser(Parser):
    def __init__(self, *, min_value: int | None = None, max_value: int | None = None) -> None:
        self.min_value = min_value
        self.max_value = max_value

    def __call__(self, value: Any) -> int:
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise CellError(_("应为整数")) from None
        if number != number.to_integral_value():
            raise CellError(_("应为整数"))
        result = int(number)
        if self.min_value is not None and result < self.min_value:
            raise CellError(_("不能小于 %(n)d") % {"n": self.min_value})
        if self.max_value is not None and result > self.max_value:
            raise CellError(_("不能大于 %(n)d") % {"n": self.max_value})
        return result

    def describe(self) -> str:
        return _("整数")


class DecimalParser(Parser):
    """Money and ratios: Decimal, never float (the float from the cell is read via its repr)."""

    def __init__(self, *, places: int = 2, min_value: Decimal | None = None) -> None:
        self.places = places
        self.min_value = min_value
        self.quantum = Decimal(1).scaleb(-places)

    def __call__(self, value: Any) -> Decimal:
        try:
            if type(value) is float or type(value) is int:
                number = Decimal(repr(value))  # the float's shortest repr: 0.1, not 0.1000…
            else:
                number = Decimal(str(value).strip().replace(",", "").replace("¥", ""))
        except InvalidOperation:
            raise CellError(_("应为数字")) from None
        if not number.is_finite():
            raise CellError(_("应为数字"))
        quantized = number.quantize(self.quantum)
        if number != quantized:
            raise CellError(_("最多 %(n)d 位小数") % {"n": self.places})
        if self.min_value is not None and number < self.min_value:
            raise CellError(_("不能小于 %(n)s") % {"n": self.min_value})
        return quantized

    def describe(self) -> str:
        return _("数字，最多 %(n)d 位小数") % {"n": self.places}


class BooleanParser(ChoiceParser):
    def __init__(self) -> None:
        super().__init__([("1", "是"), ("0", "否")])

    def __call__(self, value: Any) -> bool:  # type: ignore[override]
        if isinstance(value, bool):
            return value
        return super().__call__(value) == "1"


# --- specs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise  # Chinese msgid; the file is matched on this text
    parse: Callable[[Any], Any] = field(default_factory=TextParser)
    required: bool = True
    help: str | Promise = ""  # format description for the 说明 sheet; default: the parser's
    example: str | Promise = ""
    aliases: tuple[str, ...] = ()  # other header texts accepted (older templates)
    text: bool = False  # format the template column as text (codes, ID numbers)
    width: int = 0
    default: Any = None  # value of an empty optional cell

    @property
    def header_zh(self) -> str:
        return zh(self.header)

    @property
    def choices(self) -> list[str]:
        return self.parse.labels if isinstance(self.parse, ChoiceParser) else []

    def describe(self) -> str:
        if self.help:
            return str(self.help)
        describe = getattr(self.parse, "describe", None)
        return describe() if callable(describe) else ""


@dataclass(slots=True)  # 100,000 of them are held until the write: no __dict__ each
class ParsedRow:
    number: int  # Excel row number
    values: dict[str, Any]


class ImportSpec:
    """Base class of an importer. Subclass, set the class attributes, register."""

    name: ClassVar[str]
    title: ClassVar[str | Promise]
    description: ClassVar[str | Promise] = ""
    columns: ClassVar[Sequence[Column]]
    unique_key: ClassVar[tuple[str, ...]] = ()
    max_rows: ClassVar[int] = 50_000
    order: ClassVar[int] = 0  # lists show specs by order, then name

    @property
    def sheet_title(self) -> str:
        return zh(self.title)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def allowed(self, *, actor: Actor) -> bool:
        """Whether ``actor`` may run this import. Default: any writer of any unit."""
        return actor.can_write

    def check_permission(self, *, actor: Actor) -> None:
        actor.require(self.allowed(actor=actor), _("您无权执行此导入。"))

    def prepare(self, *, actor: Actor) -> Any:
        """Load once what ``validate_row`` needs (lookups by code); the result is its context."""
        return None

    def prefetch(self, batch: list[dict[str, Any]], *, actor: Actor, context: Any) -> None:
        """Before ``validate_row`` runs on a batch of parsed rows, load what they refer to.

        For lookups too large to preload whole (an org's registrations at national scale):
        one query per batch of rows into ``context`` instead of one per row or per table.
        """

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        """Cross-column checks of one parsed row; raise ``CellError``/``RowErrors``."""

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        """Write the valid rows. Runs inside one transaction; return a JSON summary."""
        raise NotImplementedError

    def instructions(self) -> list[str]:
        lines = [
            _("填写说明："),
            _("1. 请在第一个工作表中填写，第一行为列名，请勿修改列名；列的顺序可以调整。"),
            _("2. 标为红色的列为必填项。"),
            _(
                "3. 整个文件全部校验通过后才会写入；有错误时不会写入任何数据，"
                "请按错误清单修改后重新上传。"
            ),
            _("4. 重复上传已成功导入的同一文件不会重复导入。"),
        ]
        if self.description:
            lines.append(str(self.description))
        return lines


# The specs live in the kernel's ``import_specs`` registry (onex.core.registry), filled by each
# app's importers.py through ``register_spec``.
_discovered = False

S = TypeVar("S", bound=type[ImportSpec])


def register_spec(spec: S) -> S:
    """Class decorator: register an ``ImportSpec`` subclass under its ``name``."""
    instance = spec()
    if instance.name in registry.import_specs:
        existing = registry.import_specs[instance.name]
        if type(existing).__qualname__ != spec.__qualname__:
            raise ValueError(f"import spec {instance.name!r} registered twice")
        registry.import_specs.unregister(instance.name)  # a module imported again
    registry.import_specs.register(instance)
    return spec


def _discover() -> None:
    global _discovered
    if not _discovered:
        # Importers live next to their app's models; import them on first use.
        autodiscover_modules("importers")
        _discovered = True


def all_specs() -> list[ImportSpec]:
    _discover()
    return list(registry.import_specs.all())


def get_spec(name: str) -> ImportSpec:
    _discover()
    if name not in registry.import_specs:
        raise NotFound(_("没有这种导入类型。"))
    spec: ImportSpec = registry.import_specs[name]
    return spec


def specs_for(*, actor: Actor) -> list[ImportSpec]:
    return [spec for spec in all_specs() if spec.allowed(actor=actor)]


# --- reading and validation ---------------------------------------------------------------------


def _normalize_header(value: Any) -> str:
    text = _INVISIBLE.sub("", str(value))
    # Users mark required columns themselves ("日期*", "日期（必填）"); accept that.
    text = re.sub(r"[（(]必填[)）]$", "", text)
    return text.rstrip("*＊")


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and _blank(value))


def _blank(text: str) -> bool:
    # Equal to ``not _INVISIBLE.sub("", text)``, without a regex per cell: str.strip() removes
    # the same whitespace as ``\s`` (U+3000 included); only U+200B and U+FEFF need the regex.
    stripped = text.strip()
    if not stripped:
        return True
    if "\u200b" in stripped or "\ufeff" in stripped:
        return not _INVISIBLE.sub("", stripped)
    return False


def _row_empty(cells: list[Any]) -> bool:
    for cell in cells:
        if cell is None or cell == "" or (isinstance(cell, str) and _blank(cell)):
            continue
        return False
    return True


def _clean(value: Any) -> Any:
    return value.strip().strip("\u3000\u200b\ufeff") if isinstance(value, str) else value


@dataclass
class ValidationResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # capped at ERRORS_CAP
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    total_rows: int = 0

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_CAP:
            self.errors.append(error)


def check_workbook(data: bytes, *, spec: ImportSpec, field: str = "") -> None:
    """Refuse, without loading it, a workbook whose size or extent exceeds ``spec``'s limits."""
    if data.startswith(XLS_MAGIC):
        # OLE2: a legacy .xls or a password-protected workbook; neither can be bounded unread.
        raise ImportFileError(
            _("不支持旧版 .xls 文件或设置了密码的文件，请取消密码保护并另存为 .xlsx 后重新上传。"),
            field=field,
        )
    try:
        check_upload_bounds(data, max_rows=spec.max_rows)
    except WorkbookRefused as exc:
        raise ImportFileError(exc.message, field=field, details=exc.details) from None


def _open_rows(
    source: IO[bytes] | bytes, *, spec: ImportSpec, bounded: bool = False
) -> tuple[Iterator[list[Any]], int]:
    """The first visible worksheet's rows (index 0 is Excel row 1) and its last row number."""
    data = source if isinstance(source, bytes) else source.read()
    if not data:
        raise ImportFileError(_("文件为空。"))
    if not bounded:
        check_workbook(data, spec=spec)
    try:
        workbook = CalamineWorkbook.from_filelike(BytesIO(data))
        visible = [
            meta.name
            for meta in workbook.sheets_metadata
            if str(meta.visible).endswith("Visible") and "WorkSheet" in str(meta.typ)
        ]
        sheet = workbook.get_sheet_by_name(visible[0]) if visible else None
    except PasswordError:
        raise ImportFileError(_("文件已加密，请取消密码保护后重新上传。")) from None
    except (CalamineError, ValueError, OSError):
        raise ImportFileError(
            _("无法读取该文件，请上传 Excel 文件（.xlsx），可从本页下载导入模板。")
        ) from None
    if sheet is None:
        raise ImportFileError(_("文件中没有工作表。"))
    end = sheet.end
    # python-calamine yields rows from sheet row 0 even when the used range starts lower, so
    # the enumerate index + 1 is the row number Excel shows.
    return iter(sheet.iter_rows()), (end[0] + 1 if end else 0)


def validate_file(
    *,
    spec: ImportSpec,
    source: IO[bytes] | bytes,
    actor: Actor,
    on_progress: Callable[[int, int], None] | None = None,
    bounded: bool = False,
) -> ValidationResult:
    """Read and check every row; never writes. File-level problems raise ImportFileError.

    ``bounded``: ``check_workbook`` already passed these very bytes (a job's sealed file,
    checked when it was submitted), so the scan of its XML is not repeated.
    """
    rows, last_row = _open_rows(source, spec=spec, bounded=bounded)
    result = ValidationResult()

    # Header: the first row (within the first few non-empty ones) naming a known column.
    accepted: dict[str, Column] = {}
    for column in spec.columns:
        for text in (column.header_zh, str(column.header), *column.aliases):
            accepted[_normalize_header(text)] = column
    header_row = 0
    header: list[Any] | None = None
    seen_non_empty = 0
    for index, cells in enumerate(rows):
        if all(_is_empty(c) for c in cells):
            continue
        seen_non_empty += 1
        if any(_normalize_header(c) in accepted for c in cells if not _is_empty(c)):
            header_row, header = index + 1, cells
            break
        if seen_non_empty >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if seen_non_empty == 0:
            raise ImportFileError(_("文件为空。"))
        raise ImportFileError(
            _("未找到表头。第一行应为列名：%(headers)s。请使用导入模板。")
            % {"headers": "、".join(c.header_zh for c in spec.columns)}
        )

    positions: dict[str, int] = {}
    unknown: list[str] = []
    for position, cell in enumerate(header):
        if _is_empty(cell):
            continue
        matched = accepted.get(_normalize_header(cell))
        if matched is None:
            unknown.append(str(cell).strip())
        elif matched.key in positions:
            raise ImportFileError(_("列“%(h)s”出现了两次。") % {"h": matched.header_zh})
        else:
            positions[matched.key] = position
    missing = [c.header_zh for c in spec.columns if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(_("缺少必需的列：%(cols)s。") % {"cols": "、".join(missing)})
    if unknown:
        result.warnings.append(_("以下列未识别，已忽略：%(cols)s。") % {"cols": "、".join(unknown)})

    estimate = max(0, last_row - header_row)
    context = spec.prepare(actor=actor)
    seen_keys: dict[tuple[Any, ...], int] = {}
    key_header = spec.column(spec.unique_key[0]).header_zh if spec.unique_key else ""
    processed = 0
    data_rows = 0
    pending: list[ParsedRow] = []
    # Per column, what the loop below needs, looked up once instead of once per cell.
    layout = [
        (c.key, positions.get(c.key), c.parse, c.required, c.default, c.header_zh)
        for c in spec.columns
    ]
    required_message = _("必填项不能为空")

    def checked(batch: list[ParsedRow]) -> None:
        if not batch:
            return
        spec.prefetch([row.values for row in batch], actor=actor, context=context)
        for row in batch:
            try:
                spec.validate_row(row.values, actor=actor, context=context)
            except CellError as exc:
                result.add(RowError(row.number, _header_of(spec, exc.column), exc.message))
                continue
            except RowErrors as exc:
                for error in exc.errors:
                    result.add(RowError(row.number, _header_of(spec, error.column), error.message))
                continue
            result.rows.append(row)

    for offset, cells in enumerate(rows):
        number = header_row + offset + 1
        processed += 1
        if on_progress is not None and processed % PROGRESS_EVERY == 0:
            on_progress(processed, max(estimate, processed))
        if _row_empty(cells):
            continue
        data_rows += 1
        if data_rows > spec.max_rows:
            raise ImportFileError(
                _("文件超过 %(n)d 行的上限，请拆分后分批导入。") % {"n": spec.max_rows}
            )
        values: dict[str, Any] = {}
        row_ok = True
        width = len(cells)
        for name, at, parse, required, default, title in layout:
            raw = cells[at] if at is not None and at < width else None
            if raw is None or (isinstance(raw, str) and _blank(raw)):
                if required:
                    result.add(RowError(number, title, required_message))
                    row_ok = False
                values[name] = default
                continue
            try:
                values[name] = parse(_clean(raw))
            except CellError as exc:
                result.add(RowError(number, title, exc.message))
                row_ok = False
        if not row_ok:
            continue
        if spec.unique_key:
            key = tuple(values[k] for k in spec.unique_key)
            first = seen_keys.setdefault(key, number)
            if first != number:
                result.add(RowError(number, key_header, _("与第 %(n)d 行重复") % {"n": first}))
                continue
        pending.append(ParsedRow(number=number, values=values))
        if len(pending) >= PREFETCH_BATCH:
            checked(pending)
            pending = []
    checked(pending)
    # Rows are checked a batch at a time, so parse errors of later rows may have come first.
    result.errors.sort(key=lambda error: error.row or 0)
    if data_rows == 0:
        raise ImportFileError(_("文件中没有数据行（表头下方为空）。"))
    result.total_rows = data_rows
    if on_progress is not None:
        on_progress(processed, processed)
    return result


def _header_of(spec: ImportSpec, key: str) -> str:
    if not key:
        return ""
    try:
        return spec.column(key).header_zh
    except KeyError:
        return key


# --- selectors ----------------------------------------------------------------------------------


def import_jobs_visible(*, actor: Actor) -> QuerySet[ImportJob]:
    """Jobs of the actor's own unit (an import's file belongs to the unit that sent it)."""
    qs = ImportJob.objects.select_related("user", "unit")
    if actor.is_system:
        return qs
    if actor.unit is not None:
        return qs.filter(unit=actor.unit)
    if actor.user is not None:
        return qs.filter(Q(unit__isnull=True) & Q(user=actor.user))
    return qs.none()


def import_job_get(*, actor: Actor, job_id: int) -> ImportJob:
    return fetch(import_jobs_visible(actor=actor), pk=job_id)


def import_job_list(*, actor: Actor, spec_name: str | None = None) -> QuerySet[ImportJob]:
    qs = import_jobs_visible(actor=actor)
    return qs.filter(spec_name=spec_name) if spec_name else qs


# --- services -----------------------------------------------------------------------------------


# --- the stored file: sealed with the data key, deleted after the retention period ---------------

RETENTION_KEY = "imports.file_retention_days"


def sealed_file_context(sha256: str) -> str:
    # Bound to the content hash: a sealed file copied onto another job does not open there.
    return f"core.importjob.file:{sha256}"


def job_file_bytes(job: ImportJob) -> bytes:
    """The uploaded workbook of ``job``, decrypted (for ``apply`` that keeps a copy)."""
    return job_file(job)[0]


def job_file(job: ImportJob) -> tuple[bytes, bool]:
    """The uploaded workbook of ``job`` and whether it was sealed.

    A sealed file opens only under its content hash, so it is the very file ``import_submit``
    bounded (``check_workbook``) before sealing it; a file stored before sealing was not.
    """
    if not job.file:
        raise ImportFileError(_("该导入文件已超过保存期限被删除，请重新上传。"))
    with job.file.open("rb") as handle:
        stored = bytes(handle.read())
    try:
        return crypto.decrypt(stored, context=sealed_file_context(job.sha256)), True
    except crypto.DecryptionError:
        # Files stored before encryption was introduced are read as they are until purged.
        if stored.startswith((XLSX_MAGIC, XLS_MAGIC)):
            return stored, False
        raise ImportFileError(_("无法读取已保存的导入文件，请重新上传。")) from None


def job_status_message(job: ImportJob) -> str:
    """One sentence for the page and the API."""
    if job.is_repeat and job.status == ImportStatus.SUCCEEDED:
        return _("该文件已于 %(at)s 成功导入，本次未重复导入。") % {
            "at": timezone.localtime(job.finished_at or job.created_at).strftime("%Y-%m-%d %H:%M")
        }
    if job.is_repeat:
        return _("该文件正在导入中，请勿重复上传。")
    if job.status == ImportStatus.SUCCEEDED:
        return _("导入成功，共 %(n)d 行。") % {"n": job.summary.get("rows", job.total_rows)}
    if job.status == ImportStatus.FAILED:
        return _("导入失败，共 %(n)d 处错误，未写入任何数据。") % {"n": job.error_count}
    return str(job.get_status_display())


def job_error_rows(job: ImportJob) -> Iterator[tuple[Any, str, str]]:
    for error in job.errors:
        yield (error.get("row") or "", error.get("column") or "", error.get("message") or "")


def upsert_summary(created: int, updated: int, unchanged: int) -> dict[str, int]:
    return {"created": created, "updated": updated, "unchanged": unchanged}
