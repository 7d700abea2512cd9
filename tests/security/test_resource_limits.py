"""Resource exhaustion: crafted import files, attachment floods and Markdown preview bombs
are refused (or handled) within a memory and work bound."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from openpyxl import Workbook
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from app.accounts.models import Role
from app.core import sheet_reading as reading
from app.core import uploads
from app.extensions import db
from app.importer.services import COLUMNS, ImportFileError, read_rows
from app.nominations.models import Nomination, NominationAttachment, NominationPhoto
from tests import factories
from tests.conftest import csrf_token
from tests.nominations.test_nominator_flow import form_data

HEADERS = [names[0] for names in COLUMNS.values()]
SHEET = "xl/worksheets/sheet1.xml"
NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = (
    b'<row r="1">'
    + b"".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'.encode()
        for i, h in enumerate(["姓名", "评选项目", "期次"])
    )
    + b"</row>"
)
MB = 1024 * 1024


def _xlsx(replace: dict[str, object]) -> bytes:
    """A real workbook from openpyxl whose parts in `replace` are swapped: bytes, or a
    callable writing the part in chunks (so a test can build a bomb without holding it)."""
    workbook = Workbook()
    workbook.active.append(HEADERS)
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = [*source.namelist(), *(n for n in replace if n not in source.namelist())]
        for name in names:
            part = replace.get(name)
            if callable(part):
                with target.open(name, "w") as stream:
                    part(stream)
            else:
                target.writestr(name, part if part is not None else source.read(name))
    return out.getvalue()


def _sheet(body: bytes, dimension: str | None = None) -> bytes:
    declared = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return NS + declared + b"<sheetData>" + HEADER_ROW + body + b"</sheetData></worksheet>"


def _padded(part_head: bytes, part_tail: bytes, megabytes: int):
    def write(stream) -> None:
        stream.write(part_head)
        chunk = b" " * MB
        for _ in range(megabytes):
            stream.write(chunk)
        stream.write(part_tail)

    return write


def _peak_mib(function, *args) -> tuple[object, float]:
    tracemalloc.start()
    try:
        try:
            result = function(*args)
        except ImportFileError as error:
            result = error
        return result, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def _import_page(login_as, data: bytes, filename: str) -> BeautifulSoup:
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, "/staff/import")
    response = staff.post(
        "/staff/import?lang=en",
        data={"csrf_token": token, "mode": "check", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_import_xlsx_declaring_a1_xfd8000_is_refused_next_to_file_field(login_as):
    data = _xlsx({SHEET: _sheet(b"", dimension="A1:XFD8000")})
    page = _import_page(login_as, data, "history.xlsx")
    error = page.find(id="file-error")
    assert error.get_text(strip=True) == (
        "Too many columns (at most 100 per sheet, 10,000 commas per CSV row)."
    )
    assert page.find(id="file")["aria-describedby"] == "file-error"


def test_import_xlsx_declaring_too_many_rows_is_refused_before_reading():
    data = _xlsx({SHEET: _sheet(b"", dimension="A1:C1048576")})
    result, peak = _peak_mib(read_rows, data, "h.xlsx")
    assert str(result) == "too_many"
    assert peak < 20


def test_import_xlsx_cells_at_column_xfd_without_dimension_stay_within_memory():
    body = b"".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>张{r}</t></is></c>'
        f'<c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        for r in range(2, 2002)
    )
    result, peak = _peak_mib(read_rows, _xlsx({SHEET: _sheet(body)}), "h.xlsx")
    assert len(result) == 2000
    assert result[0] == (2, {"name": "张2", "program": "", "period": ""})
    assert peak < 40


def test_import_xlsx_rows_past_the_cap_are_refused():
    row = reading.MAX_SHEET_ROWS + 1
    body = f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(ImportFileError, match="^too_many$"):
        read_rows(_xlsx({SHEET: _sheet(body.encode())}), "h.xlsx")


@pytest.mark.parametrize(
    ("part", "megabytes"),
    [
        # Over the total: 110 MB unpacked from about 110 KB.
        ("xl/sharedStrings.xml", 110),
        # Under the total but 1000:1, and a part openpyxl would load whole.
        ("xl/sharedStrings.xml", 20),
        # The streamed sheet itself at 1000:1.
        (SHEET, 30),
    ],
)
def test_import_zip_bomb_is_refused_next_to_file_field(login_as, part, megabytes):
    if part == SHEET:
        bomb = _padded(NS + b"<sheetData>" + HEADER_ROW, b"</sheetData></worksheet>", megabytes)
    else:
        sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        bomb = _padded(sst, b"</sst>", megabytes)
    data = _xlsx({part: bomb})
    assert len(data) < 200 * 1024
    result, peak = _peak_mib(read_rows, data, "h.xlsx")
    assert str(result) == "too_big"
    assert peak < 10
    page = _import_page(login_as, data, "bomb.xlsx")
    assert (
        page.find(id="file-error")
        .get_text(strip=True)
        .startswith("The Excel file unpacks to too much data")
    )


def test_import_csv_row_with_too_many_fields_is_refused_within_memory():
    data = ("姓名,评选项目,期次\n" + "a," * 2_000_000 + "\n").encode()
    result, peak = _peak_mib(read_rows, data, "h.csv")
    assert str(result) == "too_wide"
    assert peak < 40


def test_import_csv_quoted_newlines_do_not_hide_a_wide_row():
    row = ("a," * 5_000 + '"\n",') * 3
    with pytest.raises(ImportFileError, match="^too_wide$"):
        read_rows(("姓名,评选项目,期次\n" + row + "\n").encode(), "h.csv")


def test_import_csv_rows_past_the_cap_are_refused():
    data = ("姓名,评选项目,期次\n" + "\n" * reading.MAX_SHEET_ROWS).encode()
    with pytest.raises(ImportFileError, match="^too_many$"):
        read_rows(data, "h.csv")


# --- attachments and photos per request ---------------------------------------------------


@pytest.fixture
def setup(app):
    with app.app_context():
        org = factories.make_org(name="幸福社区", code="xingfu")
        cycle = factories.make_open_cycle()
        return {
            "org": org.id,
            "cycle": cycle.id,
            "category": cycle.program.categories[0].category_id,
        }


def _post_files(client, url: str, data: dict, files: list[tuple[str, bytes, str]]):
    payload = MultiDict(data)
    payload["csrf_token"] = csrf_token(client, url)
    for key, content, name in files:
        payload.add(key, FileStorage(io.BytesIO(content), filename=name))
    body, _length, boundary = stream_encode_multipart(payload, use_tempfile=False)
    return client.post(
        url, data=body.getvalue(), content_type=f"multipart/form-data; boundary={boundary}"
    )


def _field_error(response, field: str) -> str:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return page.find(id=f"{field}-error").get_text(" ", strip=True)


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


def _attachment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(NominationAttachment))


def test_attachments_past_the_per_request_cap_are_refused_unread(app, login_as, setup):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    pdfs = [("attachments", b"%PDF-1.4\n%x\n", f"{i}.pdf") for i in range(11)]
    response = _post_files(
        nominator,
        f"/nominations/new/{setup['cycle']}?lang=en",
        form_data(setup, action="save"),
        pdfs,
    )
    assert _field_error(response, "attachments") == "At most 10 attachments at a time."
    assert _attachment_count(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0


def test_attachments_past_the_per_nomination_cap_are_refused_before_storing(app, login_as, setup):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    url = f"/nominations/new/{setup['cycle']}"
    ten = [("attachments", b"%PDF-1.4\n%x\n", f"{i}.pdf") for i in range(10)]
    _post_files(nominator, url, form_data(setup, action="save"), ten)
    with app.app_context():
        nomination_id = db.session.scalars(sa.select(Nomination.id)).one()
    edit = f"/nominations/{nomination_id}/edit"
    _post_files(nominator, edit, form_data(setup, action="save"), ten)
    assert _attachment_count(app) == 20
    stored = set((Path(app.instance_path) / "uploads").rglob("*.pdf"))
    response = _post_files(nominator, edit + "?lang=en", form_data(setup, action="save"), ten[:1])
    assert _field_error(response, "attachments") == "At most 20 attachments per nomination."
    assert _attachment_count(app) == 20
    assert set((Path(app.instance_path) / "uploads").rglob("*.pdf")) == stored


def test_images_past_the_pixel_budget_are_refused_before_decoding(
    app, login_as, setup, monkeypatch
):
    decoded = []
    real_open = uploads.open_image
    monkeypatch.setattr(uploads, "open_image", lambda data: decoded.append(1) or real_open(data))
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    thirty = _png(6000, 5000)
    response = _post_files(
        nominator,
        f"/nominations/new/{setup['cycle']}?lang=en",
        form_data(setup, action="save", **{"life-0-alt": "a", "life-1-alt": "b"}),
        [("life-0-file", thirty, "a.png"), ("life-1-file", thirty, "b.png")]
        + [("attachments", thirty, f"{i}.png") for i in range(2)],
    )
    assert _field_error(response, "attachments").startswith(
        "The images sent at once are too large together (at most 80 megapixels per save)"
    )
    assert len(decoded) == 2  # the two life photos; neither attachment was decoded
    assert _attachment_count(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NominationPhoto)) == 0


def test_pixel_budget_counts_header_size_only():
    budget = uploads.PixelBudget(100)
    budget.take(_png(10, 5))
    budget.take(_png(5, 10))
    with pytest.raises(uploads.UploadError, match="^too_many_pixels$"):
        budget.take(_png(1, 1))
    assert budget.left == 0


# --- Markdown preview ----------------------------------------------------------------------


def _preview(client, token: str, text: str):
    return client.post("/nominations/preview?lang=en", data={"csrf_token": token, "text": text})


def test_preview_over_story_max_is_refused_with_the_reason(login_as):
    nominator = login_as(Role.NOMINATOR)
    token = csrf_token(nominator, "/nominations/")
    response = _preview(nominator, token, "好" * 5001)
    assert response.status_code == 400
    assert response.get_json() == {"error": "Field cannot be longer than 5000 characters."}


def test_preview_of_reported_bracket_payload_renders_it_as_text(login_as):
    nominator = login_as(Role.NOMINATOR)
    token = csrf_token(nominator, "/nominations/")
    response = _preview(nominator, token, "[" * 2500 + "]" * 2499)
    assert response.status_code == 200
    assert response.get_json()["html"] == "<p>" + "[" * 2500 + "]" * 2499 + "</p>"


def test_preview_is_throttled_per_account(login_as):
    first = login_as(Role.NOMINATOR)
    token = csrf_token(first, "/nominations/")
    codes = [_preview(first, token, "**a**").status_code for _ in range(21)]
    assert codes == [200] * 20 + [429]
    other = login_as(Role.NOMINATOR)
    assert _preview(other, csrf_token(other, "/nominations/"), "a").status_code == 200
