"""The nominator's forms end to end, uploads, permissions and privacy of sensitive fields."""

from __future__ import annotations

import io
import logging
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from app.accounts.models import Role
from app.extensions import db
from app.nominations.models import Nomination, NominationPhoto
from app.nominations.workflow import NominationState
from app.notifications.models import Notification
from tests import factories
from tests.conftest import csrf_token

ID_NUMBER = factories.valid_id_number("19790303", "456")
PHONE = "13987654321"
ADDRESS = "漯河市源汇区幸福路88号3单元"


@pytest.fixture
def setup(app):
    with app.app_context():
        org = factories.make_org(name="幸福社区", code="xingfu")
        other = factories.make_org(name="和平社区", code="heping")
        cycle = factories.make_open_cycle()
        ids = {
            "org": org.id,
            "other": other.id,
            "cycle": cycle.id,
            "category": cycle.program.categories[0].category_id,
        }
    return ids


def form_data(setup, **overrides):
    data = {
        "kind": "individual",
        "category_id": str(setup["category"]),
        "channel": "community",
        "name": "赵好人",
        "gender": "female",
        "birth_date": "1979-03-03",
        "location_id": str(setup["org"]),
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": ADDRESS,
        "unit": "幸福社区",
        "post": "志愿者",
        "headline": "二十年照顾瘫痪婆婆",
        "summary": "她用二十年的坚持诠释孝老爱亲。",
        "story_md": "### 孝心\n\n她每天**五点**起床。",
        "unit_opinion": "同意推荐",
        "consent_given": "y",
        "consent_collected_by": "幸福社区",
        "consent_date": "2026-11-02",
        "recommender_name": "钱主任",
    }
    data.update(overrides)
    return data


def _post(client, url, data, files=None):
    """Multipart POST encoded in memory (werkzeug's client spools big bodies to a temp file
    it never closes, which `filterwarnings = error` would report)."""
    payload = MultiDict(data)
    payload["csrf_token"] = csrf_token(client, url)
    for key, value in (files or {}).items():
        if isinstance(value, tuple):
            payload.add(key, FileStorage(value[0], filename=value[1]))
        else:
            payload[key] = value
    body, length, boundary = stream_encode_multipart(payload, use_tempfile=False)
    return client.post(
        url, data=body.getvalue(), content_type=f"multipart/form-data; boundary={boundary}"
    )


def _photo(content=None, name="photo.jpg"):
    return (io.BytesIO(content or factories.jpeg_bytes(exif_gps=True)), name)


def _only_nomination(app):
    with app.app_context():
        return db.session.scalars(sa.select(Nomination)).one()


def test_full_journey_submit_return_resubmit_qualify(app, login_as, setup, caplog):
    caplog.set_level(logging.DEBUG)
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    url = f"/nominations/new/{setup['cycle']}"
    response = _post(
        nominator,
        url,
        form_data(setup, action="submit"),
        {
            "id_photo": _photo(),
            "id_photo_alt": "赵好人的证件照",
            "life-0-file": _photo(name="life.png"),
            "life-0-alt": "她在给婆婆喂饭",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    nomination = _only_nomination(app)
    assert nomination.state is NominationState.SUBMITTED
    assert nomination.organisation_id == setup["org"]

    staff = login_as(Role.STAFF)
    page = staff.get(f"/staff/nominations/{nomination.id}").get_data(as_text=True)
    assert "赵好人" in page and ID_NUMBER not in page and "411102********4568" in page
    token = csrf_token(staff, f"/staff/nominations/{nomination.id}")
    assert (
        staff.post(
            f"/staff/nominations/{nomination.id}/return",
            data={"csrf_token": token, "reason": "请补充单位意见"},
        ).status_code
        == 302
    )
    assert _only_nomination(app).state is NominationState.RETURNED

    inbox = nominator.get("/inbox").get_data(as_text=True)
    assert "请补充单位意见" in inbox
    edit = nominator.get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)
    assert "请补充单位意见" in edit
    response = _post(
        nominator,
        f"/nominations/{nomination.id}/edit",
        form_data(
            setup,
            id_number="",
            phone="",
            address="",
            unit_opinion="社区党委同意推荐",
            action="submit",
        ),
    )
    assert response.status_code == 302
    nomination = _only_nomination(app)
    assert nomination.state is NominationState.SUBMITTED
    assert nomination.unit_opinion == "社区党委同意推荐"
    assert nomination.id_number_hash is not None  # kept though not retyped

    token = csrf_token(staff, f"/staff/nominations/{nomination.id}")
    assert (
        staff.post(
            f"/staff/nominations/{nomination.id}/qualify", data={"csrf_token": token}
        ).status_code
        == 302
    )
    assert _only_nomination(app).state is NominationState.QUALIFIED
    with app.app_context():
        subjects = db.session.scalars(sa.select(Notification.subject)).all()
    assert len(subjects) == 2
    # Privacy: the sensitive values never reach a log line.
    assert ID_NUMBER not in caplog.text and PHONE not in caplog.text


def test_save_draft_with_partial_data(app, login_as, setup):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    response = _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        {
            "kind": "individual",
            "category_id": str(setup["category"]),
            "channel": "community",
            "name": "草稿人",
            "action": "save",
        },
    )
    assert response.status_code == 302
    nomination = _only_nomination(app)
    assert nomination.state is NominationState.DRAFT and nomination.name == "草稿人"


def test_submit_incomplete_keeps_draft_and_marks_fields(app, login_as, setup):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    response = _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, headline="", action="submit"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="headline-error"' in html and 'id="id_photo-error"' in html
    assert 'value="赵好人"' in html
    assert ID_NUMBER not in html and PHONE not in html and ADDRESS not in html
    nomination = _only_nomination(app)
    assert nomination.state is NominationState.DRAFT  # saved, not submitted


@pytest.mark.parametrize(
    ("upload", "field"),
    [
        ((io.BytesIO(b"<?php system($_GET['c']); ?>"), "shell.jpg"), "id_photo"),
        ((io.BytesIO(b"\xff\xd8\xff\xe0garbage-not-a-jpeg" * 10), "broken.jpg"), "id_photo"),
        ((io.BytesIO(b"\x00" * (10 * 1024 * 1024 + 10)), "huge.jpg"), "id_photo"),
        (
            (
                io.BytesIO(
                    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
                ),
                "x.png",
            ),
            "id_photo",
        ),
    ],
)
def test_bad_uploads_refused_and_typed_data_kept(app, login_as, setup, upload, field):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    response = _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, action="save", id_photo_alt="照片"),
        {field: upload},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert 'value="赵好人"' in html and "二十年照顾瘫痪婆婆" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0


def test_twelve_megabyte_image_refused(app, login_as, setup):
    big = factories.jpeg_bytes() + b"\x00" * (12 * 1024 * 1024)
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    response = _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, action="save", id_photo_alt="照片"),
        {"id_photo": (io.BytesIO(big), "big.jpg")},
    )
    assert "文件太大" in response.get_data(as_text=True)


def test_photo_needs_alt_text(app, login_as, setup):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    response = _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, action="save"),
        {"id_photo": _photo()},
    )
    assert 'id="id_photo_alt-error"' in response.get_data(as_text=True)


def test_stored_photo_has_no_metadata_and_web_size(app, login_as, setup):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    big = factories.jpeg_bytes(size=(3000, 2000), exif_gps=True)
    _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, action="save"),
        {"id_photo": (io.BytesIO(big), "p.jpg"), "id_photo_alt": "照片"},
    )
    with app.app_context():
        photo = db.session.scalars(sa.select(NominationPhoto)).one()
        root = Path(app.instance_path) / "uploads"
        with Image.open(root / photo.path) as stored:
            assert max(stored.size) == 1600 and len(dict(stored.getexif())) == 0
        assert b"SpyCam" not in (root / photo.path).read_bytes()
        with Image.open(root / photo.thumb_path) as thumb:
            assert max(thumb.size) == 480
        nomination_id = photo.nomination_id
    response = nominator.get(f"/nominations/{nomination_id}/photos/{photo.id}?size=thumb")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    response.close()


def test_pixel_flood_refused(app, login_as, setup):
    out = io.BytesIO()
    Image.new("1", (10000, 10000)).save(out, "PNG")  # 100 megapixels, a tiny file
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    response = _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, action="save", id_photo_alt="x"),
        {"id_photo": (io.BytesIO(out.getvalue()), "flood.png")},
    )
    assert 'id="id_photo-error"' in response.get_data(as_text=True)


def test_pdf_attachment_accepted_and_downloadable(app, login_as, setup):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, action="save"),
        {"attachments": (io.BytesIO(b"%PDF-1.4\n%test\n"), "材料.pdf")},
    )
    nomination = _only_nomination(app)
    with app.app_context():
        attachment = db.session.get(Nomination, nomination.id).attachments[0]
        assert attachment.content_type == "application/pdf"
    response = nominator.get(f"/nominations/{nomination.id}/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    response.close()


def test_other_organisation_cannot_see_or_edit(app, login_as, setup):
    with app.app_context():
        org = db.session.get(factories.Organisation, setup["org"])
        nomination = factories.make_nomination(
            db.session.get(factories.Cycle, setup["cycle"]), organisation=org
        )
        nomination_id, photo_id = nomination.id, nomination.photos[0].id
    outsider = login_as(Role.NOMINATOR, organisation_code="heping")
    assert outsider.get(f"/nominations/{nomination_id}").status_code == 404
    assert outsider.get(f"/nominations/{nomination_id}/edit").status_code == 404
    assert outsider.get(f"/nominations/{nomination_id}/photos/{photo_id}").status_code == 404
    token = csrf_token(outsider, "/nominations/")
    assert (
        outsider.post(
            f"/nominations/{nomination_id}/withdraw", data={"csrf_token": token, "reason": "x"}
        ).status_code
        == 404
    )
    assert "赵" not in outsider.get("/nominations/").get_data(as_text=True)
    owner = login_as(Role.NOMINATOR, organisation_code="xingfu")
    assert owner.get(f"/nominations/{nomination_id}").status_code == 200


def test_nominator_cannot_reach_staff_area(login_as):
    nominator = login_as(Role.NOMINATOR)
    for url in [
        "/staff/",
        "/staff/cycles",
        "/staff/nominations/",
        "/staff/audit/",
        "/staff/recommendations/",
        "/staff/nominations/export.xlsx",
    ]:
        assert nominator.get(url).status_code == 403, url


def test_submission_after_deadline_refused_with_deadline_shown(app, login_as, setup):
    from datetime import timedelta

    from app.db_types import utcnow

    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, action="save"),
        {"id_photo": _photo(), "id_photo_alt": "照片"},
    )
    nomination = _only_nomination(app)
    with app.app_context():
        cycle = db.session.get(factories.Cycle, setup["cycle"])
        cycle.nominations_close_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    response = _post(
        nominator,
        f"/nominations/{nomination.id}/edit",
        form_data(setup, id_number="", action="submit"),
    )
    html = response.get_data(as_text=True)
    assert "截止时间" in html
    assert _only_nomination(app).state is NominationState.DRAFT


def test_withdraw_by_nominator(app, login_as, setup):
    with app.app_context():
        org = db.session.get(factories.Organisation, setup["org"])
        nomination_id = factories.make_nomination(
            db.session.get(factories.Cycle, setup["cycle"]),
            organisation=org,
            state=NominationState.SUBMITTED,
        ).id
    owner = login_as(Role.NOMINATOR, organisation_code="xingfu")
    token = csrf_token(owner, f"/nominations/{nomination_id}")
    owner.post(f"/nominations/{nomination_id}/withdraw", data={"csrf_token": token, "reason": ""})
    assert _only_nomination(app).state is NominationState.SUBMITTED  # reason required
    owner.post(
        f"/nominations/{nomination_id}/withdraw",
        data={"csrf_token": token, "reason": "本人不愿参评"},
    )
    assert _only_nomination(app).state is NominationState.WITHDRAWN


def test_markdown_preview_is_sanitized(login_as):
    nominator = login_as(Role.NOMINATOR)
    token = csrf_token(nominator, "/nominations/")
    response = nominator.post(
        "/nominations/preview",
        data={
            "csrf_token": token,
            "text": "**好**<script>alert(1)</script>[x](javascript:alert(1))",
        },
    )
    html = response.get_json()["html"]
    assert "<strong>好</strong>" in html and "<script" not in html and "javascript:" not in html


def test_registry_search_returns_public_fields_only(app, login_as):
    with app.app_context():
        honoree = factories.make_honoree(
            name="孙善人", birth_date=date(1970, 1, 1), phone_enc="secret", id_number_hash="h" * 64
        )
        factories.make_honor(honoree, factories.make_program())
    nominator = login_as(Role.NOMINATOR)
    data = nominator.get("/nominations/registry-search?q=善人").get_json()
    assert data["results"][0]["name"] == "孙善人"
    assert set(data["results"][0]) == {"slug", "name", "kind", "district", "unit"}
    assert nominator.get("/nominations/registry-search?q=%25_").get_json() == {"results": []}
