"""Digests: many messages of one kind and cycle fold into one inbox entry, and a
recipient's mails due together go out as one mail."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role
from app.db_types import utcnow
from app.extensions import db
from app.nominations import services as nominations
from app.nominations.models import Channel, Nomination
from app.nominations.workflow import Actor, NominationState
from app.notifications.models import Notification, OutgoingMail
from app.recommendations import services as recommendations
from app.registry.models import HonoreeKind
from tests import factories
from tests.notifications.test_mail import kept

ADDRESS = "busy@luohe.invalid"


def _seventeen_submitted(app) -> tuple[int, int]:
    with app.app_context():
        org = factories.make_org(name="忙碌社区", code="busy-org")
        nominator = factories.make_user(Role.NOMINATOR, username="busy-nom", organisation=org)
        nominator.email = ADDRESS
        cycle = factories.make_open_cycle(factories.make_program(quota=30))
        for i in range(17):
            factories.make_nomination(
                cycle,
                organisation=org,
                name=f"候选人{i}",
                id_number=factories.valid_id_number(seq=f"{i:03d}"),
                state=NominationState.SUBMITTED,
            )
        db.session.execute(sa.delete(Notification))  # arrangement noise, if any
        db.session.execute(sa.delete(OutgoingMail))
        db.session.commit()
        return nominator.id, cycle.id


def test_seventeen_returned_or_qualified_nominations_make_two_inbox_entries_and_one_mail(
    app, smtp_sink, smtp_channel, runner
):
    nominator_id, cycle_id = _seventeen_submitted(app)
    with app.app_context():
        staff = factories.make_user(Role.STAFF)
        for i, nomination in enumerate(
            db.session.scalars(sa.select(Nomination).order_by(Nomination.id))
        ):
            target = NominationState.RETURNED if i % 2 else NominationState.QUALIFIED
            nominations.transition_nomination(
                nomination, target, actor=staff, actor_kind=Actor.STAFF, reason="请补充"
            )
        db.session.commit()
        entries = db.session.execute(
            sa.select(Notification.count, Notification.digest_key, Notification.link)
            .where(Notification.user_id == nominator_id)
            .order_by(Notification.digest_key)
        ).all()
    assert [tuple(e) for e in entries] == [
        (9, f"nomination:{cycle_id}:qualified", "/nominations/"),
        (8, f"nomination:{cycle_id}:returned", "/nominations/"),
    ]
    assert len(kept(app)) == 17  # one outbox row per message, grouped when sent
    result = runner.invoke(args=["honors", "deliver"])
    assert result.output == "17 sent, 0 failed, 0 waiting for a person\n"
    [message] = smtp_sink.messages
    assert message["To"] == ADDRESS
    assert "17" in message["Subject"]
    assert message.get_content().count("• ") == 17
    assert runner.invoke(args=["honors", "deliver"]).output.startswith("0 sent")
    assert len(smtp_sink.messages) == 1


def test_a_read_digest_entry_is_not_reused_by_the_next_message(app):
    with app.app_context():
        staff = factories.make_user(Role.STAFF)
        for name in ("甲", "乙"):
            _recommend(name)
        db.session.execute(sa.update(Notification).values(read_at=utcnow()))
        _recommend("丙")
        db.session.commit()
        rows = db.session.execute(
            sa.select(Notification.count, Notification.read_at.is_(None))
            .where(Notification.user_id == staff.id)
            .order_by(Notification.id)
        ).all()
    assert [tuple(r) for r in rows] == [(2, False), (1, True)]


def _recommend(name: str):
    return recommendations.file_recommendation(
        channel=Channel.PUBLIC,
        kind=HonoreeKind.INDIVIDUAL,
        candidate_name=name,
        district=None,
        unit=None,
        headline="热心助人",
        story="事迹",
        recommender_name="市民",
        recommender_phone=None,
        relationship_note=None,
    )
