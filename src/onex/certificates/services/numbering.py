"""Certificate numbers: format, check character, gap-free allocation (docs/certificate-numbers.md).

Format (19 characters, no separators)::

    YYYY  CCCCC  L  PP  SSSSSS  K
    2019  00042  B  44  000017  7

- ``YYYY``   year of the issue date;
- ``CCCCC``  the certificate's catalogue id, 5 digits;
- ``L``      level letter: A 初级, B 中级, C 高级. A letter, not a digit, on purpose: an
             all-digit number would look like an 18-digit resident ID to the log and audit
             redaction (``onex.core.logging``) and be masked there; the letter also makes a
             certificate number impossible to confuse with an ID number on a form;
- ``PP``     the exam province: first two digits of its GB/T 2260 code (44 = 广东);
- ``SSSSSS`` serial within the series (year, certificate, level, province), from 000001;
- ``K``      ISO 7064 Mod 37,36 check character (0-9, A-Z) over the 18 characters before it,
             computed with python-stdnum. It catches every single wrong character and every
             swap of two adjacent characters, so a mistyped number is refused before any lookup.

Allocation: ``allocate`` must run inside the transaction that inserts the certificate. It locks
the series row (``SELECT ... FOR UPDATE``) and increments ``last``; the lock is held until that
transaction ends, so two issuers of one series queue, and a failed insert rolls the increment
back with it: no duplicates, no gaps.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_37_36

from onex.catalog.models import Certificate, Level
from onex.certificates.models import NumberSeries
from onex.core.errors import Conflict, InvalidInput
from onex.geo.models import Division

NUMBER_LENGTH = 19
SERIAL_DIGITS = 6
MAX_SERIAL = 10**SERIAL_DIGITS - 1
MAX_CERTIFICATE_ID = 99_999
LEVEL_CODES: dict[str, str] = {Level.JUNIOR: "A", Level.INTERMEDIATE: "B", Level.SENIOR: "C"}
CODE_LEVELS = {code: level for level, code in LEVEL_CODES.items()}
_SHAPE = re.compile(r"^[0-9]{9}[ABC][0-9]{8}[0-9A-Z]$")


@dataclass(frozen=True)
class NumberParts:
    year: int
    certificate_id: int
    level: str
    province_prefix: str
    serial: int


def number_error() -> InvalidInput:
    # Deliberately the same text for every defect: the public page gives no hint to guessers.
    return InvalidInput(_("号码格式或校验位错误"), code="invalid_number", field="number")


def normalize_number(value: str) -> str:
    """Full-width characters folded, spaces and hyphens removed, upper case."""
    folded = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]", "", folded).upper()


def check_character(body: str) -> str:
    return str(mod_37_36.calc_check_digit(body))


def compose(*, year: int, certificate_id: int, level: str, province_code: str, serial: int) -> str:
    if not 1000 <= year <= 9999:
        raise InvalidInput(_("发证年份无效。"), field="issued_on")
    if not 0 < certificate_id <= MAX_CERTIFICATE_ID:
        raise InvalidInput(_("证书编号无法容纳该证书的目录编号。"), field="certificate")
    if level not in LEVEL_CODES:
        raise InvalidInput(_("未知的证书等级。"), field="level")
    if not 0 < serial <= MAX_SERIAL:
        raise Conflict(_("本编号序列已用完（上限 %(max)s 张）。") % {"max": MAX_SERIAL})
    body = (
        f"{year:04d}{certificate_id:05d}{LEVEL_CODES[level]}"
        f"{province_code[:2]}{serial:0{SERIAL_DIGITS}d}"
    )
    return body + check_character(body)


def validate_number(value: str) -> str:
    """The normalized number, or InvalidInput("号码格式或校验位错误") before any lookup."""
    number = normalize_number(value)
    if not _SHAPE.match(number):
        raise number_error()
    try:
        mod_37_36.validate(number)
    except StdnumError:
        raise number_error() from None
    return number


def parse_number(value: str) -> NumberParts:
    number = validate_number(value)
    return NumberParts(
        year=int(number[0:4]),
        certificate_id=int(number[4:9]),
        level=CODE_LEVELS[number[9]],
        province_prefix=number[10:12],
        serial=int(number[12:18]),
    )


def allocate(
    *, year: int, certificate: Certificate, level: str, province: Division
) -> tuple[NumberSeries, int, str]:
    """Lock the series, take its next serial and compose the number.

    Call inside the transaction that inserts the certificate (the lock and the increment must
    commit or roll back together with it).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside the certificate's transaction")
    key = {"year": year, "certificate": certificate, "level": level, "province": province}
    series = NumberSeries.objects.select_for_update().filter(**key).first()
    if series is None:
        try:
            # A savepoint: losing the race to create the row must not abort the caller's
            # transaction; the winner's row is then locked like any other.
            with transaction.atomic():
                NumberSeries.objects.create(**key)
        except IntegrityError:
            pass
        series = NumberSeries.objects.select_for_update().get(**key)
    serial = series.last + 1
    number = compose(
        year=year,
        certificate_id=certificate.pk,
        level=level,
        province_code=province.code,
        serial=serial,
    )
    NumberSeries.objects.filter(pk=series.pk).update(last=serial)
    series.last = serial
    return series, serial, number
