"""An upload that would take gigabytes to read is refused before any reader loads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from onex.core import imports
from onex.core.import_services import import_submit
from onex.core.imports import MAX_FILE_BYTES, ImportFileError
from onex.core.models import ImportJob
from onex.core.xlsx import MAX_CELL_TEXT_BYTES, MAX_SHARED_STRINGS, RATIO_FLOOR
from tests.core.conftest import SPEC, upload
from tests.core.workbooks import column_letters, random_text, shared_row, workbook
from tests.personas import Personas

PEAK_LIMIT_MB = 300


@pytest.fixture(autouse=True)
def never_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to load a workbook in these tests is a failure: refusals come first."""

    class Exploding:
        @staticmethod
        def from_filelike(*args: Any) -> None:
            raise AssertionError("the workbook was loaded")

    monkeypatch.setattr(imports, "CalamineWorkbook", Exploding)


def refusal(personas: Personas, content: bytes) -> ImportFileError:
    assert len(content) <= MAX_FILE_BYTES  # the upload limit lets it in
    with pytest.raises(ImportFileError) as exc:
        import_submit(actor=personas.ministry.actor, spec_name=SPEC, uploaded_file=upload(content))
    assert exc.value.field == "file"
    assert not ImportJob.objects.exists()
    return exc.value


def test_highly_compressible_workbook_is_refused_with_its_sizes(personas: Personas) -> None:
    row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
    content = workbook([row] * (2 * RATIO_FLOOR // len(row) * 20))

    error = refusal(personas, content)

    assert "文件解压后过大" in str(error.message)
    assert error.details["part"] == "xl/worksheets/sheet1.xml"
    assert error.details["declared_bytes"] > 100 * error.details["compressed_bytes"]


@pytest.mark.parametrize(
    ("dimension", "far_cell", "words"),
    [
        ("A1:B2", "A1048576", "行"),  # the <dimension> lies; the scan finds the real extent
        ("", "XFD3", "列"),
        ("A1:GQ5000", "GQ5000", "范围过大"),  # 5,000 rows × 199 columns: a dense grid
    ],
)
def test_a_far_away_cell_is_refused_by_the_sheets_extent(
    personas: Personas, dimension: str, far_cell: str, words: str
) -> None:
    row_number = int("".join(c for c in far_cell if c.isdigit()))
    rows = [
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
        f'<row r="{row_number}"><c r="{far_cell}"><v>1</v></c></row>'.encode(),
    ]
    error = refusal(personas, workbook(rows, dimension=dimension))
    assert words in str(error.message)


def test_rows_beyond_the_specs_limit_are_counted_and_refused(personas: Personas) -> None:
    # No r attributes and no <dimension>: only counting the rows tells how many there are.
    rows = [b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'] * 6001
    error = refusal(personas, workbook(rows))
    assert "行" in str(error.message) and error.details["rows"] > error.details["max_rows"]


def test_one_long_text_named_by_many_cells_is_refused(personas: Personas) -> None:
    long_text = "长" * 10_000  # 30 kB of UTF-8
    cells = MAX_CELL_TEXT_BYTES // 30_000 + 10
    rows = [shared_row(r, [0]) for r in range(1, cells + 1)]
    error = refusal(personas, workbook(rows, strings=[long_text]))
    assert "文本总量过大" in str(error.message)


def test_too_many_distinct_texts_are_refused(personas: Personas) -> None:
    strings = [str(n) for n in range(MAX_SHARED_STRINGS + 1)]
    error = refusal(personas, workbook([shared_row(1, [0])], strings=strings))
    assert "不同的文本" in str(error.message)


def test_legacy_xls_is_refused_with_the_way_out(personas: Personas) -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    error = refusal(personas, ole2)
    assert ".xlsx" in str(error.message)


# --- the peak memory of a worker --------------------------------------------------------------


def largest_accepted_workbook() -> bytes:
    """At every bound at once: ~450,000 distinct texts, 50,000 rows × 16 columns, ~24 MB text."""
    strings = [f"列{i}" for i in range(1, 9)] + [random_text(38) for _ in range(449_000)]
    rows = [shared_row(1, range(8))]
    nxt = 8
    for r in range(2, 50_001):
        texts = "".join(
            f'<c r="{column_letters(j + 1)}{r}" t="s"><v>{(nxt + j) % len(strings)}</v></c>'
            for j in range(9)
        )
        numbers = "".join(f'<c r="{column_letters(j + 1)}{r}"><v>{r}</v></c>' for j in range(9, 16))
        nxt += 9
        rows.append(f'<row r="{r}">{texts}{numbers}</row>'.encode())
    return workbook(rows, strings=strings)


def largest_upload() -> bytes:
    """Incompressible text just under the upload limit: far more text than is accepted."""
    per_row = [random_text(52) for _ in range(8)]
    strings = [f"列{i}" for i in range(1, 9)]
    rows = [shared_row(1, range(8))]
    r = 1
    while len(strings) * 40 < MAX_FILE_BYTES:
        r += 1
        strings.extend(random_text(52) for _ in per_row)
        rows.append(shared_row(r, range(len(strings) - 8, len(strings))))
    content = workbook(rows, strings=strings)
    return content[: MAX_FILE_BYTES - 1] if len(content) >= MAX_FILE_BYTES else content


def peak(path: Path) -> dict[str, Any]:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": f"{root / 'src'}{os.pathsep}{root}", "ONEX_DEV_SECRETS": "1"}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("peak_probe.py")), str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
def test_worker_peak_memory_stays_under_300_mb_for_the_largest_files(tmp_path: Path) -> None:
    accepted = tmp_path / "accepted.xlsx"
    accepted.write_bytes(largest_accepted_workbook())
    biggest = tmp_path / "biggest.xlsx"
    biggest.write_bytes(largest_upload())
    assert accepted.stat().st_size <= MAX_FILE_BYTES

    read = peak(accepted)
    refused = peak(biggest)

    assert read.get("rows") == 49_999, read  # read in full, not refused
    assert "refused" in refused, refused
    # The probe reports its own peak (VmHWM): getrusage's maxrss, of the child or of the
    # children here, also counts the pages pytest had when it spawned the child (Linux keeps
    # that high-water mark across the exec), i.e. the size of pytest, not of the import.
    assert read["peak_mb"] < PEAK_LIMIT_MB, read
    assert refused["peak_mb"] < PEAK_LIMIT_MB, refused
