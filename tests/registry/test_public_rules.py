"""The registry's public rules (released honor, public record, minor) agree in Python and SQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.clock import local_today
from app.db_types import utcnow
from app.extensions import db
from app.registry.models import Honor, Honoree, HonoreeKind, HonorStatus
from tests import factories

TODAY = local_today()  # the Beijing date, as the minor rule counts it


def _years_ago(years: int, days: int = 0) -> date:
    try:
        day = TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        day = date(TODAY.year - years, 2, 28)
    return day + timedelta(days=days)


# slug: (birth_date, birth_year, honors as (status, release offset in days), consent
# withdrawn) → expected (is_public, was_public, is_minor).
CASES = {
    "adult-released": ((date(1980, 5, 12), 1980, [("published", -3)], False), (True, True, False)),
    "minor-released": ((_years_ago(12), None, [("published", -3)], False), (True, True, True)),
    "eighteen-today": ((_years_ago(18), None, [("published", -3)], False), (True, True, False)),
    "eighteen-tomorrow": ((_years_ago(18, 1), None, [], False), (False, False, True)),
    "minor-by-year": ((None, TODAY.year - 17, [("published", -3)], False), (True, True, True)),
    "adult-by-year": ((None, TODAY.year - 18, [("published", -3)], False), (True, True, False)),
    "no-birth": ((None, None, [("published", -3)], False), (True, True, False)),
    "embargoed": ((date(1980, 5, 12), None, [("published", 5)], False), (False, False, False)),
    "pending": ((None, None, [("pending", None)], False), (False, False, False)),
    "revoked": ((date(1970, 1, 1), None, [("revoked", -30)], False), (False, True, False)),
    "revoked-and-released": (
        (None, None, [("revoked", -30), ("published", -2)], False),
        (True, True, False),
    ),
    "withdrawn": ((date(2012, 1, 1), None, [("published", -3)], True), (False, True, True)),
    "no-honor": ((date(1980, 5, 12), None, [], False), (False, False, False)),
}


@pytest.fixture
def registry(app):
    with app.app_context():
        now = utcnow()
        program = factories.make_program()
        for slug, ((birth_date, birth_year, honors, withdrawn), _) in CASES.items():
            honoree = factories.make_honoree(
                slug=slug,
                birth_date=birth_date,
                birth_year=birth_year,
                consent_withdrawn_at=now - timedelta(days=1) if withdrawn else None,
            )
            for n, (status, offset) in enumerate(honors):
                at = now + timedelta(days=offset) if offset is not None else None
                factories.make_honor(
                    honoree,
                    program,
                    period=f"2026-0{n + 1}",
                    status=HonorStatus(status),
                    published_at=at,
                    revoked_at=now - timedelta(days=1) if status == "revoked" else None,
                )
        factories.make_honoree(name="青年突击队", kind=HonoreeKind.GROUP, slug="group")
    return app


def test_public_rules_python_equals_sql_for_every_honoree(registry):
    with registry.app_context():
        sql = {
            slug: (bool(public), bool(was), bool(minor))
            for slug, public, was, minor in db.session.execute(
                sa.select(Honoree.slug, Honoree.is_public, Honoree.was_public, Honoree.is_minor)
            )
        }
        python = {
            h.slug: (h.is_public, h.was_public, h.is_minor)
            for h in db.session.scalars(sa.select(Honoree))
        }
        expected = {slug: result for slug, (_, result) in CASES.items()}
        assert python == sql == {**expected, "group": (False, False, False)}


def test_honor_released_python_equals_sql_for_every_honor(registry):
    with registry.app_context():
        sql = {i: v for i, v in db.session.execute(sa.select(Honor.id, Honor.is_released))}
        python = {h.id: h.is_released for h in db.session.scalars(sa.select(Honor))}
        assert {k: bool(v) for k, v in sql.items()} == python
        assert sorted(python.values()) == [False] * 4 + [True] * 8


@pytest.mark.parametrize(
    "day", [date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2030, 12, 31)]
)
def test_is_minor_on_python_equals_sql_on_edge_days(registry, day):
    with registry.app_context():
        for birth in (date(2006, 2, 28), date(2006, 3, 1), date(2007, 2, 28), date(2008, 2, 29)):
            db.session.add(
                Honoree(
                    slug=f"b-{birth}", kind=HonoreeKind.INDIVIDUAL, name="边界", birth_date=birth
                )
            )
        db.session.flush()
        sql = {
            s: v for s, v in db.session.execute(sa.select(Honoree.slug, Honoree.is_minor_on(day)))
        }
        python = {h.slug: h.is_minor_on(day) for h in db.session.scalars(sa.select(Honoree))}
        assert {k: bool(v) for k, v in sql.items()} == python


def test_public_filters_use_the_one_rule(registry):
    with registry.app_context():
        listed = db.session.scalars(
            sa.select(Honoree.slug).where(Honoree.is_public).order_by(Honoree.slug)
        ).all()
        assert listed == sorted(slug for slug, (_, result) in CASES.items() if result[0])
