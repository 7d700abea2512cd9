"""Resident ID numbers (居民身份证号码), GB 11643-1999: 6-digit region, birth date, sequence,
check character computed with ISO 7064 MOD 11-2."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.core.clock import local_today

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$", re.ASCII)  # \d alone also takes ٣, ３, ...


class IdNumberError(ValueError):
    """Why an ID number is invalid; `code` is one of shape / birth_date / check_digit."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    is_female: bool


def normalize(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse(raw: str, *, today: date | None = None) -> IdNumber:
    """Validate an 18-character ID number; raise IdNumberError saying what is wrong."""
    value = normalize(raw)
    if not _SHAPE.match(value):
        raise IdNumberError("shape")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as error:
        raise IdNumberError("birth_date") from error
    if born.year < 1900 or born > (today or local_today()):
        raise IdNumberError("birth_date")
    if check_char(value[:17]) != value[17]:
        raise IdNumberError("check_digit")
    return IdNumber(value=value, birth_date=born, is_female=int(value[16]) % 2 == 0)


def mask_id_number(value: str | None) -> str:
    """`411102********1234`: region and last four only."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str:
    """`138****5678` for mobiles; other numbers keep only their last four digits."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[7:]
    return "*" * max(len(digits) - 4, 0) + digits[-4:]
