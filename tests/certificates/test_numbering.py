from __future__ import annotations

import datetime as dt

import pytest
from stdnum.iso7064 import mod_37_36

from onex.certificates.models import NumberSeries
from onex.certificates.services.numbering import (
    NUMBER_LENGTH,
    compose,
    normalize_number,
    parse_number,
    validate_number,
)
from onex.core.errors import InvalidInput
from tests.factories_certificates import ID_B, World


def test_number_encodes_year_certificate_level_province_serial_and_check() -> None:
    number = compose(
        year=2019, certificate_id=42, level="intermediate", province_code="440000", serial=17
    )
    assert len(number) == NUMBER_LENGTH
    assert number.startswith("2019" + "00042" + "B" + "44" + "000017")
    assert mod_37_36.is_valid(number)
    parts = parse_number(number)
    assert (parts.year, parts.certificate_id, parts.level) == (2019, 42, "intermediate")
    assert (parts.province_prefix, parts.serial) == ("44", 17)


def test_every_single_character_typo_is_caught_before_lookup() -> None:
    number = compose(year=2020, certificate_id=7, level="junior", province_code="420000", serial=3)
    for i in range(len(number)):
        for replacement in "0123456789X":
            if replacement == number[i]:
                continue
            typo = number[:i] + replacement + number[i + 1 :]
            with pytest.raises(InvalidInput) as exc:
                validate_number(typo)
            assert str(exc.value.message) == "号码格式或校验位错误"


def test_adjacent_swaps_are_caught() -> None:
    number = compose(year=2020, certificate_id=7, level="junior", province_code="420000", serial=3)
    for i in range(len(number) - 1):
        if number[i] == number[i + 1]:
            continue
        swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        with pytest.raises(InvalidInput):
            validate_number(swapped)


def test_full_width_and_spaces_are_normalized() -> None:
    number = compose(year=2020, certificate_id=7, level="junior", province_code="420000", serial=3)
    spaced = " ".join([number[:4], number[4:12], number[12:]])
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in spaced.replace(" ", ""))
    assert validate_number(spaced) == number
    assert normalize_number(full_width) == number


def test_serials_are_consecutive_per_series_and_separate_series_start_at_one(
    world: World,
) -> None:
    a = world.enter(name="甲", issued_on=dt.date(2020, 6, 1))
    b = world.enter(name="乙", id_number=ID_B, issued_on=dt.date(2020, 6, 1))
    c = world.enter(name="丙", issued_on=dt.date(2020, 6, 1), level="junior")
    assert (a.serial, b.serial, c.serial) == (1, 2, 1)
    assert a.series_id == b.series_id != c.series_id
    assert NumberSeries.objects.get(pk=a.series_id).last == 2
    assert a.number[12:18] == "000001" and b.number[12:18] == "000002"
    assert a.number[10:12] == "44"


def test_a_refused_issue_leaves_no_gap(world: World) -> None:
    world.enter(name="甲")
    with pytest.raises(InvalidInput):
        world.enter(name="乙", id_number="123")  # invalid ID: refused inside the transaction
    nxt = world.enter(name="丙")
    assert nxt.serial == 2


def test_numbers_are_never_masked_as_id_numbers_by_log_redaction() -> None:
    from onex.core.logging import redact

    for level in ("junior", "intermediate", "senior"):
        for serial in range(1, 60):
            number = compose(
                year=2020, certificate_id=12, level=level, province_code="440000", serial=serial
            )
            assert redact(f"certificate {number} issued") == f"certificate {number} issued"
