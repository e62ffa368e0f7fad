"""PDF documents with Chinese text (certificates, admission tickets): one font approach.

fpdf2 (with fontTools) embeds a *subset* of an OpenType/CFF font, which reportlab cannot do
with Noto CJK, so every PDF of the platform uses fpdf2 and the font found by ``cjk_font``:
``ONEX_CJK_FONT`` (a path) when set, else Debian's ``fonts-noto-cjk`` (Noto Sans CJK SC inside a
TrueType collection, installed by ``.ci/run`` and by the deployment), else any CJK font that
fontconfig knows (``fc-list :lang=zh``). Only the glyphs used are embedded, so a PDF stays small
and displays the same on any reader without the font installed. Without a font, ``cjk_pdf``
refuses with ``CjkFontMissing`` instead of printing empty boxes.

Each PDF costs about 0.5 s, spent reading the font's metrics and subsetting the glyphs used;
extracting the collection's face into a standalone file was measured to gain nothing, because
fontTools reads a collection lazily, face by face.
"""

from __future__ import annotations

import functools
import glob
import logging
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fontTools.ttLib import TTCollection, TTFont
from fpdf import FPDF

from onex.core.errors import DomainError

__all__ = [
    "CJK_FAMILY",
    "CjkFont",
    "CjkFontMissing",
    "cjk_font",
    "cjk_pdf",
]

logger = logging.getLogger(__name__)

CJK_FAMILY = "cjk"

# Preferred first: Simplified-Chinese sans, then serif, then any Noto CJK file.
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
_GLOBS = ("/usr/share/fonts/**/NotoSansCJK*.tt[cf]", "/usr/share/fonts/**/NotoSansCJK*.otf")
_COLLECTIONS = (".ttc", ".otc")


class CjkFontMissing(DomainError):
    code = "cjk_font_missing"
    status = 503

    def __init__(self) -> None:
        super().__init__(
            _("服务器未安装中文字体（fonts-noto-cjk），暂时无法生成 PDF。请联系管理员。")
        )


@dataclass(frozen=True)
class CjkFont:
    path: Path
    index: int  # the face inside a .ttc/.otc collection (0 for a single font file)
    name: str  # family name of that face, e.g. "Noto Sans CJK SC"


def _face_index(path: Path) -> tuple[int, str]:
    """The Simplified-Chinese face of a collection (Noto orders JP, KR, SC, TC…), else the first."""
    if path.suffix.lower() not in _COLLECTIONS:
        font = TTFont(str(path), lazy=True)
        try:
            return 0, font["name"].getBestFamilyName() or path.stem
        finally:
            font.close()
    collection = TTCollection(str(path), lazy=True)
    try:
        names = [font["name"].getBestFamilyName() or "" for font in collection.fonts]
    finally:
        collection.close()
    for index, name in enumerate(names):
        if (name.endswith(" SC") or "SC" in name.split()) and "Mono" not in name:
            return index, name
    return 0, names[0] if names else path.stem


def _fc_list() -> list[Path]:
    """CJK font files fontconfig knows, sans regular faces first (forms, not books)."""
    fc = shutil.which("fc-list")
    if fc is None:
        return []
    try:
        out = subprocess.run(  # noqa: S603 - absolute tool path, constant arguments
            [fc, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = [line.split(":")[0].strip() for line in out.splitlines() if line.strip()]
    files.sort(key=lambda f: ("Sans" not in f, "Regular" not in f, "Bold" in f, f))
    return [Path(f) for f in files]


def _candidates(configured: str) -> Iterator[Path]:
    if configured:
        yield Path(configured)
    yield from (Path(p) for p in _CANDIDATES)
    for pattern in _GLOBS:
        yield from (Path(p) for p in sorted(glob.glob(pattern, recursive=True)))
    yield from _fc_list()  # last: runs a process


@functools.cache
def cjk_font() -> CjkFont | None:
    """The installed CJK font to embed, or None (``cjk_pdf`` then raises ``CjkFontMissing``).

    Cached for the process; tests that change ``ONEX_CJK_FONT`` call ``cjk_font.cache_clear()``.
    """
    configured = str(getattr(settings, "ONEX_CJK_FONT", "") or "").strip()
    for path in _candidates(configured):
        if not path.is_file():
            if configured and str(path) == configured:
                logger.warning("ONEX_CJK_FONT=%s is not a file; searching the system fonts", path)
            continue
        try:
            index, name = _face_index(path)
        except Exception:
            logger.warning("unreadable font file %s; trying the next one", path, exc_info=True)
            continue
        return CjkFont(path=path, index=index, name=name)
    return None


def cjk_pdf(**kwargs: object) -> FPDF:
    """An A4 portrait FPDF with the CJK font registered as family ``cjk`` (subset-embedded)."""
    font = cjk_font()
    if font is None:
        raise CjkFontMissing()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4", **kwargs)  # type: ignore[arg-type]
    pdf.add_font(CJK_FAMILY, fname=str(font.path), collection_font_number=font.index)
    pdf.set_font(CJK_FAMILY, size=12)
    return pdf
