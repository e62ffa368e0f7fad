"""One CJK font for every PDF: ONEX_CJK_FONT first, then the system fonts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onex.core import pdf as core_pdf
from onex.core.pdf import CjkFont, CjkFontMissing, cjk_font, cjk_pdf
from tests.conftest import IN_CI


@pytest.fixture(autouse=True)
def _fresh_font_search() -> Iterator[None]:
    cjk_font.cache_clear()
    yield
    cjk_font.cache_clear()


@pytest.fixture
def system_font() -> CjkFont:
    font = cjk_font()
    if font is None:
        message = "no CJK font installed (apt-get install fonts-noto-cjk, or run .ci/run)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return font


def test_the_simplified_chinese_face_of_a_collection_is_chosen(system_font: CjkFont) -> None:
    if system_font.path.suffix.lower() == ".ttc":
        assert system_font.name.endswith("SC")
        assert "Mono" not in system_font.name


def test_pdf_embeds_a_subset_of_the_font(system_font: CjkFont) -> None:
    pdf = cjk_pdf()
    pdf.add_page()
    pdf.cell(text="职业技能等级证书")
    content = bytes(pdf.output())

    assert b"/FontFile" in content and b"/ToUnicode" in content
    assert len(content) < 200_000  # a subset, not the 20 MB collection


def test_onex_cjk_font_setting_is_tried_first(
    system_font: CjkFont, settings: Any, tmp_path: Path
) -> None:
    from fontTools.ttLib import TTFont

    chosen = tmp_path / "chosen.otf"  # a standalone font file to point the setting at
    face = TTFont(str(system_font.path), fontNumber=system_font.index, lazy=True)
    face.save(str(chosen))
    face.close()
    settings.ONEX_CJK_FONT = str(chosen)
    cjk_font.cache_clear()

    font = cjk_font()

    assert font is not None
    assert (font.path, font.index) == (chosen, 0)


def test_a_missing_configured_font_falls_back_to_the_system_fonts(
    system_font: CjkFont, settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ONEX_CJK_FONT = str(tmp_path / "nowhere.ttc")
    cjk_font.cache_clear()

    assert cjk_font() == system_font
    assert "ONEX_CJK_FONT" in caplog.text


def test_no_font_at_all_is_a_clear_503(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core_pdf, "cjk_font", lambda: None)

    with pytest.raises(CjkFontMissing) as caught:
        cjk_pdf()
    assert caught.value.status == 503
    assert "fonts-noto-cjk" in str(caught.value.message)
