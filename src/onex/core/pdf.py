"""PDF documents with Chinese text (certificates, admission tickets): one font approach.

fpdf2 (with fontTools) embeds a *subset* of an OpenType/CFF font, which reportlab cannot do
with Noto CJK, so every PDF of the platform uses fpdf2 and the font found by ``cjk_font``:
Debian's ``fonts-noto-cjk`` (Noto Sans CJK SC inside a TrueType collection), installed by
``.ci/run`` and by the deployment. Only the glyphs used are embedded, so a certificate PDF
stays small and displays the same on any reader without the font installed.
"""

from __future__ import annotations

import functools
import glob
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF

from onex.core.errors import DomainError

__all__ = ["CJK_FAMILY", "CjkFont", "CjkFontMissing", "cjk_font", "cjk_pdf"]

CJK_FAMILY = "cjk"

# Preferred first: Simplified-Chinese sans, then serif, then any Noto CJK file.
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
_GLOBS = ("/usr/share/fonts/**/NotoSansCJK*.tt[cf]", "/usr/share/fonts/**/NotoSansCJK*.otf")


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
    index: int  # the face inside a .ttc collection (0 for a single font file)
    name: str


def _face_index(path: Path) -> tuple[int, str]:
    """The Simplified-Chinese face of a collection (Noto puts JP first), else the first."""
    if path.suffix.lower() != ".ttc":
        return 0, path.stem
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        names = [font["name"].getBestFamilyName() or "" for font in collection.fonts]
    finally:
        collection.close()
    for index, name in enumerate(names):
        if name.endswith(" SC") or "SC" in name.split():
            return index, name
    return 0, names[0] if names else path.stem


@functools.cache
def cjk_font() -> CjkFont | None:
    """The installed CJK font to embed, or None (callers raise ``CjkFontMissing``)."""
    paths = [Path(p) for p in _CANDIDATES]
    for pattern in _GLOBS:
        paths.extend(Path(p) for p in sorted(glob.glob(pattern, recursive=True)))
    for path in paths:
        if path.is_file():
            index, name = _face_index(path)
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
