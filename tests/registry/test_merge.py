"""Merging two registry records of one person: preview, move, 301 from the old slug."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.core.public_data import PublicDataVersion
from app.courtesy.models import CourtesyCard
from app.extensions import db
from app.privacy import crypto
from app.registry.models import Honor, Honoree, HonoreeSlugRedirect
from tests import factories
from tests.conftest import csrf_token


def _pair(app, *, source_id_number=None, target_id_number=None) -> tuple[int, int, int]:
    """An imported historical record (source) and a new publication (target) of one person;
    the source holds an honor and a courtesy card. Returns (source, target, honor) ids."""
    with app.app_context():
        program = factories.make_program()
        source = factories.make_honoree(name="李好人", slug="old-li", unit="老单位")
        target = factories.make_honoree(name="李好人", slug="new-li")
        for record, number in ((source, source_id_number), (target, target_id_number)):
            if number:
                record.id_number_enc = crypto.encrypt(number)
                record.id_number_hash = crypto.keyed_hash(number)
        source.phone_enc = crypto.encrypt("13812345678")
        honor = factories.make_honor(
            source,
            program,
            period="2019-05",
            period_start=date(2019, 5, 1),
            period_end=date(2019, 5, 31),
        )
        factories.make_honor(target, program, period="2026-10")
        db.session.add(
            CourtesyCard(
                honoree_id=source.id,
                number="LK-0001",
                issued_on=date(2020, 1, 1),
                valid_until=date(2030, 1, 1),
            )
        )
        db.session.commit()
        return source.id, target.id, honor.id


def _preview(client, target_id: int, source: str = "old-li"):
    return client.get(f"/staff/honorees/{target_id}/merge?source={source}&lang=en")


def _merge(client, target_id: int, source_id: int, source: str = "old-li"):
    url = f"/staff/honorees/{target_id}/merge?source={source}"
    return client.post(
        f"/staff/honorees/{target_id}/merge",
        data={"csrf_token": csrf_token(client, url), "source_id": str(source_id)},
    )


def test_merge_preview_shows_both_records_masked_and_the_result(app, login_as):
    number = factories.valid_id_number()
    source_id, target_id, _ = _pair(app, source_id_number=number)
    staff = login_as(Role.STAFF)
    html = _preview(staff, target_id).get_data(as_text=True)
    assert "old-li" in html and "new-li" in html
    assert "老单位" in html  # the source's unit, filled into the result
    assert number not in html and "13812345678" not in html
    assert f"{number[:6]}********{number[-4:]}" in html
    assert "138****5678" in html
    assert "redirects here" in html
    assert 'name="source_id"' in html


def test_merge_moves_honors_and_courtesy_and_removes_the_source(app, login_as):
    source_id, target_id, honor_id = _pair(app)
    staff = login_as(Role.STAFF)
    response = _merge(staff, target_id, source_id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/honorees/{target_id}")
    with app.app_context():
        assert db.session.get(Honoree, source_id) is None
        assert db.session.get(Honor, honor_id).honoree_id == target_id
        card = db.session.scalar(sa.select(CourtesyCard))
        assert card.honoree_id == target_id
        target = db.session.get(Honoree, target_id)
        assert target.unit == "老单位"
        assert crypto.decrypt(target.phone_enc) == "13812345678"
        assert len(target.honors) == 2


def test_old_slug_answers_301_on_page_api_certificate_and_photo(app, client, login_as):
    source_id, target_id, honor_id = _pair(app)
    assert client.get("/honorees/old-li").status_code == 200  # cached before the merge
    staff = login_as(Role.STAFF)
    _merge(staff, target_id, source_id)
    response = client.get("/honorees/old-li")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/honorees/new-li")
    api = client.get("/api/v1/honorees/old-li")
    assert api.status_code == 301
    assert api.headers["Location"].endswith("/api/v1/honorees/new-li")
    cert = client.get(f"/honorees/old-li/certificates/{honor_id}.pdf")
    assert cert.status_code == 301
    assert cert.headers["Location"].endswith(f"/honorees/new-li/certificates/{honor_id}.pdf")
    photo = client.get("/honorees/old-li/photo?size=thumb")
    assert photo.status_code == 301
    assert photo.headers["Location"].endswith("/honorees/new-li/photo?size=thumb")
    assert client.get("/honorees/new-li").status_code == 200
    assert client.get("/honorees/no-such-record").status_code == 404
    with app.app_context():
        redirect = db.session.scalar(sa.select(HonoreeSlugRedirect))
        assert (redirect.slug, redirect.honoree_id) == ("old-li", target_id)


def test_merge_is_audited_and_bumps_the_public_version(app, login_as):
    source_id, target_id, _ = _pair(app)
    with app.app_context():
        row = db.session.get(PublicDataVersion, 1)
        before = row.version if row else 0
    staff = login_as(Role.STAFF)
    _merge(staff, target_id, source_id)
    with app.app_context():
        assert db.session.get(PublicDataVersion, 1).version == before + 1
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "honoree.merged")
        )
        assert (event.object_type, event.object_id) == ("honorees", target_id)
        assert event.before == {
            "source_id": source_id,
            "source_slug": "old-li",
            "source_name": "李好人",
        }
        assert event.after["moved"] == {"honors.honoree_id": 1, "courtesy_cards.honoree_id": 1}


def test_roll_lists_the_merged_person_once(app, client, login_as):
    source_id, target_id, _ = _pair(app)
    assert client.get("/roll").get_data(as_text=True).count('href="/honorees/old-li"') == 1
    staff = login_as(Role.STAFF)
    _merge(staff, target_id, source_id)
    html = client.get("/roll").get_data(as_text=True)
    assert "/honorees/old-li" not in html
    assert "/honorees/new-li" in html


def test_merge_into_itself_is_refused(app, login_as):
    _, target_id, _ = _pair(app)
    staff = login_as(Role.STAFF)
    html = _preview(staff, target_id, source="new-li").get_data(as_text=True)
    assert "A record cannot be merged into itself." in html
    assert 'name="source_id"' not in html
    response = _merge(staff, target_id, target_id, source="new-li")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Honoree, target_id) is not None
        assert db.session.scalar(sa.select(sa.func.count(HonoreeSlugRedirect.id))) == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "honoree.merged")
            )
            == 0
        )


def test_merge_of_records_with_different_id_numbers_is_refused(app, login_as):
    source_id, target_id, honor_id = _pair(
        app,
        source_id_number=factories.valid_id_number(seq="123"),
        target_id_number=factories.valid_id_number(seq="456"),
    )
    staff = login_as(Role.STAFF)
    html = _preview(staff, target_id).get_data(as_text=True)
    assert "different ID numbers" in html
    assert 'name="source_id"' not in html
    _merge(staff, target_id, source_id)
    with app.app_context():
        assert db.session.get(Honoree, source_id) is not None
        assert db.session.get(Honor, honor_id).honoree_id == source_id


def test_merge_with_one_id_number_takes_it_over(app, login_as):
    number = factories.valid_id_number()
    source_id, target_id, _ = _pair(app, source_id_number=number)
    staff = login_as(Role.STAFF)
    assert _merge(staff, target_id, source_id).status_code == 302
    with app.app_context():
        target = db.session.get(Honoree, target_id)
        assert target.id_number_hash == crypto.keyed_hash(number)


def test_merge_preview_of_an_unknown_number_says_so(app, login_as):
    _, target_id, _ = _pair(app)
    staff = login_as(Role.STAFF)
    response = _preview(staff, target_id, source="nobody")
    assert response.status_code == 200
    assert "No record with this registry number." in response.get_data(as_text=True)


def test_merge_is_refused_to_a_nominator(app, login_as):
    source_id, target_id, _ = _pair(app)
    nominator = login_as(Role.NOMINATOR)
    assert nominator.get(f"/staff/honorees/{target_id}/merge").status_code == 403
