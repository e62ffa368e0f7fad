"""Where uploaded catalogue files are stored."""

from __future__ import annotations

import uuid
from pathlib import PurePath


def random_upload_name(prefix: str, filename: str) -> str:
    # Uploaded names can carry personal data; keep only the extension.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"catalog/{prefix}/{uuid.uuid4().hex}{suffix}"
