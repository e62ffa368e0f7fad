"""The certificate PDF (A4) with a QR code to the verification page carrying a signed token.

The token is ``<number>.<key id>.<signature>`` (signature: ``onex.core.crypto.sign`` over a
domain-separated message, base64url). The verification page checks the signature before it
looks anything up, so a scan proves the number came from the platform and shows the current
status without typing; a forged or altered token is refused. Old tokens keep verifying after a
key rotation because ``crypto.verify`` knows retired keys.
"""

from __future__ import annotations

import base64
import binascii

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import override
from fpdf import FPDF

from onex.certificates.models import IssuedCertificate
from onex.certificates.services.numbering import validate_number
from onex.core import crypto
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import DomainError
from onex.core.pdf import CJK_FAMILY, cjk_pdf

_TOKEN_DOMAIN = b"onex/certificate-verify/v1:"


# R44: the same words on the PDF, the verification page and the staff pages.
NOT_EXAMINED_TEXT = _lazy("未经本平台考核（依据发证组织提供的信息录入）")


# --- signed verification token ----------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verification_token(number: str) -> str:
    key_id, signature = crypto.sign(_TOKEN_DOMAIN + number.encode("ascii"))
    return f"{number}.{key_id}.{_b64(signature)}"


def number_from_token(token: str) -> str | None:
    """The certificate number when the token's signature is valid, else None."""
    try:
        number, key_id, signature = token.split(".")
        number = validate_number(number)
        raw = _unb64(signature)
    except (ValueError, binascii.Error, DomainError):
        return None
    if not crypto.verify(_TOKEN_DOMAIN + number.encode("ascii"), raw, key_id=key_id):
        return None
    return number


def verification_url(number: str) -> str:
    path = reverse("verify:token", kwargs={"token": verification_token(number)})
    return settings.ONEX_PUBLIC_URL.rstrip("/") + path


# --- rendering --------------------------------------------------------------------------------


def _qr(pdf: FPDF, url: str, *, x: float, y: float, size: float) -> None:
    # Drawn as vector squares: sharp at any zoom and printer, no raster image embedded.
    qr = segno.make(url, error="m")
    rows = list(qr.matrix_iter(scale=1, border=0))
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * module, y + r * module, module, module, style="F")


def certificate_pdf_bytes(certificate: IssuedCertificate) -> bytes:
    """Render the A4 certificate; Chinese labels whatever the request language."""
    with override("zh-hans"):
        return _render(certificate)


def _render(c: IssuedCertificate) -> bytes:
    pdf = cjk_pdf()
    pdf.set_title(f"{c.certificate.name} {c.number}")
    pdf.set_author(c.org.name)
    pdf.set_creator("onex")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    # Double frame, as printed certificates have.
    pdf.set_draw_color(150, 110, 40)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 190, 277)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 184, 271)

    pdf.set_text_color(120, 20, 20)
    pdf.set_font(CJK_FAMILY, size=30)
    pdf.set_xy(15, 38)
    pdf.cell(w=180, h=14, text=_("职业技能等级证书"), align="C")
    pdf.set_font(CJK_FAMILY, size=11)
    pdf.set_text_color(90, 90, 90)
    pdf.set_xy(15, 54)
    pdf.cell(w=180, h=7, text="Vocational Skills Level Certificate (1+X)", align="C")

    fields = [
        (_("证书名称"), c.certificate.name),
        (_("姓名"), c.holder_name),
        (_("证件号码"), c.id_number_masked),
        (_("等级"), str(c.get_level_display())),
        (_("评价组织"), c.org.name),
        (_("发证日期"), c.issued_on.strftime("%Y年%m月%d日")),
        (_("证书编号"), c.number),
    ]
    if not c.platform_examined:
        fields.append((_("考核记录"), str(NOT_EXAMINED_TEXT)))
    pdf.set_text_color(20, 20, 20)
    y = 82.0
    for label, value in fields:
        pdf.set_font(CJK_FAMILY, size=14)
        pdf.set_xy(32, y)
        pdf.cell(w=36, h=10, text=label)
        pdf.set_xy(70, y)
        pdf.multi_cell(w=110, h=10, text=str(value))
        pdf.set_draw_color(200, 200, 200)
        pdf.line(70, pdf.get_y(), 180, pdf.get_y())
        y = max(y + 14, pdf.get_y() + 4)

    url = verification_url(c.number)
    _qr(pdf, url, x=145, y=222, size=38)
    pdf.set_font(CJK_FAMILY, size=9)
    pdf.set_text_color(90, 90, 90)
    pdf.set_xy(140, 262)
    pdf.cell(w=48, h=5, text=_("扫码验证证书真伪"), align="C")
    pdf.set_xy(25, 228)
    pdf.multi_cell(
        w=110,
        h=6,
        text=_(
            "本证书由培训评价组织颁发，信息已录入职业技能等级证书信息管理服务平台。"
            "证书当前状态以平台查询结果为准。"
        ),
    )
    pdf.set_xy(25, 250)
    pdf.multi_cell(w=110, h=5, text=settings.ONEX_PUBLIC_URL.rstrip("/") + "/verify/")
    return bytes(pdf.output())


def certificate_pdf_store(*, certificate: IssuedCertificate) -> IssuedCertificate:
    """Render and keep the PDF (batch job); a re-render replaces the previous file."""
    content = certificate_pdf_bytes(certificate)
    with transaction.atomic():
        old = certificate.pdf.name if certificate.pdf else ""
        certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(content), save=False)
        certificate.pdf_generated_at = timezone.now()
        certificate.save(update_fields=["pdf", "pdf_generated_at"])
        audit_record(
            actor=Actor.system(),
            action="certificates.pdf_generate",
            target=certificate,
            old={"pdf": old} if old else None,
            new={"pdf": certificate.pdf.name, "bytes": len(content)},
        )
    if old and old != certificate.pdf.name:
        certificate.pdf.storage.delete(old)
    return certificate


def certificate_pdf_for_download(*, certificate: IssuedCertificate) -> bytes:
    """The stored PDF, or a fresh rendering when the batch has not made it yet."""
    if certificate.pdf:
        try:
            with certificate.pdf.open("rb") as handle:
                return bytes(handle.read())
        except FileNotFoundError:
            pass
    return certificate_pdf_bytes(certificate)


__all__ = [
    "certificate_pdf_bytes",
    "certificate_pdf_for_download",
    "certificate_pdf_store",
    "number_from_token",
    "verification_token",
    "verification_url",
]
