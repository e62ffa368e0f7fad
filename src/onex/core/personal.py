"""Personal data: identity document numbers and unified social credit codes.

ID numbers are sensitive personal information (PIPL art. 28). They are validated here,
stored encrypted (:mod:`onex.core.crypto`, never a cipher directly), looked up by keyed hash,
shown masked (``1101**********002X``) and revealed in clear only through
:meth:`PersonalIdMixin.reveal_id_number`, which writes an audit event. Error messages never
echo the number back: they end up in API bodies, forms and logs.

15-digit first-generation resident ID numbers are refused, not converted: those cards stopped
being valid on 2013-01-01, and converting would invent a check digit the holder never had,
so the hash would not match the number the learner types from their 18-digit card.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidLength,
    ValidationError,
)

from onex.core import crypto
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput

if TYPE_CHECKING:
    from onex.core.actors import Actor

__all__ = [
    "ID_NUMBER_HASH_PURPOSE",
    "Gender",
    "IdHashMatcher",
    "IdType",
    "PersonalIdMixin",
    "birth_date_from_resident_id",
    "gender_from_resident_id",
    "id_hash_candidates",
    "id_hash_for",
    "mask_id_number",
    "normalize",
    "validate_credit_code",
    "validate_id_number",
]

ID_NUMBER_HASH_PURPOSE = "id_number"
# Earliest plausible birth year in a resident ID of a living person; older dates are typos.
_MIN_BIRTH_YEAR = 1900


class IdType(models.TextChoices):
    RESIDENT = "resident", _("居民身份证")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    PASSPORT = "passport", _("护照")
    FOREIGN_PERMANENT = "foreign_permanent", _("外国人永久居留身份证")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


# Simple format checks for the documents python-stdnum does not cover. Keyed by the plain
# value: an enum member hashes by its name, so a str id_type would miss a member key.
_FORMATS: dict[str, re.Pattern[str]] = {
    # 回乡证: H (Hong Kong) or M (Macao) + 8 digits (2013 card) or + 10 digits (older card).
    IdType.HK_MACAO.value: re.compile(r"[HM][0-9]{8}(?:[0-9]{2})?"),
    # 台胞证: 8 digits (2015 card) or 10 digits (older booklet).
    IdType.TAIWAN.value: re.compile(r"[0-9]{8}(?:[0-9]{2})?"),
    # Passports of any country: letters and digits, 5–17 characters, at least one digit.
    IdType.PASSPORT.value: re.compile(r"(?=[A-Z]*[0-9])[A-Z0-9]{5,17}"),
    # 外国人永久居留身份证: 2004 card 3-letter country + 12 digits; 2017/2023 cards 18 characters.
    IdType.FOREIGN_PERMANENT.value: re.compile(r"[A-Z]{3}[0-9]{12}|9[0-9]{16}[0-9X]"),
}

_FORMAT_MESSAGES: dict[str, Promise] = {
    IdType.HK_MACAO.value: _(
        "港澳居民来往内地通行证号码格式不正确，应为 H 或 M 加 8 位（或 10 位）数字。"
    ),
    IdType.TAIWAN.value: _("台湾居民来往大陆通行证号码格式不正确，应为 8 位（或 10 位）数字。"),
    IdType.PASSPORT.value: _("护照号码格式不正确，应为 5 至 17 位字母和数字。"),
    IdType.FOREIGN_PERMANENT.value: _(
        "外国人永久居留身份证号码格式不正确，应为 3 位字母加 12 位数字，或以 9 开头的 18 位号码。"
    ),
}


def normalize(value: str) -> str:
    """Canonical form: full-width characters folded (NFKC), separators removed, upper case.

    Chinese input methods often produce full-width digits and "Ｘ"; a clerk's copy-paste adds
    spaces and hyphens. All of them must hash to the same value.
    """
    if value and value.isascii() and value.isalnum():
        return value.upper()  # the common case: nothing to fold or remove
    folded = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]", "", folded).upper()


def _invalid(message: str, *, code: str = "invalid_id_number") -> InvalidInput:
    return InvalidInput(message, code=code, field="id_number")


def _validate_resident(number: str) -> str:
    """``ric.validate``'s checks, in its order, with the region lookup cached (below)."""
    if len(number) == 15 and number.isdigit():
        raise _invalid(gettext("不再受理 15 位旧版身份证号码，请填写 18 位居民身份证号码。"))
    # ``number`` is normalize()d already: no need for stdnum's (slower) compact().
    if len(number) != 18:
        raise _invalid(gettext("居民身份证号码应为 18 位。"))
    if not number[:-1].isdigit() or not number[:-1].isascii():
        raise _invalid(gettext("居民身份证号码格式不正确：前 17 位应为数字，最后一位为数字或 X。"))
    if number[-1] != ric.calc_check_digit(number):
        raise _invalid(gettext("居民身份证号码校验位不正确，请核对后重新填写。"))
    born = _resident_birth_date(number)  # stdnum accepts future dates; we do not
    if not _region_assigned(number[:6], born.year):
        raise _invalid(gettext("居民身份证号码中的地区码无效。"))
    return number


@functools.lru_cache(maxsize=65536)
def _region_assigned(region: str, year: int) -> bool:
    """Whether python-stdnum knows ``region`` as a county assigned in ``year``.

    Cached: stdnum scans its region table on every call (about 0.7 ms), which made checking
    the ID numbers of a 100,000-row file take over a minute; the answer depends only on the
    region code and the birth year.
    """
    body = f"{region}{year:04d}0101001"
    try:
        ric.get_birth_place(body + ric.calc_check_digit(body + "0"))
    except (InvalidComponent, KeyError):
        # KeyError: a prefecture-level code stdnum's table lists without counties.
        return False
    except ValidationError:
        return False
    return True


def _resident_birth_date(number: str) -> datetime.date:
    # The digits 7–14 (what stdnum's get_birth_date reads, without its compact() per call).
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < _MIN_BIRTH_YEAR or born > timezone.localdate():
        raise _invalid(gettext("居民身份证号码中的出生日期无效。"))
    return born


def validate_id_number(id_type: str, value: str) -> str:
    """The normalized number, or :class:`InvalidInput` with a Chinese message (no number in it)."""
    number = normalize(value)
    if not number:
        raise _invalid(gettext("请填写证件号码。"), code="required")
    if id_type == IdType.RESIDENT:
        return _validate_resident(number)
    pattern = _FORMATS.get(id_type)
    if pattern is None:
        raise InvalidInput(gettext("证件类型无效。"), code="invalid_id_type", field="id_type")
    if not pattern.fullmatch(number):
        raise _invalid(str(_FORMAT_MESSAGES[id_type]))
    return number


def mask_id_number(value: str) -> str:
    """``1101**********002X``: first and last 4 characters of an 18-character number.

    Shorter numbers keep at most a quarter of their length at each end, so at least half of
    any number stays hidden (``E1*****78`` for a 9-character passport).
    """
    number = normalize(value)
    keep = min(4, len(number) // 4)
    if keep == 0:
        return "*" * len(number)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def id_hash_for(id_type: str, value: str) -> str:
    """Keyed hash of a validated number, for ``.filter(id_number_hash=...)``.

    The type is not part of the hash so a public query that only has the number (and the
    name) can still find the holder; formats of different types practically never coincide.
    """
    return crypto.keyed_hash(validate_id_number(id_type, value), purpose=ID_NUMBER_HASH_PURPOSE)


class IdHashMatcher:
    """Checks many typed-in ID numbers against stored hashes (an import's rows).

    A number whose hash under the current key is the stored one is the registered number
    itself, which was validated when it was registered: only the HMAC runs. Any other number
    goes the full way (validation, then every current and retired key), so a rotation still
    matches and the answer is the one ``id_hash_candidates`` gives.
    """

    def __init__(self) -> None:
        self._hash = crypto.keyed_hasher(purpose=ID_NUMBER_HASH_PURPOSE)

    def matches(self, id_type: str, value: str, stored: str) -> bool:
        """Whether ``value`` (normalized, as ``normalize`` gives it) hashes to ``stored``."""
        if self._hash(value) == stored:
            return True
        try:
            return stored in id_hash_candidates(id_type, value)
        except InvalidInput:
            return False


def id_hash_candidates(id_type: str, value: str) -> list[str]:
    """Hashes under the current and retired keys, for ``id_number_hash__in=`` during a rotation."""
    return crypto.keyed_hash_candidates(
        validate_id_number(id_type, value), purpose=ID_NUMBER_HASH_PURPOSE
    )


def birth_date_from_resident_id(value: str) -> datetime.date:
    """Birth date encoded in a valid 18-digit resident ID number."""
    return _resident_birth_date(validate_id_number(IdType.RESIDENT, value))


def gender_from_resident_id(value: str) -> Gender:
    """Gender encoded in a valid resident ID number: 17th digit odd = male, even = female."""
    number = validate_id_number(IdType.RESIDENT, value)
    return Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE


def validate_credit_code(value: str) -> str:
    """Normalized 18-character unified social credit code (统一社会信用代码), or InvalidInput."""
    code = normalize(value)
    if not code:
        raise InvalidInput(
            gettext("请填写统一社会信用代码。"), code="required", field="credit_code"
        )
    try:
        return str(uscc.validate(code))
    except InvalidLength:
        message = gettext("统一社会信用代码应为 18 位。")
    except InvalidChecksum:
        message = gettext("统一社会信用代码校验位不正确，请核对后重新填写。")
    except ValidationError:
        message = gettext("统一社会信用代码格式不正确。")
    raise InvalidInput(message, code="invalid_credit_code", field="credit_code")


class PersonalIdMixin(models.Model):
    """Abstract fields and methods for a model that holds one person's ID document number.

    The clear number is never stored: ``id_number_enc`` (AES-GCM or SM4-GCM via core.crypto,
    bound to this model by its context), ``id_number_hash`` (keyed hash for lookups and uniqueness),
    ``id_number_masked`` (for display). Authorization to reveal is the caller's job (a
    selector/service checks the actor's scope); this only decrypts and records the view.
    """

    # Binds ciphertexts to this model so a blob copied into another table does not decrypt.
    # Override to keep old data readable if the model is ever renamed.
    id_number_context: ClassVar[str] = ""

    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT
    )
    id_number_enc = models.BinaryField(_("证件号码（密文）"), editable=False, default=b"")
    id_number_hash = models.CharField(
        _("证件号码检索摘要"), max_length=64, db_index=True, editable=False, blank=True
    )
    id_number_masked = models.CharField(_("证件号码"), max_length=32, editable=False, blank=True)

    class Meta:
        abstract = True

    def _id_number_context(self) -> str:
        return self.id_number_context or f"{self._meta.label_lower}.id_number"

    def set_id_number(self, *, id_type: str, value: str) -> None:
        """Validate and store a number (encrypted, hashed, masked); the caller saves."""
        number = validate_id_number(id_type, value)
        self.id_type = id_type
        self.id_number_enc = crypto.encrypt(number, context=self._id_number_context())
        self.id_number_hash = crypto.keyed_hash(number, purpose=ID_NUMBER_HASH_PURPOSE)
        self.id_number_masked = mask_id_number(number)

    def reveal_id_number(self, *, actor: Actor) -> str:
        """The clear number, recording in the audit chain that ``actor`` viewed it."""
        if not self.id_number_enc:
            return ""
        number = crypto.decrypt(self.id_number_enc, context=self._id_number_context()).decode()
        audit_record(actor=actor, action="personal.view", target=self, new={"field": "id_number"})
        return number
