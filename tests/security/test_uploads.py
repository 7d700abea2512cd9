"""Hostile uploads through every upload route: nomination photos and attachments, objection
evidence and the staff import.

Already covered in tests/nominations/test_nominator_flow.py and not repeated here: a PHP
file or an SVG sent as the ID photo (`test_bad_uploads_refused_and_typed_data_kept`), a
100-megapixel PNG as the ID photo (`test_pixel_flood_refused`), a 12 MB photo
(`test_twelve_megabyte_image_refused`) and EXIF removal from the ID photo
(`test_stored_photo_has_no_metadata_and_web_size`). This suite covers the same list on the
other fields and routes, plus polyglots, headers declaring 2.5 gigapixels and 413.
"""

from __future__ import annotations

import io
import re
import resource
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from app.accounts.models import Role
from app.committee import ballots, queries, results
from app.core.frame import CONTENT_SECURITY_POLICY
from app.extensions import db
from app.nominations.models import Nomination, NominationAttachment, NominationPhoto
from app.notice.models import Objection
from app.programs import services as cycle_services
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from tests import factories
from tests.committee.conftest import build
from tests.nominations.test_nominator_flow import _post, form_data

MB = 1024 * 1024
PHP = b"<?php system($_GET['c']); ?>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
SCRIPT = b"<script>alert('polyglot')</script>"
GIF_JS = b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=alert('gif');/*" + b"\x00" * 20 + b"*/"


# --- hostile files ------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims width × height RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real small JPEG with its frame header (SOF0) patched to claim width × height."""
    data = bytearray(factories.jpeg_bytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_with_html() -> bytes:
    return factories.jpeg_bytes() + b"<html><body>" + SCRIPT + b"</body></html>"


def gifar() -> bytes:
    """A JPEG with a Java archive appended (the GIFAR trick, JPEG flavour)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: Evil\n")
        jar.writestr("Evil.class", b"\xca\xfe\xba\xbe" + SCRIPT)
    return factories.jpeg_bytes() + archive.getvalue()


def png_with_metadata() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 120, 10))
    exif = image.getexif()
    exif[0x010F] = "SpyCam"
    exif.get_ifd(0x8825)[2] = (33.0, 34.0, 55.0)
    info = PngInfo()
    info.add_text("Comment", "SpyCam GPS 33.58N 114.01E")
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif, pnginfo=info)
    return out.getvalue()


def webp_with_metadata() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 10, 120))
    exif = image.getexif()
    exif[0x010F] = "SpyCam"
    exif.get_ifd(0x8825)[2] = (33.0, 34.0, 55.0)
    out = io.BytesIO()
    image.save(out, "WEBP", exif=exif)
    return out.getvalue()


def _file(content: bytes, name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(content), name


def assert_clean_jpeg(path: Path) -> None:
    """A stored image: decodes, nothing after the end-of-image marker, no metadata left."""
    data = path.read_bytes()
    with Image.open(path) as image:
        assert image.format == "JPEG"
        image.load()
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    assert data.endswith(b"\xff\xd9"), "trailing bytes after the JPEG end marker"
    for needle in (b"<script", b"<html", b"PK\x03\x04", b"META-INF", b"SpyCam", b"Exif\x00"):
        assert needle not in data, needle


# --- arrangement --------------------------------------------------------------------------


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


@pytest.fixture
def nominator(login_as, setup):
    return login_as(Role.NOMINATOR, organisation_code="xingfu")


@pytest.fixture
def in_notice(app) -> int:
    """A candidate in public notice, so the objection form (with evidence) is open."""
    with app.app_context():
        arranged = build(members=3, candidates=2, quota=1)
        cycle = db.session.get(Cycle, arranged.cycle_id)
        chosen = arranged.candidate_ids[0]
        for member in queries.roster(cycle):
            ballots.submit_ballot(
                cycle, member, ballots.BallotInput(approvals=[chosen]), secret="s"
            )
        results.apply_results(cycle, actor=None)
        cycle_services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
        db.session.commit()
        return chosen


def _new(nominator, setup, files, **fields):
    return _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, action="save", **fields),
        files,
    )


def _object(client, nomination_id, evidence, content="此人的事迹与事实不符，请核实。"):
    return _post(
        client,
        "/notice/objection",
        {"nomination_id": str(nomination_id), "content": content, "contact": "13511112222"},
        {"evidence": evidence} if evidence else None,
    )


def _import(staff, upload, mode="check"):
    return _post(staff, "/staff/import", {"mode": mode}, {"file": upload})


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _uploads(app) -> Path:
    return Path(app.instance_path) / "uploads"


def _stored_files(app) -> set[Path]:
    return set(_uploads(app).rglob("*.*")) if _uploads(app).exists() else set()


def _assert_field_error(response, field: str) -> str:
    """The message sits in the field's block and the control points at it."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<p class="error" id="{field}-error"' in html, field
    assert re.search(rf'aria-describedby="[^"]*\b{re.escape(field)}-error"', html), field
    return html


# --- refused by content, typed values kept ------------------------------------------------

HOSTILE = {
    "php_as_jpg": (PHP, "shell.jpg"),
    "php_as_pdf": (PHP, "shell.pdf"),
    "svg_script": (SVG, "logo.svg"),
    "svg_as_png": (SVG, "logo.png"),
    "html_as_jpg": (b"<!doctype html><html>" + SCRIPT + b"</html>", "page.jpg"),
    "gif_js_polyglot": (GIF_JS, "anim.gif"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("field", ["life-0-file", "attachments"])
def test_hostile_file_refused_next_to_field_and_input_kept(app, nominator, setup, name, field):
    content, filename = HOSTILE[name]
    extra = {"life-0-alt": "生活照"} if field.startswith("life") else {}
    before = _stored_files(app)
    response = _new(nominator, setup, {field: _file(content, filename)}, **extra)
    html = _assert_field_error(response, field)
    assert 'value="赵好人"' in html and "二十年照顾瘫痪婆婆" in html
    assert "她用二十年的坚持诠释孝老爱亲。" in html
    assert _count(app, Nomination) == 0
    assert _stored_files(app) == before


@pytest.mark.parametrize("name", ["php_as_jpg", "svg_script", "html_as_jpg", "gif_js_polyglot"])
def test_hostile_id_photo_refused_on_edit(app, nominator, setup, name):
    with app.app_context():
        org = db.session.get(factories.Organisation, setup["org"])
        cycle = db.session.get(Cycle, setup["cycle"])
        nomination_id = factories.make_nomination(cycle, organisation=org, name="原名").id
    content, filename = HOSTILE[name]
    response = _post(
        nominator,
        f"/nominations/{nomination_id}/edit",
        form_data(setup, name="改后的名字", action="save", id_photo_alt="照片"),
        {"id_photo": _file(content, filename)},
    )
    html = _assert_field_error(response, "id_photo")
    assert 'value="改后的名字"' in html
    with app.app_context():
        assert db.session.get(Nomination, nomination_id).name == "原名"


@pytest.mark.parametrize("name", ["php_as_jpg", "svg_script", "html_as_jpg", "gif_js_polyglot"])
def test_hostile_objection_evidence_refused_and_content_kept(app, client, in_notice, name):
    content, filename = HOSTILE[name]
    response = _object(client, in_notice, _file(content, filename))
    html = _assert_field_error(response, "evidence")
    assert "证明材料须为 PDF 文件或图片" in html
    assert "此人的事迹与事实不符，请核实。" in html
    assert "13511112222" not in html  # contact is never echoed back
    assert _count(app, Objection) == 0


@pytest.mark.parametrize("name", ["php_as_jpg", "svg_script", "php_as_pdf"])
def test_hostile_import_file_refused_next_to_field(app, login_as, name):
    staff = login_as(Role.STAFF)
    content, filename = HOSTILE[name]
    html = _assert_field_error(_import(staff, _file(content, filename)), "file")
    assert "请上传 .xlsx 或 .csv 文件" in html


def test_import_of_php_renamed_xlsx_refused(app, login_as):
    staff = login_as(Role.STAFF)
    html = _assert_field_error(_import(staff, _file(PHP, "honors.xlsx"), "import"), "file")
    assert 'aria-invalid="true"' in html


def _workbook_with_sheet(sheet_xml: str) -> bytes:
    """A real workbook (openpyxl) whose first sheet's XML is replaced by `sheet_xml`."""
    workbook = Workbook()
    workbook.active.append(["姓名", "评选项目", "期次"])
    original = io.BytesIO()
    workbook.save(original)
    out = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            replaced = name == "xl/worksheets/sheet1.xml"
            target.writestr(name, sheet_xml if replaced else source.read(name))
    return out.getvalue()


SHEET = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>评选项目</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>期次</t></is></c></row>'
)
LOL = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
BAD_SHEETS = {
    "billion_laughs": f'<?xml version="1.0"?><!DOCTYPE worksheet [{LOL}]>{SHEET}<sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>',
    "number_not_a_number": f'{SHEET}<sheetData>{HEADER_ROW}<row r="2"><c r="A2" t="n">'
    "<v>abc</v></c></row></sheetData></worksheet>",
    "date_not_a_date": f'{SHEET}<sheetData>{HEADER_ROW}<row r="2"><c r="A2" t="d">'
    "<v>notadate</v></c></row></sheetData></worksheet>",
    "missing_shared_string": f'{SHEET}<sheetData>{HEADER_ROW}<row r="2"><c r="A2" t="s">'
    "<v>99</v></c></row></sheetData></worksheet>",
    "bad_row_number": f'{SHEET}<sheetData>{HEADER_ROW}<row r="x"><c r="A2"><v>1</v></c>'
    "</row></sheetData></worksheet>",
    "bad_cell_reference": f'{SHEET}<sheetData>{HEADER_ROW}<row r="2"><c r="ZZZZZZZ2">'
    "<v>1</v></c></row></sheetData></worksheet>",
}


@pytest.mark.parametrize("name", sorted(BAD_SHEETS))
def test_malformed_workbook_is_a_field_error_not_500(app, login_as, name):
    """Regression: read-only workbooks parse cells lazily, outside the old try (was a 500)."""
    staff = login_as(Role.STAFF)
    response = _import(staff, _file(_workbook_with_sheet(BAD_SHEETS[name]), "bad.xlsx"))
    html = _assert_field_error(response, "file")
    assert "无法读取该 Excel 文件" in html and "lol" * 10 not in html


def test_csv_with_oversized_field_is_a_field_error_not_500(app, login_as):
    """Regression: the csv module's field size limit raised csv.Error (was a 500)."""
    staff = login_as(Role.STAFF)
    data = "姓名,评选项目,期次\n".encode() + b'"' + b"x" * 200_000 + b'",a,b\n'
    html = _assert_field_error(_import(staff, _file(data, "big-field.csv")), "file")
    assert "无法读取该文件" in html


def test_import_rows_lose_control_characters(app):
    """Regression: imported text kept NUL and other C0 controls (PostgreSQL refuses NUL)."""
    from app.importer.services import read_rows

    rows = read_rows("姓名,评选项目,期次\n张\x00三\x07,prog\x1b,2026-01\n".encode(), "a.csv")
    assert rows == [(2, {"name": "张三", "program": "prog", "period": "2026-01"})]


# --- polyglots: re-encoded, the stored bytes are a clean image ----------------------------


@pytest.mark.parametrize("maker", [jpeg_with_html, gifar], ids=["html", "gifar"])
def test_polyglot_photos_are_reencoded_clean(app, nominator, setup, maker):
    response = _new(
        nominator,
        setup,
        {
            "id_photo": _file(maker(), "polyglot.jpg"),
            "life-0-file": _file(maker(), "polyglot2.jpg"),
        },
        id_photo_alt="证件照",
        **{"life-0-alt": "生活照"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        photos = db.session.scalars(sa.select(NominationPhoto)).all()
        paths = [p.path for p in photos] + [p.thumb_path for p in photos]
    assert len(paths) == 4
    for relative in paths:
        assert_clean_jpeg(_uploads(app) / relative)


@pytest.mark.parametrize("maker", [jpeg_with_html, gifar], ids=["html", "gifar"])
def test_polyglot_attachment_is_reencoded_clean(app, nominator, setup, maker):
    response = _new(nominator, setup, {"attachments": _file(maker(), "scan.jpg")})
    assert response.status_code == 302
    with app.app_context():
        attachment = db.session.scalars(sa.select(NominationAttachment)).one()
        assert attachment.content_type == "image/jpeg"
        relative = attachment.path
    assert_clean_jpeg(_uploads(app) / relative)


def test_polyglot_objection_evidence_is_reencoded_clean(app, client, in_notice):
    response = _object(client, in_notice, _file(gifar(), "evidence.jpg"))
    assert response.status_code == 200 and "Y" in response.get_data(as_text=True)
    with app.app_context():
        objection = db.session.scalars(sa.select(Objection)).one()
        assert objection.evidence_type == "image/jpeg"
        relative = objection.evidence_path
    assert_clean_jpeg(_uploads(app) / relative)


def test_pdf_with_html_is_only_ever_downloaded(app, nominator, setup):
    """A PDF is kept as sent, so it is served as a download that no browser may sniff."""
    payload = b"%PDF-1.4\n<html><body>" + SCRIPT + b"</body></html>\n%%EOF"
    _new(nominator, setup, {"attachments": _file(payload, "../../../../etc/evil.html.pdf")})
    with app.app_context():
        attachment = db.session.scalars(sa.select(NominationAttachment)).one()
        ids = attachment.nomination_id, attachment.id
        stored = (_uploads(app) / attachment.path).resolve()
        assert "/" not in attachment.filename and "\\" not in attachment.filename
    assert stored.is_relative_to(_uploads(app).resolve() / "attachments")
    response = nominator.get(f"/nominations/{ids[0]}/attachments/{ids[1]}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    response.close()


# --- pixel floods: refused from the header, no memory spent -------------------------------

FLOODS = {
    "png_2.5_gigapixels": lambda: png_declaring(50_000, 50_000),
    "jpeg_2.5_gigapixels": lambda: jpeg_declaring(50_000, 50_000),
    "png_48_megapixels": lambda: png_declaring(8_000, 6_000),  # warning zone: 1-2 × limit
}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("name", sorted(FLOODS))
@pytest.mark.parametrize("field", ["id_photo", "life-1-file", "attachments"])
def test_pixel_flood_is_a_field_error_without_memory(app, nominator, setup, name, field):
    flood = FLOODS[name]()
    assert len(flood) < 2000
    before = _peak_rss_mb()
    response = _new(
        nominator,
        setup,
        {field: _file(flood, "flood.png")},
        id_photo_alt="照片",
        **{"life-1-alt": "生活照"},
    )
    assert _peak_rss_mb() - before < 150  # decoding 2.5 gigapixels would need 7.5 GB
    _assert_field_error(response, field)
    assert _count(app, Nomination) == 0


def test_pixel_flood_objection_evidence_refused(app, client, in_notice):
    response = _object(client, in_notice, _file(png_declaring(50_000, 50_000), "flood.png"))
    _assert_field_error(response, "evidence")
    assert _count(app, Objection) == 0


# --- metadata is stripped from every stored image -----------------------------------------


def test_exif_gps_stripped_from_life_photos_and_thumbnails(app, nominator, setup):
    files = {
        "life-0-file": _file(factories.jpeg_bytes(size=(800, 600), exif_gps=True), "a.jpg"),
        "life-1-file": _file(png_with_metadata(), "b.png"),
        "life-2-file": _file(webp_with_metadata(), "c.webp"),
    }
    alts = {f"life-{i}-alt": f"生活照{i}" for i in range(3)}
    response = _new(nominator, setup, files, **alts)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        photos = db.session.scalars(sa.select(NominationPhoto)).all()
        paths = [p.path for p in photos] + [p.thumb_path for p in photos]
    assert len(paths) == 6
    for relative in paths:
        assert_clean_jpeg(_uploads(app) / relative)


def test_exif_gps_stripped_from_image_attachments(app, nominator, setup):
    _new(
        nominator,
        setup,
        {"attachments": _file(factories.jpeg_bytes(exif_gps=True), "scan.jpg")},
    )
    with app.app_context():
        relative = db.session.scalars(sa.select(NominationAttachment.path)).one()
    assert_clean_jpeg(_uploads(app) / relative)


def test_exif_gps_stripped_from_objection_evidence(app, client, in_notice):
    _object(client, in_notice, _file(factories.jpeg_bytes(exif_gps=True), "photo.jpg"))
    with app.app_context():
        relative = db.session.scalars(sa.select(Objection.evidence_path)).one()
    assert_clean_jpeg(_uploads(app) / relative)


# --- request size: 413 page, while a full form of photos still fits -----------------------


def _assert_413_page(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert '<html lang="zh-CN">' in html
    assert "上传文件过大" in html and "请选择较小的文件" in html


def test_fifty_megabyte_nomination_is_413_page(app, nominator, setup):
    big = _file(b"\x00" * (50 * MB), "huge.jpg")
    _assert_413_page(_new(nominator, setup, {"id_photo": big}, id_photo_alt="x"))
    assert _count(app, Nomination) == 0


def test_fifty_megabyte_objection_is_413_page(app, client, in_notice):
    _assert_413_page(_object(client, in_notice, _file(b"\x00" * (50 * MB), "e.pdf")))


def test_fifty_megabyte_import_is_413_page(app, login_as):
    staff = login_as(Role.STAFF)
    _assert_413_page(_import(staff, _file(b"\x00" * (50 * MB), "big.csv")))


def test_413_page_in_english_when_chosen(app, nominator, setup):
    nominator.get("/?lang=en")
    html = _new(nominator, setup, {"id_photo": _file(b"\x00" * (50 * MB), "h.jpg")}).get_data(
        as_text=True
    )
    assert "Upload too large" in html


def test_id_photo_and_two_life_photos_of_ten_megabytes_still_fit(app, nominator, setup):
    assert app.config["MAX_CONTENT_LENGTH"] == 40 * MB
    photo = factories.jpeg_bytes()
    padded = photo + b"\x00" * (app.config["UPLOAD_MAX_PHOTO_BYTES"] - len(photo) - 1024)
    files = {name: _file(padded, f"{name}.jpg") for name in ("id_photo", "life-0-file")}
    files["life-1-file"] = _file(padded, "life1.jpg")
    response = _new(
        nominator,
        setup,
        files,
        id_photo_alt="证件照",
        **{"life-0-alt": "生活照一", "life-1-alt": "生活照二"},
    )
    assert response.status_code == 302, response.status_code
    assert _count(app, NominationPhoto) == 3
