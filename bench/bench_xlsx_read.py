"""Reading a large xlsx: openpyxl (baseline) vs python-calamine vs our full validation.

Run: .venv/bin/python bench/bench_xlsx_read.py [--rows N]
Prints seconds and the ratio to the openpyxl baseline (higher = faster than baseline).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
os.environ.setdefault("ONEX_DEV_SECRETS", "1")
# A throw-away database: the importer's prepare() reads existing rows.
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")


def make_file(rows: int) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet("节假日安排")
    sheet.write_row(0, 0, ["日期", "类型", "节日", "依据"])
    start = dt.date(2030, 1, 1)
    for i in range(rows):
        day = start + dt.timedelta(days=i)
        sheet.write_row(i + 1, 0, [day.isoformat(), "放假", f"节日{i % 7}", "国办发明电"])
    workbook.close()
    return buffer.getvalue()


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000, help="≤ the spec's max_rows")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from onex.core.actors import Actor
    from onex.core.imports import get_spec, validate_file

    data = make_file(args.rows)

    def openpyxl_read() -> int:
        wb = load_workbook(io.BytesIO(data), read_only=True)
        return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))

    def calamine_read() -> int:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return sum(1 for _ in wb.get_sheet_by_index(0).iter_rows())

    spec = get_spec("holiday_notices")
    actor = Actor.system()

    def onex_validate() -> int:
        result = validate_file(spec=spec, source=data, actor=actor)
        assert result.error_count == 0, result.errors[:3]
        return result.error_count

    base = timed(openpyxl_read)
    cal = timed(calamine_read)
    full = timed(onex_validate, repeat=1)
    print(f"rows: {args.rows}")
    print(f"openpyxl read-only (baseline): {base:.3f}s  ratio 1.00")
    print(f"python-calamine read:          {cal:.3f}s  ratio {base / cal:.2f}x")
    print(f"onex validate_file (parse + check every cell): {full:.3f}s  ratio {base / full:.2f}x")


if __name__ == "__main__":
    main()
