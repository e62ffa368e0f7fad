"""onex.core.personal (ID numbers, credit codes) and the log redaction filter."""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps
from stdnum.cn import ric

from onex.core import crypto
from onex.core.errors import InvalidInput
from onex.core.logging import RedactPersonalData, redact
from onex.core.models import AuditEvent
from onex.core.personal import (
    Gender,
    IdType,
    PersonalIdMixin,
    birth_date_from_resident_id,
    gender_from_resident_id,
    id_hash_candidates,
    id_hash_for,
    mask_id_number,
    validate_credit_code,
    validate_id_number,
)
from tests.personas import Personas


def resident_id(first17: str) -> str:
    """A resident ID number with the correct check digit (computed by stdnum, not by hand)."""
    return first17 + ric.calc_check_digit(first17 + "0")


FEMALE_ID = resident_id("11010119900307002")  # 11010119900307002X
MALE_ID = resident_id("44010620050101123")
VALID_USCC = "91110000MA0000000H"


def _refused(id_type: str, value: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        validate_id_number(id_type, value)
    error = info.value
    # Never echo the number (or a recognizable chunk of it) back: messages reach logs and pages.
    assert value not in str(error.message)
    assert value[:10] not in str(error.message)
    assert error.field in {"id_number", "id_type"}
    return error


# --- resident ID numbers -----------------------------------------------------------------------


def test_valid_resident_id_is_normalized() -> None:
    assert FEMALE_ID == "11010119900307002X"
    assert validate_id_number(IdType.RESIDENT, FEMALE_ID) == FEMALE_ID
    assert validate_id_number(IdType.RESIDENT, " 110101 19900307 002x ") == FEMALE_ID
    # Full-width digits and Ｘ from a Chinese input method.
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in FEMALE_ID)
    assert validate_id_number("resident", full_width) == FEMALE_ID


def test_resident_id_with_a_bad_check_digit_is_refused() -> None:
    bad = FEMALE_ID[:-1] + "1"
    assert "校验位" in str(_refused(IdType.RESIDENT, bad).message)


def test_resident_id_with_an_impossible_birth_date_is_refused() -> None:
    assert "出生日期" in str(_refused(IdType.RESIDENT, resident_id("11010119901332002")).message)
    assert "出生日期" in str(_refused(IdType.RESIDENT, resident_id("11010118000101002")).message)


def test_resident_id_born_in_the_future_is_refused() -> None:
    future = (datetime.date.today() + datetime.timedelta(days=400)).strftime("%Y%m%d")
    assert "出生日期" in str(_refused(IdType.RESIDENT, resident_id(f"110101{future}002")).message)


def test_resident_id_with_an_unknown_region_is_refused() -> None:
    assert "地区码" in str(_refused(IdType.RESIDENT, resident_id("99999919900307002")).message)


def test_resident_id_with_a_code_stdnum_lists_without_counties_is_refused_not_a_crash() -> None:
    # python-stdnum's region table has prefecture entries with no county list (110120 here);
    # its validate() raised KeyError for them, which became a server error on every ID form.
    error = _refused(IdType.RESIDENT, resident_id("11012019900101001"))
    assert "地区码" in str(error.message)


def test_legacy_15_digit_resident_id_is_refused_not_converted() -> None:
    error = _refused(IdType.RESIDENT, "110101900307002")
    assert "15 位" in str(error.message)


@pytest.mark.parametrize("value", ["1101011990030700", "11010119900307002XX", "11010A19900307002X"])
def test_malformed_resident_id_is_refused(value: str) -> None:
    _refused(IdType.RESIDENT, value)


def test_empty_id_number_and_unknown_type_are_refused() -> None:
    assert _refused(IdType.RESIDENT, "  ").code == "required"
    assert _refused("driving_licence", FEMALE_ID).field == "id_type"


# --- other documents ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "value", "normalized"),
    [
        (IdType.HK_MACAO, "h12345678", "H12345678"),
        (IdType.HK_MACAO, "M1234567890", "M1234567890"),
        (IdType.TAIWAN, "12345678", "12345678"),
        (IdType.TAIWAN, "1234567890", "1234567890"),
        (IdType.PASSPORT, "E12345678", "E12345678"),
        (IdType.PASSPORT, "c 1234 5678", "C12345678"),
        (IdType.FOREIGN_PERMANENT, "USA110090010101", "USA110090010101"),
        (IdType.FOREIGN_PERMANENT, "931840199003070012", "931840199003070012"),
    ],
)
def test_other_documents_pass_their_format_check(id_type: str, value: str, normalized: str) -> None:
    assert validate_id_number(id_type, value) == normalized


@pytest.mark.parametrize(
    ("id_type", "value"),
    [
        (IdType.HK_MACAO, "A12345678"),
        (IdType.HK_MACAO, "H1234567"),
        (IdType.TAIWAN, "1234567"),
        (IdType.TAIWAN, "T1234567"),
        (IdType.PASSPORT, "ABCDEFGH"),
        (IdType.PASSPORT, "E12"),
        (IdType.FOREIGN_PERMANENT, "US110090010101"),
        (IdType.FOREIGN_PERMANENT, "131840199003070012"),
    ],
)
def test_other_documents_with_a_bad_format_are_refused(id_type: str, value: str) -> None:
    _refused(id_type, value)


# --- masking, derived facts, hashes ------------------------------------------------------------


def test_mask_keeps_first_and_last_four_of_a_resident_id() -> None:
    assert mask_id_number(FEMALE_ID) == "1101**********002X"
    assert mask_id_number("11010119900307002x") == "1101**********002X"


def test_mask_of_shorter_numbers_hides_at_least_half() -> None:
    assert mask_id_number("E12345678") == "E1*****78"
    assert mask_id_number("H12345678") == "H1*****78"
    assert mask_id_number("USA110090010101") == "USA*********101"
    assert mask_id_number("123") == "***"
    assert mask_id_number("") == ""


def test_gender_and_birth_date_come_from_a_resident_id() -> None:
    assert gender_from_resident_id(FEMALE_ID) == Gender.FEMALE
    assert gender_from_resident_id(MALE_ID) == Gender.MALE
    assert birth_date_from_resident_id(FEMALE_ID) == datetime.date(1990, 3, 7)
    assert birth_date_from_resident_id(MALE_ID) == datetime.date(2005, 1, 1)
    with pytest.raises(InvalidInput):
        gender_from_resident_id(FEMALE_ID[:-1] + "1")


def test_id_hash_is_the_keyed_hash_of_the_normalized_number() -> None:
    digest = id_hash_for(IdType.RESIDENT, FEMALE_ID)
    assert digest == id_hash_for(IdType.RESIDENT, "110101 19900307 002x")
    assert digest == crypto.keyed_hash(FEMALE_ID, purpose="id_number")
    assert digest != id_hash_for(IdType.RESIDENT, MALE_ID)
    assert id_hash_candidates(IdType.RESIDENT, FEMALE_ID)[0] == digest
    with pytest.raises(InvalidInput):
        id_hash_for(IdType.RESIDENT, "110101199003070021")


# --- unified social credit codes ---------------------------------------------------------------


def test_valid_credit_code_is_normalized() -> None:
    assert validate_credit_code(VALID_USCC) == VALID_USCC
    assert validate_credit_code(" 91110000ma0000000h ") == VALID_USCC


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("91110000MA00000000", "校验位"),
        ("91110000MA000000", "18 位"),
        ("", "请填写"),
    ],
)
def test_invalid_credit_code_is_refused_in_chinese(value: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as info:
        validate_credit_code(value)
    assert fragment in str(info.value.message)
    assert info.value.field == "credit_code"


# --- the model mixin ---------------------------------------------------------------------------


@pytest.fixture
def person_model() -> Iterator[type[PersonalIdMixin]]:
    # No project model uses the mixin yet; an isolated registry gives a concrete class without
    # adding a model (or a migration) to any app. Instances are never saved.
    with isolate_apps("onex.core"):

        class Person(PersonalIdMixin):
            name = models.CharField(max_length=20)

            class Meta:
                app_label = "core"

        yield Person


def test_set_id_number_stores_ciphertext_hash_and_mask_never_the_number(
    person_model: type[PersonalIdMixin],
) -> None:
    person = person_model()
    person.set_id_number(id_type=IdType.RESIDENT, value="110101 19900307 002x")
    assert person.id_type == IdType.RESIDENT
    assert person.id_number_masked == "1101**********002X"
    assert person.id_number_hash == id_hash_for(IdType.RESIDENT, FEMALE_ID)
    assert FEMALE_ID.encode() not in bytes(person.id_number_enc)
    stored = {f.attname: getattr(person, f.attname) for f in person._meta.concrete_fields}
    assert FEMALE_ID not in repr(stored)


def test_set_id_number_refuses_an_invalid_number_and_keeps_the_old_one(
    person_model: type[PersonalIdMixin],
) -> None:
    person = person_model()
    person.set_id_number(id_type=IdType.RESIDENT, value=FEMALE_ID)
    with pytest.raises(InvalidInput):
        person.set_id_number(id_type=IdType.RESIDENT, value=FEMALE_ID[:-1] + "1")
    assert person.id_number_masked == "1101**********002X"


@pytest.mark.django_db
def test_revealing_an_id_number_writes_an_audit_event(
    personas: Personas, person_model: type[PersonalIdMixin]
) -> None:
    person = person_model(pk=41)
    person.set_id_number(id_type=IdType.PASSPORT, value="E12345678")
    before = AuditEvent.objects.count()

    assert person.reveal_id_number(actor=personas.gd.actor) == "E12345678"

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "personal.view"
    assert event.actor_username == personas.gd.user.username
    assert event.target_type == "core.person"
    assert event.target_id == "41"
    assert event.new == {"field": "id_number"}
    assert "E12345678" not in repr(event.new) + repr(event.old)


@pytest.mark.django_db
def test_revealing_an_empty_id_number_writes_nothing(
    personas: Personas, person_model: type[PersonalIdMixin]
) -> None:
    before = AuditEvent.objects.count()
    assert person_model().reveal_id_number(actor=personas.gd.actor) == ""
    assert AuditEvent.objects.count() == before


def test_ciphertext_is_bound_to_its_model(person_model: type[PersonalIdMixin]) -> None:
    person = person_model()
    person.set_id_number(id_type=IdType.RESIDENT, value=FEMALE_ID)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(person.id_number_enc, context="catalog.orgfiling.id_number")
    assert crypto.decrypt(person.id_number_enc, context="core.person.id_number") == (
        FEMALE_ID.encode()
    )


# --- log redaction -----------------------------------------------------------------------------


@pytest.fixture
def redacted_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData())
    logger = logging.getLogger("onex.tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def test_configured_console_handler_redacts() -> None:
    config = cast("dict[str, Any]", settings.LOGGING)
    assert config["filters"]["redact"]["()"] == "onex.core.logging.RedactPersonalData"
    assert "redact" in config["handlers"]["console"]["filters"]


def test_id_numbers_in_log_messages_and_arguments_are_masked(
    redacted_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = redacted_log
    logger.info("import row 3: 身份证号%s 姓名 %s", FEMALE_ID, "张三")
    logger.info("lookup id_number=%(id)s", {"id": MALE_ID.lower()})
    logger.info("legacy 110101900307002 and permit H12345678.")
    output = stream.getvalue()
    assert FEMALE_ID not in output and MALE_ID not in output
    assert "身份证号1101**********002X 姓名 张三" in output
    assert "id_number=4401**********1237" in output
    assert "110101900307002" not in output and "H12345678" not in output


def test_masked_numbers_are_kept_as_they_are(
    redacted_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = redacted_log
    logger.info("shown %s", mask_id_number(FEMALE_ID))
    assert stream.getvalue() == "shown 1101**********002X\n"
    assert redact("1101**********002X") == "1101**********002X"
    # The log mask has the same shape as the display mask.
    assert redact(FEMALE_ID) == mask_id_number(FEMALE_ID)


def test_id_numbers_in_tracebacks_are_masked(
    redacted_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = redacted_log
    try:
        raise ValueError(f"bad row {FEMALE_ID}")
    except ValueError:
        logger.exception("import failed")
    output = stream.getvalue()
    assert "ValueError: bad row 1101**********002X" in output
    assert FEMALE_ID not in output


def test_long_digit_runs_that_are_not_id_shaped_are_left_alone() -> None:
    assert redact("order 1234567890123456789012") == "order 1234567890123456789012"
    assert redact("amount 12345.67 on 20240307") == "amount 12345.67 on 20240307"
