"""Reading an uploaded sheet as rows of text, bounded before and while parsing.

An .xlsx is a zip: its parts are checked (total unpacked size, compression ratio, the
sheet's declared <dimension>) before openpyxl opens it, then rows are streamed in read-only
mode with a row and a column cap, so a tiny file that declares A1:XFD8000 or unpacks to
gigabytes is refused instead of filling memory. CSV rows are streamed with the same caps.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, range_boundaries

# What each ImportFileError code tells the person who uploaded the file.
FILE_ERRORS = {
    "type": _l("Upload an .xlsx or .csv file."),
    "xlsx": _l("The Excel file cannot be read."),
    "encoding": _l("The CSV file must be UTF-8 or GB18030."),
    "empty": _l("The file is empty."),
    "too_many": _l("Too many rows (at most 50,000 per file)."),
    "too_wide": _l("Too many columns (at most 100 per sheet, 10,000 commas per CSV row)."),
    "too_big": _l(
        "The Excel file unpacks to too much data (at most 100 MB, 16 MB of text). "
        "Split it into smaller files."
    ),
}

MAX_ROWS = 50_000
# Sheet rows read at most (header and blank rows included) before refusing the file.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_COLUMNS = 100
# Unpacked size of the whole .xlsx, and of any part openpyxl loads whole (not the sheet,
# which is streamed): shared strings, styles, the workbook.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024
# XML compresses about 10:1; a zip bomb reaches 1000:1.
MAX_RATIO = 100
MAX_ZIP_ENTRIES = 1_000
# Separators in one CSV record: bounds the fields of a row before csv builds the list.
MAX_CSV_SEPARATORS = 10_000
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z0-9:$]+)\"")


class ImportFileError(Exception):
    """The file itself cannot be read (not a row-level problem); the message is a code."""


# C0 controls but tab and newlines, as forms strip them (PostgreSQL refuses NUL in text).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every C0 control, for one-line values (codes, names, usernames).
LINE_BREAKING_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def records(
    table: Iterator[list[str]],
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    *,
    strip: re.Pattern[str] = CONTROL_CHARS,
    optional: bool = False,
) -> list[tuple[int, dict[str, str]]]:
    """(sheet row number, {field: text}) for every non-empty data row of `table`.

    The first row is the header: a column is found by any of its names (`columns[key]`,
    the first is the one error messages name), case-insensitively. A missing required
    column raises ImportFileError("columns:…"); an empty sheet raises "empty" unless
    `optional`, and more than MAX_ROWS data rows raise "too_many".
    """
    first = next(table, None)
    if first is None:
        if optional:
            return []
        raise ImportFileError("empty")
    header = [h.strip().casefold() for h in first]
    positions = {}
    for key, names in columns.items():
        wanted = {name.casefold() for name in names}
        for index, title in enumerate(header):
            if title in wanted:
                positions[key] = index
    missing = [columns[key][0] for key in required if key not in positions]
    if missing:
        raise ImportFileError("columns:" + "、".join(missing))
    rows = []
    for number, values in enumerate(table, start=2):
        record = {
            key: (strip.sub("", values[i]).strip() if i < len(values) else "")
            for key, i in positions.items()
        }
        if any(record.values()):
            rows.append((number, record))
            if len(rows) > MAX_ROWS:
                raise ImportFileError("too_many")
    return rows


def csv_table(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise ImportFileError("encoding") from error
    lines = _CountedLines(text)
    try:
        for count, row in enumerate(csv.reader(lines), start=1):
            if count > MAX_SHEET_ROWS:
                raise ImportFileError("too_many")
            lines.separators = 0
            yield row
    except csv.Error as error:  # e.g. a field over the csv module's size limit
        raise ImportFileError("csv") from error


class _CountedLines:
    """The lines of a CSV text, refusing a record with too many separators: csv.reader asks
    for one record's lines at a time, so the count is reset after each record."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._start = 0
        self.separators = 0

    def __iter__(self) -> _CountedLines:
        return self

    def __next__(self) -> str:
        # Sliced one at a time: io.StringIO would hold a second, 4-byte-per-character copy.
        start = self._start
        if start >= len(self._text):
            raise StopIteration
        end = self._text.find("\n", start)
        end = len(self._text) if end < 0 else end + 1
        self._start = end
        line = self._text[start:end]
        self.separators += line.count(",")
        if self.separators > MAX_CSV_SEPARATORS:
            raise ImportFileError("too_wide")
        return line


def xlsx_table(data: bytes, sheet: int = 0) -> Iterator[list[str]]:
    """The rows of worksheet number `sheet` (none if the workbook has fewer sheets)."""
    check_xlsx(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook
        raise ImportFileError("xlsx") from error
    try:
        # An explicit max_col: openpyxl otherwise pads every row to its widest cell.
        if sheet >= len(workbook.worksheets):
            return
        rows = workbook.worksheets[sheet].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        count = 0
        while True:
            try:
                # Read-only sheets parse lazily: a bad cell value only fails while iterating.
                row = next(rows, None)
            except Exception as error:  # noqa: BLE001 - any unreadable sheet
                raise ImportFileError("xlsx") from error
            if row is None:
                return
            count += 1
            if count > MAX_SHEET_ROWS:
                raise ImportFileError("too_many")
            yield ["" if v is None else _cell(v) for v in row]
    finally:
        workbook.close()


def check_xlsx(data: bytes) -> None:
    """Refuse a zip that would unpack too large, or a sheet declared too large, before
    openpyxl reads it. zipfile never yields more than an entry's declared size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError("xlsx") from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ImportFileError("too_big")
        total = 0
        for info in entries:
            total += info.file_size
            is_sheet = info.filename.startswith("xl/worksheets/")
            too_dense = info.file_size > 1024 * 1024 and (
                info.file_size > MAX_RATIO * max(info.compress_size, 1)
            )
            if too_dense or (not is_sheet and info.file_size > MAX_PART_BYTES):
                raise ImportFileError("too_big")
        if total > MAX_UNPACKED_BYTES:
            raise ImportFileError("too_big")
        for info in entries:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_dimension(archive, info)


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    try:
        with archive.open(info) as part:
            head = part.read(64 * 1024)  # <dimension> comes first, after <sheetPr>
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ImportFileError("xlsx") from error
    match = _DIMENSION.search(head)
    if match is None:
        return
    ref = match[1].decode().replace("$", "")
    try:
        if ":" in ref:
            _min_col, _min_row, max_col, max_row = range_boundaries(ref)
        else:
            letters = ref.rstrip("0123456789")
            max_col, max_row = column_index_from_string(letters), int(ref[len(letters) :])
    except (ValueError, TypeError):
        return  # an odd ref: the caps while streaming still hold
    if max_row is not None and max_row > MAX_SHEET_ROWS:
        raise ImportFileError("too_many")
    if max_col is not None and max_col > MAX_COLUMNS:
        raise ImportFileError("too_wide")


def _cell(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
