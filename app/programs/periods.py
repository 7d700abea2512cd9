"""Period codes as people read them: 2026-11 is 2026年11月 / November 2026.

Cycles and honors keep the code (URLs, API data, CSV columns); pages, headings, feeds and
certificates show the label. External programs' free labels (e.g. 2026年第1批) stay as typed.
"""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_skeleton
from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l

MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
QUARTER = re.compile(r"(\d{4})-Q([1-4])")
YEAR = re.compile(r"\d{4}")
YEARS = re.compile(r"(\d{4})-(\d{4})")
QUARTER_NAMES = {1: _l("Q1"), 2: _l("Q2"), 3: _l("Q3"), 4: _l("Q4")}


def period_label(period: str | None) -> str:
    """The label of a period code in the current language (anything else unchanged)."""
    if not period:
        return ""
    if match := MONTH.fullmatch(period):
        # CLDR's year-month: 2026年11月 / November 2026.
        day = date(int(match[1]), int(match[2]), 1)
        return format_skeleton("yMMMM", day, locale=get_locale())
    if match := QUARTER.fullmatch(period):
        quarter = QUARTER_NAMES[int(match[2])]
        return gettext("%(quarter)s %(year)d", quarter=quarter, year=int(match[1]))
    # An annual or biennial edition: "2026" in English, 2026年度 in Chinese.
    if YEAR.fullmatch(period):
        return gettext("%(year)d", year=int(period))
    if match := YEARS.fullmatch(period):
        return gettext("%(first)d–%(last)d", first=int(match[1]), last=int(match[2]))
    return period


def period_label_zh(period: str | None) -> str:
    """The Chinese label, for texts that are Chinese whatever the page language
    (certificates, the Atom feed, spreadsheet headings)."""
    with force_locale("zh"):
        return period_label(period)
