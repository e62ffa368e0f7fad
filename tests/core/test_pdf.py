"""One CJK font for every PDF: ONEX_CJK_FONT, the system fonts, and the cached collection face."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onex.core import pdf as core_pdf
from onex.core.pdf import CjkFont, CjkFontMissing, cjk_face_file, cjk_font, cjk_pdf
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


@pytest.fixture
def cache_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path / "cache" / "fonts"


def test_the_simplified_chinese_face_of_a_collection_is_chosen(system_font: CjkFont) -> None:
    if system_font.path.suffix.lower() == ".ttc":
        assert system_font.name.endswith("SC")
        assert "Mono" not in system_font.name


def test_collection_face_is_extracted_once_and_reused(
    system_font: CjkFont, cache_in_tmp: Path
) -> None:
    from fontTools.ttLib import TTFont

    if system_font.path.suffix.lower() not in (".ttc", ".otc"):
        pytest.skip("the installed CJK font is not a collection")
    face = cjk_face_file(system_font)

    assert face.parent == cache_in_tmp
    assert face.suffix == ".otf" and face.name.startswith("NotoSansCJKSC-")
    assert TTFont(str(face), lazy=True)["name"].getBestFamilyName() == system_font.name
    assert [p.name for p in cache_in_tmp.iterdir()] == [face.name]  # no temporary file left
    stamp = face.stat().st_mtime_ns
    assert cjk_face_file(system_font) == face
    assert face.stat().st_mtime_ns == stamp  # reused, not written again


def test_pdf_embeds_the_cached_face(system_font: CjkFont, cache_in_tmp: Path) -> None:
    pdf = cjk_pdf()
    pdf.add_page()
    pdf.cell(text="职业技能等级证书")
    content = bytes(pdf.output())

    assert b"/FontFile" in content and b"/ToUnicode" in content
    if system_font.path.suffix.lower() == ".ttc":
        assert len(list(cache_in_tmp.glob("*.otf"))) == 1


def test_unwritable_cache_falls_back_to_the_collection(
    system_font: CjkFont, settings: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.VAR_DIR = blocker  # VAR_DIR/cache cannot be created under a file

    assert cjk_face_file(system_font) == system_font.path
    pdf = cjk_pdf()
    pdf.add_page()
    pdf.cell(text="准考证")
    assert bytes(pdf.output()).startswith(b"%PDF")


def test_onex_cjk_font_setting_is_tried_first(
    system_font: CjkFont, settings: Any, tmp_path: Path, cache_in_tmp: Path
) -> None:
    chosen = cjk_face_file(system_font)  # a standalone font file to point the setting at
    settings.ONEX_CJK_FONT = str(chosen)
    cjk_font.cache_clear()

    font = cjk_font()

    assert font is not None
    assert (font.path, font.index) == (chosen, 0)
    assert cjk_face_file(font) == chosen  # a single font file is used as it is


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
