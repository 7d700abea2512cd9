"""Public review: like rules, rate limit, exact counts under concurrency, anomalies, voiding."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.core.clock import set_to
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from app.review import queries, services
from app.review.models import Like
from app.review.views import public as review_views
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def review(app):
    with app.app_context():
        program = factories.make_program(public_review=True)
        cycle = factories.make_open_cycle(program)
        adult = factories.make_nomination(
            cycle, name="成年候选", id_number=None, state=NominationState.QUALIFIED
        )
        minor = factories.make_nomination(
            cycle,
            name="少年候选",
            id_number=None,
            birth_date=date(2015, 1, 1),
            guardian_consent=True,
            guardian_name="家长",
            state=NominationState.QUALIFIED,
        )
        cycle.state = CyclePhase.PUBLIC_REVIEW  # arranged directly: the phase under test
        db.session.commit()
        return {"cycle": cycle.id, "adult": adult.id, "minor": minor.id}


def _like(client, nomination_id, remote="203.0.113.5"):
    token = csrf_token(client, "/review")
    return client.post(
        f"/review/{nomination_id}/like",
        data={"csrf_token": token},
        environ_base={"REMOTE_ADDR": remote},
        follow_redirects=True,
    )


def _count(app, nomination_id):
    with app.app_context():
        return queries.counts(db.session.get(Nomination, nomination_id).cycle_id).get(
            nomination_id, 0
        )


def test_public_page_shows_adults_not_minors(client, review):
    html = client.get("/review").get_data(as_text=True)
    assert "成年候选" in html and "少年候选" not in html
    assert client.get(f"/review/{review['minor']}").status_code == 404


def test_second_like_same_day_refused_with_message(app, client, review):
    first = _like(client, review["adult"]).get_data(as_text=True)
    assert "已计入" in first or "counted" in first
    second = _like(client, review["adult"]).get_data(as_text=True)
    assert "今天已经" in second or "already" in second
    assert _count(app, review["adult"]) == 1


def test_next_day_allowed(app, review):
    with app.app_context():
        nomination = db.session.get(Nomination, review["adult"])
        now = utcnow()
        services.add_like(nomination, visitor_id="v1", ip="198.51.100.1", now=now)
        with pytest.raises(services.LikeError):
            services.add_like(nomination, visitor_id="v1", ip="198.51.100.1", now=now)
        services.add_like(
            nomination, visitor_id="v1", ip="198.51.100.1", now=now + timedelta(days=1)
        )
        db.session.commit()
        assert queries.counts(nomination.cycle_id)[nomination.id] == 2


def test_minor_cannot_be_liked_unless_program_allows(app, review):
    with app.app_context():
        minor = db.session.get(Nomination, review["minor"])
        with pytest.raises(services.LikeError):
            services.add_like(minor, visitor_id="v", ip="198.51.100.2")
        minor.cycle.program.minors_in_public_review = True
        services.add_like(minor, visitor_id="v", ip="198.51.100.2")


def test_rate_limit_answers_429_with_a_readable_page(app, review):
    codes = []
    # One clock moment for the whole burst: the address budget is per clock minute
    # (docs/likes.md), and 21 slow requests could straddle a minute boundary.
    with set_to(utcnow()):
        for _ in range(21):  # a fresh cookie each time: the address limit still holds
            client = app.test_client()
            token = csrf_token(client, "/review")
            response = client.post(
                f"/review/{review['adult']}/like",
                data={"csrf_token": token},
                environ_base={"REMOTE_ADDR": "192.0.2.77"},
            )
            codes.append(response.status_code)
    assert codes == [302] * 20 + [429]
    assert "请求过于频繁" in response.get_data(as_text=True)
    assert _count(app, review["adult"]) == 20


def test_likes_closed_outside_public_review(app, client, review):
    with app.app_context():
        cycle = db.session.get(Cycle, review["cycle"])
        cycle.state = CyclePhase.VOTING
        db.session.commit()
    assert client.get(f"/review/{review['adult']}").status_code == 404


def test_exact_count_after_500_concurrent_likes_from_distinct_visitors(app, review):
    def one(i):
        client = app.test_client()
        remote = f"10.{i // 250}.{i % 250}.1"
        token = csrf_token(client, "/review")
        response = client.post(
            f"/review/{review['adult']}/like",
            data={"csrf_token": token},
            environ_base={"REMOTE_ADDR": remote},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(one, range(500)))
    assert codes.count(302) == 500, {c: codes.count(c) for c in set(codes)}
    assert _count(app, review["adult"]) == 500
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Like)) == 500


def test_burst_flagged_and_voiding_lowers_count_and_is_logged(app, review, login_as):
    with app.app_context():
        nomination = db.session.get(Nomination, review["adult"])
        now = utcnow().replace(second=5)
        for i in range(25):  # 25 fresh visitors from one /24 within a minute
            services.add_like(nomination, visitor_id=f"bot{i}", ip=f"198.51.100.{i}", now=now)
        services.add_like(nomination, visitor_id="human", ip="203.0.113.9", now=now)
        db.session.commit()
    staff = login_as(Role.STAFF)
    page = staff.get(f"/staff/review/{review['cycle']}").get_data(as_text=True)
    match = re.search(
        r'name="net_hash" value="(\w+)"><input type="hidden" name="minute" '
        r'value="([^"]+)"',
        page,
    )
    assert match, page[-3000:]
    token = csrf_token(staff, f"/staff/review/{review['cycle']}")
    staff.post(
        f"/staff/review/{review['cycle']}",
        data={
            "csrf_token": token,
            "net_hash": match.group(1),
            "minute": match.group(2),
            "reason": "同一网段一分钟内集中点赞",
        },
    )
    assert _count(app, review["adult"]) == 1
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "likes.voided"))
        assert event.after["count"] == 25 and event.reason == "同一网段一分钟内集中点赞"


def test_likes_feed_the_committee_public_share(app, review):
    from app.committee.queries import likes_by_nomination

    with app.app_context():
        nomination = db.session.get(Nomination, review["adult"])
        services.add_like(nomination, visitor_id="a", ip="203.0.113.1")
        db.session.commit()
        assert likes_by_nomination(nomination.cycle) == {nomination.id: 1}


def test_like_needs_csrf(client, review):
    assert client.post(f"/review/{review['adult']}/like").status_code == 400


def _locked_first(monkeypatch, times: int):
    """add_like refused as "database is locked" `times` times, then the real one."""
    real = services.add_like
    refusals = iter(range(times))

    def add_like(*args, **kwargs):
        if next(refusals, None) is not None:
            raise OperationalError("INSERT INTO likes", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "add_like", add_like)


def test_like_refused_twice_as_locked_is_retried_and_counted_once(app, review, monkeypatch):
    _locked_first(monkeypatch, 2)
    client = app.test_client()
    token = csrf_token(client, "/review")
    response = client.post(f"/review/{review['adult']}/like", data={"csrf_token": token})
    assert response.status_code == 302
    assert _count(app, review["adult"]) == 1


def test_like_locked_past_its_retries_answers_503_and_counts_nothing(app, review, monkeypatch):
    _locked_first(monkeypatch, 10_000)
    monkeypatch.setattr(review_views, "LIKE_RETRY_SECONDS", 0)
    client = app.test_client()
    token = csrf_token(client, "/review")
    response = client.post(f"/review/{review['adult']}/like", data={"csrf_token": token})
    assert response.status_code == 503
    assert _count(app, review["adult"]) == 0


def test_a_like_is_one_read_and_one_transaction_of_two_writes(app, client, review):
    token = csrf_token(client, "/review")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()[:3]).upper())

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.post(
            f"/review/{review['adult']}/like",
            data={"csrf_token": token},
            environ_base={"REMOTE_ADDR": "203.0.113.77"},
        )
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 302
    assert len(statements) <= 3, statements
    assert [s.split()[0] for s in statements] == ["SELECT", "INSERT", "INSERT"]
    assert "LIKES" in statements[1] and "LIKE_BUDGETS" in statements[2]
    assert _count(app, review["adult"]) == 1


def test_like_budgets_older_than_two_days_are_pruned_by_the_schedule(app, review):
    from app.review.models import LikeBudget

    now = utcnow()
    with app.app_context():
        services.add_like(
            db.session.get(Nomination, review["adult"]),
            visitor_id="old",
            ip="198.51.100.50",
            now=now - timedelta(days=4),
        )
        services.add_like(
            db.session.get(Nomination, review["adult"]),
            visitor_id="new",
            ip="198.51.100.50",
            now=now,
        )
        db.session.commit()
        assert services.prune_like_budgets(now, None) == ["like budgets pruned: 3"]
        db.session.commit()
        kept = db.session.scalars(sa.select(LikeBudget.window_start)).all()
        assert len(kept) == 3 and all(start > now - timedelta(days=2) for start in kept)
