"""List pages eager-load: their SQL query count does not grow with the data."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.accounts.models import Role
from app.core import public_data
from app.extensions import db
from app.nominations.workflow import NominationState
from tests import factories


@contextmanager
def count_queries(app):
    counter = {"n": 0}

    def before(*_args, **_kwargs):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _add(app, count: int, org_code: str) -> None:
    with app.app_context():
        import sqlalchemy as sa

        from app.orgs.models import Organisation

        org = db.session.scalar(sa.select(Organisation).where(Organisation.code == org_code))
        cycle = factories.make_open_cycle()
        district = factories.make_org(kind=factories.OrgKind.DISTRICT)
        for i in range(count):
            factories.make_nomination(
                cycle,
                organisation=org,
                name=f"候选{i}",
                id_number=None,
                birth_date=factories.date(1960 + i % 30, 1, 1 + i % 27),
                state=NominationState.SUBMITTED,
            )
            factories.make_honor(
                factories.make_honoree(name=f"好人{i}", district=district),
                cycle.program,
                period=f"2026-{i % 9 + 1:02d}",
            )


def _new_public_version(app) -> None:
    with app.app_context():
        public_data.bump()
        db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/staff/nominations/",
        "/staff/",
        "/nominations/",
        "/",
        "/roll",
        "/roll?q=好人",  # search: a two-character word (the bigram index)
        "/roll?q=好",  # a surname
        "/roll?q=好人 2026",  # two words
        "/feed.atom",
        "/api/v1/honorees",
        "/stats",
        "/staff/programs",
    ],
)
def test_list_page_query_count_is_flat(app, login_as, url):
    client = login_as(Role.STAFF, Role.NOMINATOR, organisation_code="qc")
    _add(app, 2, "qc")
    client.get(url)  # warm-up (first-request work)
    _new_public_version(app)  # both requests compute what depends on the public data
    with count_queries(app) as small:
        assert client.get(url).status_code == 200
    _add(app, 15, "qc")  # adding honors bumps the version (app/core/public_data.py)
    with count_queries(app) as large:
        assert client.get(url).status_code == 200
    assert large["n"] == small["n"], (url, small["n"], large["n"])
