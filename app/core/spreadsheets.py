"""The one way the app writes spreadsheets (xlsx and CSV): user text stays text.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by Excel, WPS and LibreOffice (OWASP "CSV injection"). Every writer goes through here:
- xlsx: every string is an explicit inline-string cell, never a formula; a string that
  begins with one of those characters also gets Excel's "quote prefix" style (what typing a
  leading `'` does), so editing the cell keeps it text. The value itself is unchanged.
- CSV: a string field that begins with one of those characters is prefixed with `'`, as
  OWASP advises (CSV has no types, so this is the only defence a reader's program sees).
Numbers (int, float, Decimal) are written as numbers: a negative number is not neutralised.
defusedcsv does the CSV half but leaves tab and carriage return alone, so the rule is here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, time
from numbers import Number

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    """True when a spreadsheet program would read `text` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def csv_field(value):
    """A CSV field: numbers and None as they are, any other value as defused text."""
    if value is None or isinstance(value, Number):
        return value
    text = str(value)
    return "'" + text if is_risky(text) else text


def csv_text(rows: Iterable[Iterable]) -> str:
    """CSV with a BOM (spreadsheet programs then read the Chinese text as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_field(value) for value in row])
    return "\ufeff" + out.getvalue()


class XlsxBook:
    """A write-only workbook whose sheets store every string as text (see module doc)."""

    def __init__(self) -> None:
        self._workbook = Workbook(write_only=True)

    def sheet(self, title: str) -> XlsxSheet:
        return XlsxSheet(self._workbook.create_sheet(title))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


class XlsxSheet:
    def __init__(self, worksheet) -> None:
        self._worksheet = worksheet

    def append(self, row: Iterable) -> None:
        self._worksheet.append([self._cell(value) for value in row])

    def _cell(self, value):
        if value is None or isinstance(value, Number | date | time):
            return value  # typed cells: numbers and dates are never formulas
        # Control characters are not allowed in xlsx (openpyxl would raise): drop them.
        cell = WriteOnlyCell(self._worksheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        # openpyxl turns any string starting with "=" into a formula: force text.
        cell.data_type = "s"
        if is_risky(cell.value):
            cell.quotePrefix = True
        return cell
