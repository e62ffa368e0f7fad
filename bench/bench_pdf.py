"""Rendering a certificate-like A4 page with the CJK font: straight from the .ttc vs cjk_pdf.

Run: .venv/bin/python bench/bench_pdf.py [--repeat N]
Baseline: a fresh FPDF adding the collection's face straight from the .ttc (what every PDF did
before the face cache). Measured: ``onex.core.pdf.cjk_pdf``, which adds the face extracted once
into ``VAR_DIR/cache/fonts``. Both draw the same page and subset-embed the same glyphs.
Prints seconds per PDF (median of N) and the ratio to the baseline (higher = faster), plus the
one-time extraction.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
os.environ.setdefault("ONEX_DEV_SECRETS", "1")

FIELDS = (
    ("证书名称", "物流管理"),
    ("姓名", "王小明"),
    ("证件号码", "1101**********002X"),
    ("等级", "中级"),
    ("评价组织", "北京中物联物流采购培训中心"),
    ("发证日期", "2020年06月01日"),
    ("证书编号", "2020110000000012345"),
)


def draw(pdf: object) -> bytes:
    """The certificate's text layout (fonts, sizes and positions of certificates/pdf.py)."""
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.rect(10, 10, 190, 277)
    pdf.set_font("cjk", size=30)
    pdf.set_xy(15, 38)
    pdf.cell(w=180, h=14, text="职业技能等级证书", align="C")
    pdf.set_font("cjk", size=11)
    pdf.set_xy(15, 54)
    pdf.cell(w=180, h=7, text="Vocational Skills Level Certificate (1+X)", align="C")
    y = 82.0
    for label, value in FIELDS:
        pdf.set_font("cjk", size=14)
        pdf.set_xy(32, y)
        pdf.cell(w=36, h=10, text=label)
        pdf.set_xy(70, y)
        pdf.multi_cell(w=110, h=10, text=value)
        y = max(y + 14, pdf.get_y() + 4)
    pdf.set_font("cjk", size=9)
    pdf.set_xy(140, 262)
    pdf.cell(w=48, h=5, text="扫码验证证书真伪", align="C")
    return bytes(pdf.output())


def median_seconds(fn: Callable[[], bytes], repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - t0)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    # A throw-away cache, so the one-time extraction is measured too.
    settings.VAR_DIR = Path(tempfile.mkdtemp(prefix="onex-bench-pdf-"))
    from fpdf import FPDF

    from onex.core.pdf import cjk_face_file, cjk_font, cjk_pdf

    font = cjk_font()
    if font is None:
        sys.exit("no CJK font installed (apt-get install fonts-noto-cjk)")

    def baseline() -> bytes:
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.add_font("cjk", fname=str(font.path), collection_font_number=font.index)
        return draw(pdf)

    def measured() -> bytes:
        return draw(cjk_pdf())

    t0 = time.perf_counter()
    face = cjk_face_file(font)
    extract = time.perf_counter() - t0
    baseline()  # warm the OS page cache for both files before timing
    measured()
    base, base_size = median_seconds(baseline, args.repeat)
    ours, our_size = median_seconds(measured, args.repeat)
    print(f"font: {font.path} face {font.index} ({font.name}) -> {face.name}")
    print(f"one-time face extraction: {extract:.3f}s")
    rows = (
        ("add_font from the .ttc (baseline)", base, base_size),
        ("cjk_pdf, cached face", ours, our_size),
    )
    for label, seconds, size in rows:
        print(f"{label:34} {seconds:.3f}s/PDF  {size} bytes  ratio {base / seconds:.2f}x")


if __name__ == "__main__":
    main()
