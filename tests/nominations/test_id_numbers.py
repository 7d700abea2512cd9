"""GB 11643-1999 ID numbers and masking."""

from __future__ import annotations

from datetime import date

import pytest

from app.privacy.id_numbers import IdNumberError, mask_id_number, mask_phone, parse
from tests.factories import valid_id_number


def test_valid_id_number_parses_birth_and_gender():
    parsed = parse(valid_id_number("19800512", "123"))
    assert parsed.birth_date == date(1980, 5, 12)
    assert parsed.is_female is False  # odd 17th digit


def test_known_real_format_with_x_check_digit():
    # The standard's worked example: 11010519491231002X.
    assert parse("11010519491231002x").value == "11010519491231002X"


def test_bad_check_digit_refused():
    good = valid_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(IdNumberError) as error:
        parse(bad)
    assert error.value.code == "check_digit"


@pytest.mark.parametrize("birth", ["19801332", "19800230", "21000101", "18991231"])
def test_bad_birth_date_refused(birth):
    with pytest.raises(IdNumberError) as error:
        parse(valid_id_number(birth), today=date(2026, 11, 30))
    assert error.value.code == "birth_date"


@pytest.mark.parametrize(
    "raw", ["", "12345", "4111021980051212345", "0111021980051212X", "41110219800512123Y"]
)
def test_bad_shape_refused(raw):
    with pytest.raises(IdNumberError) as error:
        parse(raw)
    assert error.value.code == "shape"


def test_masks():
    assert mask_id_number("411102198005121234") == "411102********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0395-1234567") == "********4567"
    assert mask_id_number(None) == "" and mask_phone("") == ""
