"""Hand-built xlsx files for the upload-bounds tests: written part by part, so a test can make
what no spreadsheet program would (a false <dimension>, a far-away cell, gigabytes of rows)."""

from __future__ import annotations

import base64
import io
import os
import zipfile
from collections.abc import Iterable, Sequence

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROOT_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    f'relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0"?><workbook {_NS} xmlns:r="{_REL}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    f'relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" '
    f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def workbook(rows: Iterable[bytes], *, dimension: str = "", strings: Sequence[str] = ()) -> bytes:
    """An xlsx whose sheet1 holds ``rows`` (``<row>`` elements) after an optional dimension."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        items = "".join(f"<si><t>{s}</t></si>" for s in strings)
        z.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0"?><sst {_NS} count="{len(strings)}">{items}</sst>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet {_NS}>'.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for row in rows:
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def text_row(number: int, values: Sequence[str]) -> bytes:
    cells = "".join(
        f'<c r="{column_letters(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def shared_row(number: int, indexes: Sequence[int]) -> bytes:
    cells = "".join(
        f'<c r="{column_letters(i)}{number}" t="s"><v>{n}</v></c>'
        for i, n in enumerate(indexes, start=1)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def random_text(length: int) -> str:
    """Incompressible text (base64 of random bytes) of ``length`` characters."""
    return base64.b64encode(os.urandom(length)).decode()[:length].replace("+", "-")
