"""Period codes as people read them: 2026-11 is 2026年11月 / November 2026.

Cycles and honors keep the code (URLs, API data, CSV columns); pages, headings, feeds and
certificates show the label. External programs' free labels (e.g. 2026年第1批) stay as typed.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import force_locale, format_date, gettext, pgettext

MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
QUARTER = re.compile(r"(\d{4})-Q([1-4])")
YEAR = re.compile(r"\d{4}")
YEARS = re.compile(r"(\d{4})-(\d{4})")
CHINESE_DIGITS = "〇一二三四"


def period_label(period: str | None) -> str:
    """The label of a period code in the current language (anything else unchanged)."""
    if not period:
        return ""
    if match := MONTH.fullmatch(period):
        year, month = int(match[1]), int(match[2])
        return gettext(
            "%(month_name)s %(year)d",
            month_name=format_date(date(year, month, 1), "LLLL"),
            month=month,
            year=year,
        )
    if match := QUARTER.fullmatch(period):
        quarter = int(match[2])
        return gettext(
            "Q%(quarter)d %(year)d",
            quarter=quarter,
            quarter_zh=CHINESE_DIGITS[quarter],
            year=int(match[1]),
        )
    if YEAR.fullmatch(period):
        return pgettext("period", "%(year)d", year=int(period))
    if match := YEARS.fullmatch(period):
        return pgettext("period", "%(first)d–%(last)d", first=int(match[1]), last=int(match[2]))
    return period


def period_label_zh(period: str | None) -> str:
    """The Chinese label, for texts that are Chinese whatever the page language
    (certificates, the Atom feed, spreadsheet headings)."""
    with force_locale("zh"):
        return period_label(period)
