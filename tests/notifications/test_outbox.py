"""The mail outbox: written with the action, sent by `honors deliver` with retries and
backoff, claimed so that two runs never send one mail twice."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.accounts.models import Role
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.notifications import services
from app.notifications.cli import deliver
from app.notifications.mail import Mail
from app.notifications.models import OutgoingMail
from app.notifications.services import BACKOFF, MAX_ATTEMPTS, notify
from tests import factories
from tests.notifications.conftest import ORIGIN, start_sink
from tests.notifications.test_mail import kept, return_nomination

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
ADDRESS = "nominator@luohe.invalid"


def _submitted(app) -> int:
    with app.app_context():
        org = factories.make_org(name="外发社区", code="outbox-org")
        nominator = factories.make_user(Role.NOMINATOR, username="outbox-nom", organisation=org)
        nominator.email = ADDRESS
        nomination = factories.make_nomination(
            factories.make_open_cycle(), organisation=org, state=NominationState.SUBMITTED
        )
        db.session.commit()
        return nomination.id


def _queued(app, count: int = 1, address: str = ADDRESS) -> None:
    with app.app_context():
        for i in range(count):
            services.queue_mail(Mail(to=address, subject=f"S{i}", body="b"), now=NOW)
        db.session.commit()


def _make_due(app) -> None:
    """As if the backoff had passed."""
    with app.app_context():
        db.session.execute(sa.update(OutgoingMail).values(next_attempt_at=None))
        db.session.commit()


class Failing:
    def send(self, message):
        raise ConnectionRefusedError("down")


class Keeping:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


def test_return_with_smtp_down_is_fast_and_the_mail_is_sent_once_when_smtp_is_back(
    app, login_as, smtp_channel, smtp_port, runner
):
    nomination_id = _submitted(app)
    started = time.monotonic()
    response = return_nomination(login_as, nomination_id)
    assert time.monotonic() - started < 2
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Nomination, nomination_id).state is NominationState.RETURNED
    assert kept(app) == [(ADDRESS, 0, "", False)]

    down = runner.invoke(args=["honors", "deliver"])
    assert down.output == "0 sent, 1 failed, 0 waiting for a person\n"
    assert kept(app) == [(ADDRESS, 1, "ConnectionRefusedError", False)]
    with app.app_context():
        row = db.session.scalar(sa.select(OutgoingMail))
        assert row.next_attempt_at - row.created_at >= BACKOFF[0] - timedelta(seconds=5)
        assert row.claimed_at is None
    sink, controller = start_sink(smtp_port)
    try:
        early = runner.invoke(args=["honors", "deliver"])
        assert early.output == "0 sent, 0 failed, 0 waiting for a person\n"  # backoff
        _make_due(app)
        sent = runner.invoke(args=["honors", "deliver"])
        assert sent.output == "1 sent, 0 failed, 0 waiting for a person\n"
        again = runner.invoke(args=["honors", "deliver"])
        assert again.output == "0 sent, 0 failed, 0 waiting for a person\n"
    finally:
        controller.stop()
    [message] = sink.messages
    assert message["To"] == ADDRESS
    assert message.get_content() == f"请补充材料\n\n{ORIGIN}/nominations/{nomination_id}\n"
    assert kept(app) == [(ADDRESS, 2, "ConnectionRefusedError", True)]


def test_rollback_drops_the_queued_mail_and_inbox_row(app):
    with app.app_context():
        user = factories.make_user(Role.NOMINATOR)
        user.email = ADDRESS
        db.session.commit()
        notify([user], subject="A", body="b")
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 0


def test_a_second_claim_of_the_same_mails_gets_nothing(app):
    _queued(app, 2)
    with app.app_context():
        first = services.claim_mails(ADDRESS, worker="run-a", now=NOW)
        db.session.commit()
        second = services.claim_mails(ADDRESS, worker="run-b", now=NOW + timedelta(seconds=1))
        db.session.commit()
        assert ([m.subject for m in first], second) == (["S0", "S1"], [])
        assert services.next_due_address(now=NOW + timedelta(seconds=2)) is None
        channel = Keeping()
        assert services.send_claimed(first, channel, now=NOW, base_url=ORIGIN) is None
        db.session.commit()
        late = services.claim_mails(ADDRESS, worker="run-c", now=NOW + timedelta(hours=1))
        assert (len(channel.sent), late) == (1, [])


def test_a_claim_left_by_a_dead_run_is_taken_over_after_it_goes_stale(app):
    _queued(app)
    with app.app_context():
        services.claim_mails(ADDRESS, worker="crashed", now=NOW)
        db.session.commit()
        fresh = services.claim_mails(ADDRESS, worker="next", now=NOW + timedelta(minutes=5))
        stale = services.claim_mails(ADDRESS, worker="next", now=NOW + timedelta(minutes=11))
        assert (fresh, [m.claimed_by for m in stale]) == ([], ["next"])


def test_failed_attempts_back_off_1_5_30_min_2_h_12_h_then_wait_for_a_person(app, runner):
    _queued(app)
    waits = []
    with app.app_context():
        moment = NOW
        for _ in range(MAX_ATTEMPTS):
            mails = services.claim_mails(ADDRESS, worker="w", now=moment)
            assert len(mails) == 1
            assert (
                services.send_claimed(mails, Failing(), now=moment, base_url=ORIGIN)
                == "ConnectionRefusedError"
            )
            db.session.commit()
            row = mails[0]
            waits.append(None if row.next_attempt_at is None else row.next_attempt_at - moment)
            moment = row.next_attempt_at or moment
        assert services.next_due_address(now=moment + timedelta(days=30)) is None
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
        None,
    ]
    listing = runner.invoke(args=["honors", "outbox"])
    assert listing.output.splitlines()[-1] == "1 mail(s) waiting for a person"
    assert f"\t{ADDRESS}\t6\tConnectionRefusedError" in listing.output
    mail_id = listing.output.split("\t", 1)[0]
    assert runner.invoke(args=["honors", "outbox", "--retry", mail_id]).exit_code == 0
    assert kept(app) == [(ADDRESS, 0, "ConnectionRefusedError", False)]


def test_several_due_mails_of_one_recipient_go_out_as_one_digest_with_absolute_links(app):
    _queued(app, 3)
    with app.app_context():
        services.queue_mail(Mail(to=ADDRESS, subject="S3", body="", link="/nominations/7"))
        db.session.commit()
    _queued(app, 1, address="other@luohe.invalid")
    channel = Keeping()
    with app.app_context():
        while (address := services.next_due_address(now=NOW)) is not None:
            mails = services.claim_mails(address, worker="w", now=NOW)
            services.send_claimed(mails, channel, now=NOW, base_url=ORIGIN)
            db.session.commit()
    assert [(m.to, m.link) for m in channel.sent] == [
        (ADDRESS, "/inbox"),
        ("other@luohe.invalid", None),
    ]
    assert "4" in channel.sent[0].subject
    assert channel.sent[0].body.count("• S") == 4
    assert channel.sent[0].body.endswith(f"• S3\n{ORIGIN}/nominations/7")


class SlowKeeping:
    """A channel shared by two runs: records each mail, slowly, like a real server."""

    def __init__(self):
        self.sent, self.lock = [], threading.Lock()

    def send(self, message):
        time.sleep(0.01)
        with self.lock:
            self.sent.append(message.to)


def test_two_deliver_runs_at_once_send_each_mail_exactly_once(app):
    addresses = [f"n{i}@luohe.invalid" for i in range(30)]
    with app.app_context():
        for address in addresses:
            services.queue_mail(Mail(to=address, subject="S", body="b"), now=NOW)
        db.session.commit()
    channel, results, errors = SlowKeeping(), [], []

    def run(name: str) -> None:
        try:
            with app.app_context():
                results.append(deliver(channel, base_url=ORIGIN, worker=name))
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(f"run-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(channel.sent) == sorted(addresses)
    assert sum(sent for sent, _failed in results) == 30
    assert [row[3] for row in kept(app)] == [True] * 30


def test_admin_users_page_counts_the_mails_waiting_for_a_person(app, login_as):
    _queued(app, 2)
    admin = login_as(Role.ADMIN)
    before = admin.get("/admin/users?lang=en").get_data(as_text=True)
    with app.app_context():
        db.session.execute(
            sa.update(OutgoingMail)
            .where(OutgoingMail.subject == "S0")
            .values(attempts=MAX_ATTEMPTS)
        )
        db.session.commit()
    after = admin.get("/admin/users?lang=en").get_data(as_text=True)
    assert "could not be delivered" not in before
    assert "1 notification mail(s) could not be delivered" in after
