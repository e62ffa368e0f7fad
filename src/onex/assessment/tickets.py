"""Admission ticket (准考证) PDF, drawn with fpdf2 and the platform's embedded CJK font.

The font is found and prepared by ``onex.core.pdf`` (``ONEX_CJK_FONT``, Debian's fonts-noto-cjk,
fontconfig); without one the ticket is refused with ``CjkFontMissing`` instead of printing empty
boxes.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import Registration
from onex.core.pdf import CJK_FAMILY, CjkFontMissing, cjk_pdf

__all__ = ["CjkFontMissing", "admission_ticket_pdf"]


def _sites_text(registration: Registration) -> str:
    sites = list(registration.plan.sites.all())
    if not sites:
        return _("以考核组织方通知为准")
    return "；".join(f"{s.code} {s.address}" for s in sites)


def admission_ticket_pdf(registration: Registration) -> bytes:
    """The ticket of one registration. Callers fetch it through the scoped selector first."""
    plan = registration.plan
    candidate = registration.candidate
    pdf = cjk_pdf()
    pdf.set_title(f"准考证 {registration.ticket_number}")
    pdf.set_creator("onex")
    pdf.add_page()
    pdf.set_font(CJK_FAMILY, size=20)
    pdf.cell(0, 14, _("职业技能等级证书考核准考证"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(CJK_FAMILY, size=11)
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
    pdf.set_font(CJK_FAMILY, size=10)
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
    pdf.set_font(CJK_FAMILY, size=8)
    pdf.cell(
        0,
        5,
        _("生成时间：%(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        align="R",
    )
    return bytes(pdf.output())
