"""The like rule (docs/likes.md): per browser, and per address budgets kept in the database.

A scripted attacker who clears its cookies before every like gains a bounded number of
likes; 200 honest visitors behind one carrier NAT address, arriving over an hour, are all
counted; the limits hold when requests land on workers that share nothing but the database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, limiter
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.programs.workflow import CyclePhase
from app.review import services
from app.review.models import Like
from tests import factories
from tests.conftest import csrf_token

NAT = "100.64.0.1"  # carrier-grade NAT range (RFC 6598)
# 10:00:30 in Beijing: the whole scenario stays within one Beijing day.
START = datetime(2026, 12, 1, 2, 0, 30, tzinfo=UTC)


@pytest.fixture
def review(app):
    with app.app_context():
        program = factories.make_program(public_review=True)
        cycle = factories.make_open_cycle(program)
        first, second = (
            factories.make_nomination(
                cycle, name=name, id_number=None, state=NominationState.QUALIFIED
            )
            for name in ("候选甲", "候选乙")
        )
        cycle.state = CyclePhase.PUBLIC_REVIEW  # arranged directly: the phase under test
        db.session.commit()
        return {"first": first.id, "second": second.id}


@pytest.fixture
def clock(monkeypatch):
    """The like service's clock, moved by the test."""
    now = [START]
    monkeypatch.setattr(services, "utcnow", lambda: now[0])
    return now


def _fresh_visitor_likes(app, nomination_id: int, address: str = NAT):
    """A browser with no cookies (a script clears them) opens the page and likes."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_token(client, f"/review/{nomination_id}")
    return client, client.post(f"/review/{nomination_id}/like", data={"csrf_token": token})


def _counted(app) -> dict[int, int]:
    with app.app_context():
        return dict(
            db.session.execute(
                sa.select(Like.nomination_id, sa.func.count()).group_by(Like.nomination_id)
            ).all()
        )


def test_like_rule_is_stated_on_the_review_pages_with_configured_numbers(
    app, client, review, monkeypatch
):
    monkeypatch.setitem(app.config, "LIKES_PER_ADDRESS_CANDIDATE_DAY", 123)
    client.set_cookie("lang", "en")
    for url in ("/review", f"/review/{review['first']}"):
        html = client.get(url).get_data(as_text=True)
        assert "How likes are counted" in html
        assert "at most 20 likes a minute, 400 likes an hour and 123 likes to one" in html


def test_like_limit_holds_across_workers_that_share_only_the_database(app, review, clock):
    statuses = []
    for i in range(21):
        if i == 10:
            limiter.reset()  # the next requests reach a worker whose memory knows nothing
        statuses.append(_fresh_visitor_likes(app, review["first"])[1].status_code)
    assert statuses == [302] * 20 + [429]
    assert _counted(app) == {review["first"]: 20}


def test_like_refusal_by_address_names_the_wait_in_retry_after(app, review, clock):
    clock[0] = START.replace(second=45)
    for _ in range(20):
        _fresh_visitor_likes(app, review["first"])
    _client, refused = _fresh_visitor_likes(app, review["first"])
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "15"
    clock[0] = START.replace(second=0) + timedelta(minutes=1)
    assert _fresh_visitor_likes(app, review["first"])[1].status_code == 302
    assert _counted(app) == {review["first"]: 21}


def test_like_cookie_clearing_script_gains_at_most_the_daily_cap_per_candidate(app, review, clock):
    statuses = []
    for minute in range(15):  # 30 tries a minute, fresh cookies each time, for 15 minutes
        for second in range(0, 60, 2):
            clock[0] = START + timedelta(minutes=minute, seconds=second)
            statuses.append(_fresh_visitor_likes(app, review["first"])[1].status_code)
    assert statuses.count(302) == 250  # LIKES_PER_ADDRESS_CANDIDATE_DAY
    assert statuses.count(429) == 15 * 30 - 250
    assert _counted(app) == {review["first"]: 250}
    # The cap is per candidate and day: other candidates, and the next day, are open again.
    clock[0] = START + timedelta(hours=1)
    assert _fresh_visitor_likes(app, review["second"])[1].status_code == 302
    clock[0] = START + timedelta(days=1)
    assert _fresh_visitor_likes(app, review["first"])[1].status_code == 302
    assert _counted(app) == {review["first"]: 251, review["second"]: 1}


def test_like_200_honest_visitors_behind_one_address_over_an_hour_are_all_counted(
    app, review, clock
):
    statuses = []
    for i in range(200):  # one phone every 18 s; every other one likes both candidates
        clock[0] = START + timedelta(seconds=18 * i)
        client, response = _fresh_visitor_likes(app, review["first"])
        statuses.append(response.status_code)
        if i % 2 == 0:
            token = csrf_token(client, f"/review/{review['second']}")
            second = client.post(f"/review/{review['second']}/like", data={"csrf_token": token})
            statuses.append(second.status_code)
    assert statuses == [302] * 300
    assert _counted(app) == {review["first"]: 200, review["second"]: 100}
    with app.app_context():
        visitors = db.session.scalar(sa.select(sa.func.count(sa.distinct(Like.visitor_id))))
    assert visitors == 200


def test_like_budget_is_spent_only_by_counted_likes(app, review, clock):
    client, first = _fresh_visitor_likes(app, review["first"])
    token = csrf_token(client, f"/review/{review['first']}")
    for _ in range(30):  # the same browser again and again: refused, and spends nothing
        client.post(f"/review/{review['first']}/like", data={"csrf_token": token})
    statuses = [_fresh_visitor_likes(app, review["first"])[1].status_code for _ in range(20)]
    assert first.status_code == 302
    assert statuses == [302] * 19 + [429]
    assert _counted(app) == {review["first"]: 20}


def test_like_service_refuses_past_the_minute_cap_with_a_limit_error(app, review):
    rule = services.LikeRule(per_address_minute=3)
    with app.app_context():
        nomination = db.session.get(Nomination, review["first"])
        for i in range(3):
            services.add_like(nomination, visitor_id=f"v{i}", ip=NAT, rule=rule, now=START)
        with pytest.raises(services.LikeLimitError) as refused:
            services.add_like(nomination, visitor_id="v3", ip=NAT, rule=rule, now=START)
        assert refused.value.retry_after == 30
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Like)) == 0


def test_like_again_from_same_browser_says_already_liked_when_address_budget_is_spent(
    app, review, clock
):
    client, first = _fresh_visitor_likes(app, review["first"])
    for _ in range(19):
        _fresh_visitor_likes(app, review["first"])
    client.set_cookie("lang", "en")
    token = csrf_token(client, f"/review/{review['first']}")
    again = client.post(
        f"/review/{review['first']}/like", data={"csrf_token": token}, follow_redirects=True
    )
    assert again.status_code == 200
    assert "You have already liked this candidate today." in again.get_data(as_text=True)
    assert _counted(app) == {review["first"]: 20}
