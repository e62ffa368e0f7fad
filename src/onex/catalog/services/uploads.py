"""Uploaded files: size and type by content, not by name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _

from onex.core.errors import InvalidInput

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_MAGIC: tuple[tuple[str, bytes], ...] = (
    ("pdf", b"%PDF-"),
    ("png", b"\x89PNG\r\n\x1a\n"),
    ("jpeg", b"\xff\xd8\xff"),
)
_EXTENSIONS = {"pdf": {".pdf"}, "png": {".png"}, "jpeg": {".jpg", ".jpeg"}}


def sniff_upload(upload: File[Any], *, allowed: Sequence[str], field_name: str) -> str:
    """Check size (≤5 MB) and type by content, not by name; return the detected kind.

    The extension must agree with the content too, so a browser never renders a file as a type
    other than the one checked.
    """
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("文件不能超过 5 MB。"), field=field_name)
    if size == 0:
        raise InvalidInput(_("文件为空。"), field=field_name)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for k, magic in _MAGIC if head.startswith(magic)), None)
    if kind is None or kind not in allowed:
        names = "、".join(k.upper().replace("JPEG", "JPG") for k in allowed)
        raise InvalidInput(
            _("文件类型不受支持，请上传 %(types)s 文件。") % {"types": names}, field=field_name
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in _EXTENSIONS[kind]:
        raise InvalidInput(_("文件扩展名与文件内容不符。"), field=field_name)
    return kind


def validate_authorization_letter(upload: File[Any]) -> str:
    return sniff_upload(upload, allowed=("pdf", "png", "jpeg"), field_name="authorization_letter")
