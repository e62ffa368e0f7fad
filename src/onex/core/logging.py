"""Log filter that masks anything shaped like an ID number (PIPL: never in logs).

Self-contained on purpose: settings.LOGGING loads it before the app registry is ready, so it
must not import models (onex.core.personal does). The mask has the same shape as
``personal.mask_id_number`` (``1101**********002X``), and an already masked number has
stars in it, so it no longer matches and is kept as it is.

Redaction errs on the side of masking: any 18-character run shaped like a resident ID, any
standalone 15-digit run (first-generation IDs) and any Hong Kong/Macao permit number is
masked, even when it is in fact something else.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    # 18-digit resident ID (last character may be X), not part of a longer digit run.
    re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])"),
    # 15-digit first-generation resident ID.
    re.compile(r"(?<![0-9])[1-9][0-9]{14}(?![0-9])"),
    # Hong Kong / Macao permit: H or M + 8 or 10 digits.
    re.compile(r"(?<![0-9A-Za-z])[HMhm][0-9]{8}(?:[0-9]{2})?(?![0-9])"),
)


def _mask(match: re.Match[str]) -> str:
    number = match.group(0)
    keep = min(4, len(number) // 4)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(_mask, text)
    return text


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed record is still logged, unredacted args dropped
        message = str(record.msg)
        record.args = None
    redacted = redact(message)
    if redacted != message:
        record.msg = redacted
        record.args = None


_installed = False


def install_record_redaction() -> None:
    """Redact every log record when it is created, whichever logger and handler it goes to.

    Handler filters only guard the handlers configured in settings.LOGGING; the development
    server (``django.server``), granian's access log and any handler a library or a test adds
    have their own. A record factory runs for every record of the process, before any handler.
    """
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        # Tracebacks carry exception messages (e.g. a ValueError quoting the input). Formatters
        # reuse exc_text when it is set, so rendering it here lets us redact it too.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
