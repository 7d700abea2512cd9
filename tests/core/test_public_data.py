"""The public data version is bumped by the session itself, never by a caller's hand."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.core.public_data import PublicDataVersion
from app.db_types import utcnow
from app.extensions import db
from app.honors.services import honor_row, published_honor
from app.registry.models import GroupMember, Honor, HonoreeKind, HonorSource
from tests import factories


def _version() -> int:
    return db.session.scalar(sa.select(PublicDataVersion.version)) or 0


def _committed_honoree(**fields):
    honoree = factories.make_honoree(**fields)
    db.session.commit()
    return honoree


def test_changes_in_several_flushes_bump_the_version_once_per_transaction(app):
    with app.app_context():
        first, second = _committed_honoree(name="一"), _committed_honoree(name="二")
        before = _version()

        first.name = "一一"
        db.session.flush()
        second.name = "二二"
        db.session.flush()
        db.session.commit()

        assert _version() == before + 1


def test_new_honoree_bumps_the_version(app):
    with app.app_context():
        before = _version()

        _committed_honoree(name="新人")

        assert _version() == before + 1


def test_public_field_change_bumps_the_version(app):
    with app.app_context():
        honoree = _committed_honoree(name="旧名")
        before = _version()

        honoree.name = "新名"
        db.session.commit()

        assert _version() == before + 1


def test_private_field_change_leaves_the_version(app):
    with app.app_context():
        honoree = _committed_honoree()
        before = _version()

        honoree.phone_enc = "encrypted"
        honoree.id_number_hash = "0" * 64
        db.session.commit()

        assert _version() == before


def test_group_member_change_bumps_the_version(app):
    with app.app_context():
        group = _committed_honoree(name="救援队", kind=HonoreeKind.GROUP)
        before = _version()

        group.members = [GroupMember(name="队员", sort_order=1)]
        db.session.commit()

        assert _version() == before + 1


def test_bulk_insert_of_honors_bumps_the_version(app):
    with app.app_context():
        honoree = _committed_honoree()
        program = factories.make_program()
        db.session.commit()
        before = _version()
        honor = published_honor(
            honoree.id,
            program.id,
            source=HonorSource.IMPORT,
            period_label="2020-01",
            period_start=date(2020, 1, 1),
            period_end=date(2020, 1, 31),
            published_at=utcnow(),
        )

        db.session.execute(sa.insert(Honor), [honor_row(honor)])
        db.session.commit()

        assert _version() == before + 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Honor)) == 1


def test_rolled_back_change_leaves_the_version_and_the_next_one_bumps(app):
    with app.app_context():
        honoree = _committed_honoree(name="甲")
        before = _version()
        honoree.name = "乙"
        db.session.flush()
        db.session.rollback()
        assert _version() == before

        honoree.name = "丙"
        db.session.commit()

        assert _version() == before + 1


def test_change_of_an_unwatched_row_leaves_the_version(app):
    with app.app_context():
        before = _version()
        factories.make_user(username="someone")
        factories.make_program()
        db.session.commit()

        assert _version() == before
