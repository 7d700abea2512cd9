"""The candidates' notice follows the cycle's notice dates as staff set them in the
phase-dates form (found by the browser journey of issue 8: the candidates kept the end
copied when the notice opened, so a moved end changed nothing)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import format_datetime

from app.audit.models import AuditEvent
from app.committee import ballots, queries, results
from app.db_types import utcnow
from app.exceptions import WindowClosedError
from app.extensions import db
from app.nominations.models import Nomination
from app.notice import queries as notice_queries
from app.notice import services as notice
from app.notice.models import Objection
from app.programs import services as cycle_services
from app.programs.models import Cycle, CycleDateChange
from app.programs.workflow import CyclePhase
from tests.committee.conftest import build
from tests.conftest import csrf_token, login

DATE_INPUT = re.compile(r'<input[^>]*name="(\w+_at)"[^>]*value="([^"]*)"')


@pytest.fixture
def in_notice(app):
    """Three judges, quota 2: candidates 0 and 1 selected and in notice."""
    with app.app_context():
        setup = build(members=3, candidates=3, quota=2)
        cycle = db.session.get(Cycle, setup.cycle_id)
        a, b, _c = setup.candidate_ids
        for member in queries.roster(cycle):
            ballots.submit_ballot(cycle, member, ballots.BallotInput(approvals=[a, b]), secret="s")
        results.apply_results(cycle, actor=None)
        cycle_services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
        db.session.commit()
        return setup


def _save_dates(app, setup, status: int = 302, **changes) -> str:
    """Submit the staff phase-dates form as shown, with `changes` typed over it (English
    pages); returns the answer's HTML."""
    client = app.test_client()
    assert login(client, setup.staff_username).status_code == 302
    url = f"/staff/cycles/{setup.cycle_id}"
    client.get(url + "?lang=en")
    token = csrf_token(client, url)
    shown = dict(DATE_INPUT.findall(client.get(url).get_data(as_text=True)))
    response = client.post(url, data={"csrf_token": token, **shown, **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:2000]
    return html


def _local(moment) -> str:
    return moment.astimezone(cycle_services.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def test_notice_end_moved_later_keeps_objections_open(app, in_notice):
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        old_end = cycle.notice_ends_at
    _save_dates(
        app,
        in_notice,
        notice_ends_at=_local(old_end + timedelta(days=3)),
        reason="Holiday: the notice runs three more days.",
    )
    with app.app_context():
        nomination = db.session.get(Nomination, in_notice.candidate_ids[0])
        assert notice_queries.notice_end(nomination) > old_end + timedelta(days=2)
        objection = notice.file_objection(
            nomination,
            content="公示延长期间收到的异议。",
            contact=None,
            evidence=None,
            root=Path(app.instance_path),
            now=old_end + timedelta(days=1),
        )
        assert objection.nomination_id == nomination.id


def test_notice_extension_reason_logged_and_shown_on_notice_page(app, client, in_notice):
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        old_end = cycle.notice_ends_at
    new_end = old_end.replace(second=0, microsecond=0) + timedelta(days=2)
    _save_dates(
        app, in_notice, notice_ends_at=_local(new_end), reason="Spring Festival: two more days."
    )
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        assert cycle.notice_ends_at == new_end
        (change,) = db.session.scalars(sa.select(CycleDateChange)).all()
        assert (change.field, change.previous_at, change.new_at, change.reason) == (
            "notice_ends_at",
            old_end,
            new_end,
            "Spring Festival: two more days.",
        )
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "cycle.dates_changed")
        ).one()
        assert event.reason == "Spring Festival: two more days."
        assert event.after == {"notice_ends_at": new_end.isoformat()}
    page = client.get("/notice").get_data(as_text=True)
    assert "Spring Festival: two more days." in page
    assert new_end.astimezone(cycle_services.LOCAL_TZ).strftime("%Y-%m-%d %H:%M") in page


def test_notice_extension_without_reason_refused_next_to_reason(app, in_notice):
    with app.app_context():
        old_end = db.session.get(Cycle, in_notice.cycle_id).notice_ends_at
    html = _save_dates(
        app, in_notice, status=200, notice_ends_at=_local(old_end + timedelta(days=2))
    )
    assert re.search(r'id="reason-error">Give the reason for moving the end', html)
    with app.app_context():
        assert db.session.get(Cycle, in_notice.cycle_id).notice_ends_at == old_end
        assert db.session.scalars(sa.select(CycleDateChange)).all() == []


def test_notice_end_shortened_by_staff_refused_and_publication_still_waits(app, in_notice):
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        old_end = cycle.notice_ends_at
        started = cycle.notice_starts_at
    html = _save_dates(
        app,
        in_notice,
        status=200,
        notice_ends_at=_local(started),
        reason="Publish today.",
    )
    assert re.search(
        r'id="notice_ends_at-error">A public notice, once begun, is never shortened', html
    )
    assert f'value="{_local(started)}"' in html  # the typed value is kept
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        assert cycle.notice_ends_at == old_end
        assert cycle_services.refusals(cycle, CyclePhase.PUBLISHED, now=utcnow()) != []


def test_notice_start_moved_once_begun_refused(app, in_notice):
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        started = cycle.notice_starts_at
        with pytest.raises(cycle_services.CycleDatesError) as refused:
            cycle_services.update_cycle_dates(
                cycle,
                actor=None,
                reason="x",
                notice_starts_at=started - timedelta(days=7),
            )
        assert refused.value.field == "notice_starts_at"
        db.session.rollback()
        assert db.session.get(Cycle, in_notice.cycle_id).notice_starts_at == started


def test_publication_refused_until_minimum_notice_elapsed_even_if_end_was_moved(app, in_notice):
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        cycle.notice_ends_at = utcnow() - timedelta(minutes=1)  # written around the service
        problems = cycle_services.refusals(
            cycle, CyclePhase.PUBLISHED, now=cycle.notice_starts_at + timedelta(days=6)
        )
        assert [str(p) for p in problems] == [
            "公示期至 "
            + format_datetime(cycle.notice_starts_at + timedelta(days=7), "yyyy-MM-dd HH:mm")
            + " 结束。"
        ]


def test_objection_after_notice_end_refused_naming_the_end(app, in_notice):
    with app.app_context():
        nomination = db.session.get(Nomination, in_notice.candidate_ids[0])
        end = notice_queries.notice_end(nomination)
        with pytest.raises(WindowClosedError) as refused:
            notice.file_objection(
                nomination,
                content="公示结束之后才提交的异议。",
                contact=None,
                evidence=None,
                root=Path(app.instance_path),
                now=end,
            )
        assert refused.value.closed_at == end
        assert refused.value.field == "nomination_id"


def test_objection_before_notice_start_refused(app, in_notice):
    with app.app_context():
        nomination = db.session.get(Nomination, in_notice.candidate_ids[0])
        start = nomination.cycle.notice_starts_at
        with pytest.raises(WindowClosedError) as refused:
            notice.file_objection(
                nomination,
                content="公示开始之前提交的异议。",
                contact=None,
                evidence=None,
                root=Path(app.instance_path),
                now=start - timedelta(minutes=1),
            )
        assert refused.value.opens_at == start
        assert db.session.scalars(sa.select(Objection)).all() == []


def test_objection_form_after_notice_end_names_the_date_and_keeps_the_text(app, client, in_notice):
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        end = utcnow() - timedelta(minutes=1)
        cycle.notice_starts_at = end - timedelta(days=7)
        cycle.notice_ends_at = end
        db.session.commit()
    client.get("/notice?lang=en")
    token = csrf_token(client, "/notice/objection")
    response = client.post(
        "/notice/objection",
        data={
            "csrf_token": token,
            "nomination_id": str(in_notice.candidate_ids[0]),
            "content": "An objection typed too late.",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    stamp = end.astimezone(cycle_services.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    assert f"The notice of this candidate ended at {stamp}." in html
    assert "An objection typed too late." in html
    with app.app_context():
        assert db.session.scalars(sa.select(Objection)).all() == []
