"""Registry corrections: a published record's public fields corrected by staff, logged."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.core.public_data import PublicDataVersion
from app.extensions import db
from app.registry.models import Honoree, HonoreeCorrection
from tests import factories
from tests.conftest import csrf_token

URL = "/staff/honorees/{id}/correct"


def _published(app, **fields) -> int:
    with app.app_context():
        program = factories.make_program()
        honoree = factories.make_honoree(
            name=fields.pop("name", "王错字"), slug="corr-1", unit="旧单位", **fields
        )
        factories.make_honor(honoree, program)
        return honoree.id


def _form(client, honoree_id: int, **changes) -> dict:
    url = URL.format(id=honoree_id)
    data = {
        "csrf_token": csrf_token(client, url),
        "name": "王错字",
        "headline": "测试事迹标题",
        "summary": "",
        "story_md": "",
        "unit": "旧单位",
        "post": "",
        "district_id": "",
        "organisation_id": "",
        "photo_alt": "",
        "reason": "",
    }
    data.update(changes)
    return data


def _version(app) -> int:
    with app.app_context():
        row = db.session.get(PublicDataVersion, 1)
        return row.version if row else 0


def test_correction_logs_before_after_and_reason_per_field(app, login_as):
    honoree_id = _published(app)
    staff = login_as(Role.STAFF, username="corrector")
    data = _form(staff, honoree_id, name="王正字", unit="新单位", reason="姓名错字，单位变更")
    response = staff.post(URL.format(id=honoree_id), data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/honorees/{honoree_id}")
    with app.app_context():
        rows = db.session.scalars(
            sa.select(HonoreeCorrection).order_by(HonoreeCorrection.field)
        ).all()
        assert [(r.field, r.before, r.after, r.reason) for r in rows] == [
            ("name", "王错字", "王正字", "姓名错字，单位变更"),
            ("unit", "旧单位", "新单位", "姓名错字，单位变更"),
        ]
        record = db.session.get(Honoree, honoree_id)
        assert (record.name, record.unit) == ("王正字", "新单位")


def test_correction_log_is_shown_on_the_manage_page(app, login_as):
    honoree_id = _published(app)
    staff = login_as(Role.STAFF, username="logviewer")
    staff.post(
        URL.format(id=honoree_id), data=_form(staff, honoree_id, name="王正字", reason="错字")
    )
    html = staff.get(f"/staff/honorees/{honoree_id}?lang=en").get_data(as_text=True)
    assert "Correction log" in html
    assert "王错字" in html and "王正字" in html and "错字" in html and "logviewer" in html


def test_correction_without_reason_is_refused_next_to_the_reason_field(app, login_as):
    honoree_id = _published(app)
    staff = login_as(Role.STAFF)
    before = _version(app)
    response = staff.post(
        URL.format(id=honoree_id) + "?lang=en", data=_form(staff, honoree_id, name="王正字")
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="reason-error"' in html
    assert "Give the reason for the correction." in html
    assert 'value="王正字"' in html  # the typed value is kept
    with app.app_context():
        assert db.session.get(Honoree, honoree_id).name == "王错字"
        assert db.session.scalar(sa.select(sa.func.count(HonoreeCorrection.id))) == 0
    assert _version(app) == before


def test_correction_with_nothing_changed_is_refused(app, login_as):
    honoree_id = _published(app)
    staff = login_as(Role.STAFF)
    response = staff.post(
        URL.format(id=honoree_id) + "?lang=en", data=_form(staff, honoree_id, reason="无")
    )
    assert response.status_code == 200
    assert "Nothing was changed." in response.get_data(as_text=True)


def test_correction_bumps_the_public_data_version_and_is_audited(app, login_as):
    honoree_id = _published(app)
    staff = login_as(Role.STAFF)
    before = _version(app)
    staff.post(
        URL.format(id=honoree_id),
        data=_form(staff, honoree_id, headline="新的事迹标题", reason="标题更新"),
    )
    assert _version(app) == before + 1
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "honoree.corrected")
        )
        assert (event.object_type, event.object_id) == ("honorees", honoree_id)
        assert event.before == {"headline": "测试事迹标题"}
        assert event.after == {"headline": "新的事迹标题"}
        assert event.reason == "标题更新"


def test_cached_roll_search_and_api_show_the_corrected_name(app, client, login_as):
    honoree_id = _published(app)
    pages = ["/roll", "/roll?q=王错字", "/api/v1/honorees", "/api/v1/honorees/corr-1"]
    for url in pages:
        assert "王错字" in client.get(url).get_data(as_text=True), url  # now cached
    staff = login_as(Role.STAFF)
    staff.post(
        URL.format(id=honoree_id), data=_form(staff, honoree_id, name="王正字", reason="错字")
    )
    for url in ["/roll", "/api/v1/honorees", "/api/v1/honorees/corr-1", "/honorees/corr-1"]:
        text = client.get(url).get_data(as_text=True)
        assert "王正字" in text and "王错字" not in text, url
    assert "王正字" in client.get("/roll?q=王正字").get_data(as_text=True)
    assert "王正字" not in client.get("/roll?q=王错字").get_data(as_text=True)
    api = json.loads(client.get("/api/v1/honorees").get_data(as_text=True))
    assert [item["honoree"]["name"] for item in api["items"]] == ["王正字"]


def test_correction_of_the_place_logs_the_names(app, login_as):
    with app.app_context():
        old = factories.make_org(name="源汇区", kind=factories.OrgKind.DISTRICT).id
        new = factories.make_org(name="郾城区", kind=factories.OrgKind.DISTRICT).id
    honoree_id = _published(app, district_id=old)
    staff = login_as(Role.STAFF)
    response = staff.post(
        URL.format(id=honoree_id),
        data=_form(staff, honoree_id, district_id=str(new), reason="区划调整"),
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(sa.select(HonoreeCorrection))
        assert (row.field, row.before, row.after) == ("district_id", "源汇区", "郾城区")
        assert db.session.get(Honoree, honoree_id).district_id == new


def test_correction_replaces_the_photo(app, login_as):
    honoree_id = _published(app)
    staff = login_as(Role.STAFF)
    data = _form(staff, honoree_id, photo_alt="新照片", reason="更清晰的照片")
    data["photo"] = (io.BytesIO(factories.jpeg_bytes()), "new.jpg")
    response = staff.post(URL.format(id=honoree_id), data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        record = db.session.get(Honoree, honoree_id)
        assert record.photo_path and record.photo_path.startswith("photos/")
        assert record.photo_alt == "新照片"
        fields = set(db.session.scalars(sa.select(HonoreeCorrection.field)))
        assert fields == {"photo", "photo_alt"}


def test_correction_with_a_file_that_is_no_image_is_refused_next_to_the_photo(app, login_as):
    honoree_id = _published(app)
    staff = login_as(Role.STAFF)
    data = _form(staff, honoree_id, reason="照片")
    data["photo"] = (io.BytesIO(b"not an image at all"), "x.jpg")
    response = staff.post(
        URL.format(id=honoree_id) + "?lang=en", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert 'id="photo-error"' in response.get_data(as_text=True)


def test_correction_page_is_refused_to_a_nominator(app, login_as):
    honoree_id = _published(app)
    nominator = login_as(Role.NOMINATOR)
    assert nominator.get(URL.format(id=honoree_id)).status_code == 403
