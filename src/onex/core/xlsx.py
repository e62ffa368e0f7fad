"""xlsx output (list exports and import templates) and the bounds of an uploaded workbook.

Every list's export button goes through ``export_response``; every import spec's template through
``template_response``. Writing uses XlsxWriter in ``constant_memory`` mode: each row is flushed to
a temporary file as soon as it is written, so a queryset iterator of a national-scale list never
sits in memory as cell objects. (An xlsx file is a zip archive whose directory is written last,
so the finished file itself cannot be streamed before the last row; it is returned in one piece.)
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import xlsxwriter
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from onex.core.errors import InvalidInput
from onex.core.paging import capped_count

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from onex.core.imports import ImportSpec

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses sheet names longer than 31 characters or containing these.
_SHEET_FORBIDDEN = set("[]:*?/\\")
_MAX_WIDTH = 60


def content_disposition(filename: str) -> str:
    """An attachment header that keeps a Chinese file name (RFC 6266 + RFC 5987).

    Old clients read the ASCII ``filename``; every current browser prefers ``filename*``.
    """
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def safe_sheet_name(name: str) -> str:
    cleaned = "".join("_" if c in _SHEET_FORBIDDEN else c for c in str(name)).strip("'")
    return (cleaned or "Sheet1")[:31]


def display_width(text: str) -> int:
    # CJK characters take two columns in Excel's default fonts.
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


class _Formats:
    """Cell formats of one workbook, created once (XlsxWriter formats belong to a workbook)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        )
        self.required_header = workbook.add_format(
            {"bold": True, "bg_color": "#FCE4D6", "font_color": "#C00000", "border": 1}
        )
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.money = workbook.add_format({"num_format": "#,##0.00"})
        self.text = workbook.add_format({"num_format": "@"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})


def _write_cell(ws: Worksheet, row: int, col: int, value: Any, formats: _Formats) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_string(row, col, _("是") if value else _("否"))
    elif isinstance(value, dt.datetime):
        # Excel has no time zones: show the platform's local time, as users see it on screen.
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        ws.write_datetime(row, col, value, formats.datetime)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, formats.date)
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), formats.money)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    else:
        # write_string, never write(): a value starting with "=" must stay text, not become a
        # formula (spreadsheet formula injection from user-entered names).
        ws.write_string(row, col, str(value))


def _response(path: str, filename: str) -> HttpResponse:
    with open(path, "rb") as handle:
        response = HttpResponse(handle.read(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


def _with_suffix(filename: str) -> str:
    return filename if filename.lower().endswith(".xlsx") else f"{filename}.xlsx"


class ExportTooLarge(InvalidInput):
    """A list export past ``ONEX_EXPORT_MAX_ROWS`` rows: written in the request, a national
    table (10 million certificates) would take the worker for an hour and the xlsx format
    stops at 1,048,576 rows anyway. The person is asked to filter first."""

    code = "export_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            _("导出超过 %(limit)s 行（平台默认上限），请先用筛选条件缩小范围再导出。")
            % {"limit": f"{limit:,}"},
            details={"limit": limit},
        )


def export_limit() -> int:
    return int(settings.ONEX_EXPORT_MAX_ROWS)


def export_guard(queryset: QuerySet[Any]) -> None:
    """Refuse at once an export of a list longer than the limit (one ``LIMIT``-ed count),
    instead of finding out after writing the limit's worth of rows."""
    limit = export_limit()
    if capped_count(queryset, limit)[1]:
        raise ExportTooLarge(limit)


def write_xlsx(
    *,
    path: str,
    headers: Sequence[str | Promise],
    rows: Iterable[Sequence[Any]],
    sheet: str | Promise,
    max_rows: int | None = None,
) -> int:
    """Write one sheet to ``path`` and return the number of data rows written; past
    ``max_rows`` rows stop and raise ``ExportTooLarge``."""
    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "strings_to_numbers": False, "remove_timezone": True}
    )
    try:
        formats = _Formats(workbook)
        ws = workbook.add_worksheet(safe_sheet_name(str(sheet)))
        header_texts = [str(h) for h in headers]
        # constant_memory writes row by row, so widths are set up front from the headers.
        for col, text in enumerate(header_texts):
            ws.set_column(col, col, min(_MAX_WIDTH, max(10, display_width(text) + 4)))
        for col, text in enumerate(header_texts):
            ws.write_string(0, col, text, formats.header)
        ws.freeze_panes(1, 0)
        count = 0
        for count, values in enumerate(rows, start=1):
            if max_rows is not None and count > max_rows:
                raise ExportTooLarge(max_rows)
            for col, value in enumerate(values):
                _write_cell(ws, count, col, value, formats)
        if header_texts:
            ws.autofilter(0, 0, count, len(header_texts) - 1)
    finally:
        workbook.close()
    return count


def export_response(
    *,
    filename: str,
    headers: list[str],
    rows: Iterable[Sequence[Any]],
    sheet: str = "数据",
) -> HttpResponse:
    """An xlsx download of one table.

    ``rows`` may be any iterable (pass ``queryset.values_list(...).iterator()`` for big lists);
    values may be str, lazy translations, numbers, Decimal (money), date, datetime, bool or None.
    More than ``ONEX_EXPORT_MAX_ROWS`` rows (platform default) is refused with ``ExportTooLarge``
    (a 422 with its message, through the error middleware); a view over a large table calls
    ``export_guard`` first to refuse before writing anything.
    """
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_xlsx(path=tmp.name, headers=headers, rows=rows, sheet=sheet, max_rows=export_limit())
        return _response(tmp.name, _with_suffix(filename))


def template_response(spec: ImportSpec) -> HttpResponse:
    """The import template of ``spec``: a header row to fill in and a "说明" sheet.

    Headers are exactly the texts the importer matches, so they are not decorated; required
    columns are coloured instead, and the explanation sheet says what each column expects.
    """
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        workbook = xlsxwriter.Workbook(tmp.name)
        try:
            formats = _Formats(workbook)
            ws = workbook.add_worksheet(safe_sheet_name(str(spec.sheet_title)))
            for col, column in enumerate(spec.columns):
                header = str(column.header)
                width = min(_MAX_WIDTH, max(12, display_width(header) + 4, column.width))
                # Code-like columns (ID numbers, school codes) as text so Excel keeps leading
                # zeros and does not turn 18-digit numbers into 1.1E+17.
                ws.set_column(col, col, width, formats.text if column.text else None)
                fmt = formats.required_header if column.required else formats.header
                ws.write_string(0, col, header, fmt)
                if column.choices:
                    ws.data_validation(
                        1,
                        col,
                        spec.max_rows,
                        col,
                        {
                            "validate": "list",
                            "source": [str(c) for c in column.choices],
                            "error_type": "warning",
                        },
                    )
            ws.freeze_panes(1, 0)

            notes = workbook.add_worksheet(safe_sheet_name(_("说明")))
            note_headers = [_("列名"), _("是否必填"), _("格式要求"), _("示例")]
            for col, (text, width) in enumerate(zip(note_headers, (20, 10, 60, 24), strict=True)):
                notes.set_column(col, col, width)
                notes.write_string(0, col, str(text), formats.header)
            for row, column in enumerate(spec.columns, start=1):
                notes.write_string(row, 0, str(column.header))
                notes.write_string(row, 1, _("必填") if column.required else _("选填"))
                notes.write_string(row, 2, column.describe(), formats.wrap)
                notes.write_string(row, 3, str(column.example))
            tail = len(spec.columns) + 2
            for offset, line in enumerate(spec.instructions()):
                notes.write_string(tail + offset, 0, line)
        finally:
            workbook.close()
        return _response(tmp.name, f"{spec.title}{_('导入模板')}.xlsx")


# --- bounds of an uploaded workbook, checked before any reader loads it ---------------------------
#
# An xlsx file is a zip archive of XML parts. A few megabytes can declare gigabytes of XML, and
# python-calamine materialises a sheet as a dense rows × columns grid before the first row is
# seen: one cell in A1 and one in XFD1048576 is a grid of 17 billion cells. So the archive's
# declared sizes and ratios, each sheet's <dimension> and its actual extent (a streaming scan of
# the decompressed XML, which cannot read past the declared size) are bounded first. The
# numbers keep a worker under 300 MB for any file the upload limit lets in (tests/core).

MAX_PART_BYTES = 64 * 1024 * 1024  # declared uncompressed size of one part
MAX_TOTAL_BYTES = 160 * 1024 * 1024  # of all parts together
MAX_RATIO = 100  # uncompressed / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_PARTS = 2000
MAX_COLUMNS = 200  # columns of a sheet's extent (A..GR); import templates use a few dozen
MAX_CELLS = 800_000  # rows × columns of a sheet's extent: the dense grid the reader builds
# The shared-string table is read whole, at about 150 bytes a string at its peak.
MAX_SHARED_STRINGS = 450_000  # 50,000 rows of 8 distinct texts: the largest import (schools)
MAX_SHARED_STRINGS_BYTES = 24 * 1024 * 1024
ROW_SLACK = 1000  # title, header and blank rows allowed beyond a spec's data-row limit
# Text the reader copies into cells: each cell gets its own copy of the shared string it names,
# so a long string named by a million cells is a bomb of its own.
MAX_CELL_TEXT_BYTES = 24 * 1024 * 1024
_SCAN_CHUNK = 1024 * 1024
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Za-z$0-9:]+)\"")
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_R_ATTR = re.compile(rb"\br=\"\$?([A-Za-z]*)\$?([0-9]*)\"")
_SHARED_TYPE = re.compile(rb"\bt=\"s\"")
_VALUE = re.compile(rb"\s*<(?:\w+:)?v>\s*([0-9]{1,10})\s*<")
_SHARED_ITEM = re.compile(rb"<(?:\w+:)?si\b")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


class WorkbookRefused(Exception):
    """The upload is not an xlsx file within bounds; ``message`` is for the user (zh-hans)."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0


def _too_big(part: str, extent: _Extent, *, max_rows: int) -> WorkbookRefused | None:
    details = {"part": part, "rows": extent.rows, "columns": extent.columns}
    if extent.rows > max_rows:
        return WorkbookRefused(
            _("工作表范围达 %(rows)d 行，超过上限 %(max)d 行，请删除多余的行或拆分后分批导入。")
            % {"rows": extent.rows, "max": max_rows},
            {**details, "max_rows": max_rows},
        )
    if extent.columns > MAX_COLUMNS:
        return WorkbookRefused(
            _("工作表范围达 %(cols)d 列，超过上限 %(max)d 列，请删除多余的列后重新上传。")
            % {"cols": extent.columns, "max": MAX_COLUMNS},
            {**details, "max_columns": MAX_COLUMNS},
        )
    if extent.rows * extent.columns > MAX_CELLS:
        return WorkbookRefused(
            _("工作表范围过大（%(rows)d 行 × %(cols)d 列），请删除多余的行列或拆分后分批导入。")
            % {"rows": extent.rows, "cols": extent.columns},
            {**details, "max_cells": MAX_CELLS},
        )
    return None


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's XML in pieces that never end inside a tag (the rest starts the next piece).

    zipfile stops at the declared size and checks the CRC, so no piece reads past what the
    archive declared (already bounded) and a part that lies about its size is an error.
    """
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            buffer = tail + chunk
            # A tag longer than a chunk is not XML a spreadsheet writes; it is then not counted.
            cut = buffer.rfind(b"<")
            if cut != -1 and buffer.find(b">", cut) == -1 and len(buffer) - cut < _SCAN_CHUNK:
                buffer, tail = buffer[:cut], buffer[cut:]
            else:
                tail = b""
            yield buffer
    if tail:
        yield tail


def _shared_string_sizes(archive: zipfile.ZipFile) -> array[int]:
    """An upper bound of each shared string's size in bytes: the XML of its <si> item."""
    sizes: array[int] = array("Q")
    info = next(
        (i for i in archive.infolist() if i.filename.lower() == "xl/sharedstrings.xml"), None
    )
    if info is None:
        return sizes
    offset = 0
    start: int | None = None
    for piece in _chunks(archive, info):
        for match in _SHARED_ITEM.finditer(piece):
            if start is not None:
                sizes.append(offset + match.start() - start)
            start = offset + match.start()
        offset += len(piece)
        if len(sizes) + (start is not None) > MAX_SHARED_STRINGS:
            raise WorkbookRefused(
                _("文件中不同的文本超过 %(n)d 个，请拆分后分批导入。") % {"n": MAX_SHARED_STRINGS},
                {"part": info.filename, "max_shared_strings": MAX_SHARED_STRINGS},
            )
    if start is not None:
        sizes.append(offset - start)
    return sizes


def _scan_sheet(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, max_rows: int, shared: array[int]
) -> None:
    """Stream one sheet's XML and bound its declared and actual extent, refusing on excess."""
    extent = _Extent()
    row = 0
    column = 0
    text_bytes = 0
    seen_dimension = False
    columns: dict[bytes, int] = {}
    for buffer in _chunks(archive, info):
        if not seen_dimension:
            found = _DIMENSION.search(buffer)
            if found is not None:
                seen_dimension = True
                last = found.group(1).decode().split(":")[-1]
                ref = _CELL_REF.fullmatch(last)
                if ref is not None:
                    declared = _Extent(int(ref.group(2)), _column_number(ref.group(1)))
                    if refused := _too_big(info.filename, declared, max_rows=max_rows):
                        raise refused
        for match in _TAG.finditer(buffer):
            attrs = match.group(2)
            attr = _R_ATTR.search(attrs)
            if match.group(1) == b"row":
                row = int(attr.group(2)) if attr is not None and attr.group(2) else row + 1
                column = 0
                if row > extent.rows:
                    extent.rows = row
            else:
                letters = attr.group(1) if attr is not None else b""
                if letters:
                    # A sheet names the same few columns on every row: convert each once.
                    number = columns.get(letters)
                    if number is None:
                        number = columns[letters] = _column_number(letters.decode())
                    column = number
                else:
                    column += 1
                if column > extent.columns:
                    extent.columns = column
                if b't="s"' in attrs and _SHARED_TYPE.search(attrs):
                    value = _VALUE.match(buffer, match.end())
                    index = int(value.group(1)) if value is not None else -1
                    text_bytes += shared[index] if 0 <= index < len(shared) else 0
        if (refused := _too_big(info.filename, extent, max_rows=max_rows)) is not None:
            raise refused
        if text_bytes > MAX_CELL_TEXT_BYTES:
            raise WorkbookRefused(
                _("单元格文本总量过大（超过 %(mb)d MB），请拆分后分批导入。")
                % {"mb": MAX_CELL_TEXT_BYTES // (1024 * 1024)},
                {
                    "part": info.filename,
                    "cell_text_bytes": text_bytes,
                    "max_cell_text_bytes": MAX_CELL_TEXT_BYTES,
                },
            )


def check_upload_bounds(data: bytes, *, max_rows: int) -> None:
    """Refuse (``WorkbookRefused``) an upload a reader must not load; return when it may.

    ``max_rows`` bounds each sheet's extent in rows: the importer's data-row limit plus
    ``ROW_SLACK``. Only zip-based Excel workbooks (.xlsx, .xlsm) pass: a legacy .xls cannot be
    bounded without parsing it, and every template is an .xlsx.
    """
    limit_rows = max_rows + ROW_SLACK
    unreadable = _("无法读取该文件，请上传 Excel 文件（.xlsx），可从本页下载导入模板。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookRefused(unreadable) from None
    with archive:
        parts = archive.infolist()
        names = {info.filename for info in parts}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            raise WorkbookRefused(unreadable)
        if len(parts) > MAX_PARTS:
            raise WorkbookRefused(unreadable, {"parts": len(parts), "max_parts": MAX_PARTS})
        total = 0
        for info in parts:
            total += info.file_size
            ratio = info.file_size / max(1, info.compress_size)
            shared_strings = info.filename.lower() == "xl/sharedstrings.xml"
            if (
                info.file_size > MAX_PART_BYTES
                or (shared_strings and info.file_size > MAX_SHARED_STRINGS_BYTES)
                or total > MAX_TOTAL_BYTES
                or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO)
            ):
                raise WorkbookRefused(
                    _(
                        "文件解压后过大（声明 %(mb)d MB，压缩比 %(ratio)d 倍），"
                        "可能含有大量空白格式或异常内容。请将数据复制到导入模板后重新上传。"
                    )
                    % {"mb": info.file_size // (1024 * 1024), "ratio": int(ratio)},
                    {
                        "part": info.filename,
                        "declared_bytes": info.file_size,
                        "compressed_bytes": info.compress_size,
                        "total_declared_bytes": total,
                        "max_part_bytes": (
                            MAX_SHARED_STRINGS_BYTES if shared_strings else MAX_PART_BYTES
                        ),
                        "max_total_bytes": MAX_TOTAL_BYTES,
                        "max_ratio": MAX_RATIO,
                    },
                )
        if "xl/workbook.bin" in names:  # xlsb: binary parts, no XML to scan
            raise WorkbookRefused(unreadable)
        try:
            shared = _shared_string_sizes(archive)
            for info in parts:
                if _SHEET_PART.fullmatch(info.filename):
                    _scan_sheet(archive, info, max_rows=limit_rows, shared=shared)
        except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError):
            # A part whose data does not match its declared size or checksum, or that is
            # encrypted or compressed with a method we do not read: not a workbook to trust.
            raise WorkbookRefused(unreadable) from None
