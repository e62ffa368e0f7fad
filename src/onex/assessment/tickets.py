"""Admission ticket (准考证) PDF, drawn with fpdf2 and an embedded CJK font.

fpdf2 embeds OpenType/CFF collections through fontTools and subsets them, so Debian's
fonts-noto-cjk (``NotoSansCJK-Regular.ttc``, the Simplified Chinese face of the collection) works
as is; reportlab could not embed those CFF outlines. The font is found through ``ONEX_CJK_FONT``
(a path), else fontconfig (``fc-list :lang=zh``), else the Debian path; without one the ticket is
refused with a clear message instead of printing empty boxes.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import Registration
from onex.core.errors import DomainError

DEBIAN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)


class CjkFontMissing(DomainError):
    code = "cjk_font_missing"
    status = 503


@dataclass(frozen=True)
class CjkFont:
    path: str
    index: int  # face number inside a .ttc collection
    family: str


def _collection_index(path: str) -> tuple[int, str]:
    """The Simplified Chinese face of a collection (faces are ordered JP, KR, SC, TC…)."""
    if not path.lower().endswith((".ttc", ".otc")):
        from fontTools.ttLib import TTFont

        return 0, str(TTFont(path, lazy=True)["name"].getDebugName(1))
    from fontTools.ttLib import TTCollection

    names = [str(font["name"].getDebugName(1)) for font in TTCollection(path, lazy=True).fonts]
    for i, name in enumerate(names):
        if name.endswith(" SC") and "Mono" not in name:
            return i, name
    return 0, names[0] if names else ""


def _fc_list() -> list[str]:
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
    # Sans regular faces first: the ticket is a form, not a book.
    return sorted(files, key=lambda f: ("Sans" not in f, "Regular" not in f, "Bold" in f, f))


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> CjkFont | None:
    configured = os.environ.get("ONEX_CJK_FONT", "").strip()
    candidates = [configured] if configured else []
    candidates += [*DEBIAN_FONTS, *_fc_list()]
    for path in candidates:
        if path and Path(path).is_file():
            try:
                index, family = _collection_index(path)
            except Exception:  # noqa: S112 - an unreadable font file: try the next one
                continue
            return CjkFont(path=path, index=index, family=family)
    return None


def _sites_text(registration: Registration) -> str:
    sites = list(registration.plan.sites.all())
    if not sites:
        return _("以考核组织方通知为准")
    return "；".join(f"{s.code} {s.address}" for s in sites)


def admission_ticket_pdf(registration: Registration) -> bytes:
    """The ticket of one registration. Callers fetch it through the scoped selector first."""
    from fpdf import FPDF

    font = find_cjk_font()
    if font is None:
        raise CjkFontMissing(
            _("服务器未安装中文字体（如 fonts-noto-cjk），暂无法生成准考证，请联系管理员。")
        )
    plan = registration.plan
    candidate = registration.candidate
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"准考证 {registration.ticket_number}")
    pdf.set_creator("onex")
    pdf.add_font("cjk", fname=font.path, collection_font_number=font.index)
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.cell(0, 14, _("职业技能等级证书考核准考证"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.ln(4)
    start, end = plan.start_time.strftime("%H:%M"), plan.end_time.strftime("%H:%M")
    rows = [
        (_("准考证号"), registration.ticket_number),
        (_("姓名"), candidate.name),
        (_("性别"), str(candidate.get_gender_display())),
        (_("证件类型"), str(candidate.get_id_type_display())),
        (_("证件号码"), candidate.id_number_masked),
        (_("证书名称"), plan.certificate.name),
        (_("等级"), str(plan.get_level_display())),
        (_("培训评价组织"), plan.org.name),
        (_("考试日期"), f"{plan.exam_date:%Y-%m-%d} {start}–{end}"),
        (_("考核站点"), _sites_text(registration)),
        (_("报名单位"), registration.school.name if registration.school else _("社会考生")),
    ]
    label_w, value_w, line_h = 40, 140, 9
    for label, value in rows:
        pdf.set_fill_color(240, 240, 240)
        pdf.cell(label_w, line_h, label, border=1, fill=True)
        pdf.multi_cell(value_w, line_h, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("cjk", size=10)
    notes = [
        _("考生须知："),
        _("1. 考生凭本准考证和有效身份证件原件参加考核，证件号码以证件原件为准。"),
        _("2. 请于开考前 30 分钟到达考核站点，迟到 15 分钟不得进入考场。"),
        _("3. 参加证书考核完全自愿，考核结果不作为毕业条件。"),
        _("4. 成绩公示期间可登录平台查询成绩并提出异议。"),
    ]
    for line in notes:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=8)
    pdf.cell(
        0,
        5,
        _("生成时间：%(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        align="R",
    )
    return bytes(pdf.output())
