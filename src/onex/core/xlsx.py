"""xlsx output: list exports and import templates.

Every list's export button goes through ``export_response``; every import spec's template through
``template_response``. Writing uses XlsxWriter in ``constant_memory`` mode: each row is flushed to
a temporary file as soon as it is written, so a queryset iterator of a national-scale list never
sits in memory as cell objects. (An xlsx file is a zip archive whose directory is written last,
so the finished file itself cannot be streamed before the last row; it is returned in one piece.)
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

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


def write_xlsx(
    *,
    path: str,
    headers: Sequence[str | Promise],
    rows: Iterable[Sequence[Any]],
    sheet: str | Promise,
) -> int:
    """Write one sheet to ``path`` and return the number of data rows written."""
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
    """
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_xlsx(path=tmp.name, headers=headers, rows=rows, sheet=sheet)
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
