"""Notification mail: one-line headers, links on the public origin, and a failure after the
commit is logged, never a 500."""

from __future__ import annotations

import logging
import smtplib

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.notifications import mail as mail_module
from app.notifications.mail import Mail, SmtpSender, one_line
from app.notifications.models import Notification, OutgoingMail
from tests import factories
from tests.conftest import csrf_token

ORIGIN = "https://haoren.example.gov.cn"
INJECTED = "王五\r\nBcc: victim@evil.example"


class FakeSmtp:
    """Stands in for smtplib.SMTP: keeps the messages, or fails like a server that is down."""

    messages: list = []
    error: Exception | None = None

    def __init__(self, host, port, timeout):
        if FakeSmtp.error is not None:
            raise FakeSmtp.error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        FakeSmtp.messages.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSmtp.messages, FakeSmtp.error = [], None
    monkeypatch.setattr(mail_module.smtplib, "SMTP", FakeSmtp)
    sender = SmtpSender("mail.test", 25, "noreply@luohe.invalid", base_url=ORIGIN)
    monkeypatch.setitem(app.extensions, "honors_mail", sender)
    return FakeSmtp


def _nomination(app, *, name: str = INJECTED, email: str = "nominator@luohe.invalid") -> int:
    with app.app_context():
        org = factories.make_org(name="邮件社区", code="mail-org")
        nominator = factories.make_user(Role.NOMINATOR, username="mail-nominator", organisation=org)
        nominator.email = email
        nomination = factories.make_nomination(
            factories.make_open_cycle(),
            organisation=org,
            id_number=None,
            state=NominationState.SUBMITTED,
        )
        nomination.name = name  # as an import or an older form could have stored it
        db.session.commit()
        return nomination.id


def _return(login_as, nomination_id: int):
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, f"/staff/nominations/{nomination_id}")
    return staff.post(
        f"/staff/nominations/{nomination_id}/return",
        data={"csrf_token": token, "reason": "请补充材料"},
    )


def _state_and_inbox(app, nomination_id: int) -> tuple[NominationState, int]:
    with app.app_context():
        state = db.session.get(Nomination, nomination_id).state
        inbox = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
        return state, inbox


def test_smtp_mail_with_line_break_in_name_goes_out_with_one_subject_line(app, login_as, smtp):
    nomination_id = _nomination(app)
    response = _return(login_as, nomination_id)
    assert response.status_code == 302
    assert _state_and_inbox(app, nomination_id) == (NominationState.RETURNED, 1)
    [message] = smtp.messages
    assert message.get_all("Bcc") is None
    assert message["To"] == "nominator@luohe.invalid"
    assert "王五 Bcc: victim@evil.example" in message["Subject"]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    header_lines = message.as_bytes().split(b"\n\n", 1)[0].splitlines()
    assert not any(line.lower().startswith(b"bcc") for line in header_lines)
    body = message.get_content()
    assert body == f"请补充材料\n\n{ORIGIN}/nominations/{nomination_id}\n"


def test_smtp_down_after_commit_is_logged_kept_and_the_write_stands(app, login_as, smtp, caplog):
    smtp.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    nomination_id = _nomination(app, name="赵六")
    with caplog.at_level(logging.INFO, logger="honors.mail"):
        response = _return(login_as, nomination_id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/nominations/{nomination_id}"
    assert _state_and_inbox(app, nomination_id) == (NominationState.RETURNED, 1)
    assert smtp.messages == []
    failures = [r.getMessage() for r in caplog.records if r.name == "honors.mail"]
    assert failures == ["mail not delivered: SMTPServerDisconnected"]
    assert _kept(app) == [("nominator@luohe.invalid", 1, "SMTPServerDisconnected", False)]


def _kept(app) -> list[tuple[str, int, str, bool]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id))
        return [(r.to_address, r.attempts, r.last_error, r.sent_at is not None) for r in rows]


def test_deliver_sends_kept_mail_once_when_smtp_is_back(app, login_as, smtp, runner):
    smtp.error = smtplib.SMTPServerDisconnected("down")
    nomination_id = _nomination(app, name="钱七")
    _return(login_as, nomination_id)
    smtp.error = None
    result = runner.invoke(args=["honors", "deliver"])
    assert result.exit_code == 0 and result.output == "1 sent, 0 failed\n"
    [message] = smtp.messages
    assert message["To"] == "nominator@luohe.invalid"
    assert message.get_content() == f"请补充材料\n\n{ORIGIN}/nominations/{nomination_id}\n"
    assert _kept(app) == [("nominator@luohe.invalid", 1, "SMTPServerDisconnected", True)]
    again = runner.invoke(args=["honors", "deliver"])
    assert again.output == "0 sent, 0 failed\n" and len(smtp.messages) == 1


def test_deliver_gives_up_after_max_attempts(app, login_as, smtp, runner):
    smtp.error = smtplib.SMTPServerDisconnected("down")
    _return(login_as, _nomination(app, name="孙八"))
    outputs = [runner.invoke(args=["honors", "deliver"]).output for _ in range(5)]
    assert outputs == ["0 sent, 1 failed\n"] * 4 + ["0 sent, 0 failed\n"]
    assert _kept(app) == [("nominator@luohe.invalid", 5, "SMTPServerDisconnected", False)]
    assert smtp.messages == []


def test_recipient_with_line_break_is_refused_and_logged(app, login_as, smtp, caplog):
    nomination_id = _nomination(app, email="nominator@luohe.invalid\r\nBcc: victim@evil.example")
    with caplog.at_level(logging.INFO, logger="honors.mail"):
        response = _return(login_as, nomination_id)
    assert response.status_code == 302
    assert _state_and_inbox(app, nomination_id) == (NominationState.RETURNED, 1)
    assert smtp.messages == []
    failures = [r.getMessage() for r in caplog.records if r.name == "honors.mail"]
    assert failures == ["mail not delivered: MailAddressError"]
    assert [row[1:] for row in _kept(app)] == [(1, "MailAddressError", False)]


def test_console_mail_logs_one_line_per_mail(app, caplog):
    sender = mail_module.ConsoleSender()
    with caplog.at_level(logging.INFO, logger="honors.mail"):
        sender.send(Mail(to="a@luohe.invalid", subject="甲\n乙\r\n丙", body="b"))
    assert [r.getMessage() for r in caplog.records] == ["mail to=a@luohe.invalid subject=甲 乙 丙"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张三"),
        ("张三\r\nBcc: x@evil.example", "张三 Bcc: x@evil.example"),
        ("a\nb\rc\x0bd\x0ce\x1cf\x85g\u2028h\u2029i", "a b c d e f g h i"),
        ("  \n ", ""),
    ],
)
def test_one_line_joins_every_kind_of_line_break(value, expected):
    assert one_line(value) == expected


def test_make_sender_smtp_links_to_the_public_origin():
    config = {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "mail.test",
        "MAIL_PORT": 2525,
        "MAIL_SENDER": "noreply@luohe.invalid",
        "PUBLIC_BASE_URL": ORIGIN,
    }
    sender = mail_module.make_sender(config)
    assert (sender.host, sender.port, sender.base_url) == ("mail.test", 2525, ORIGIN)
    assert mail_module.mail_body(Mail("a@luohe.invalid", "s", "", "/inbox"), ORIGIN) == (
        f"{ORIGIN}/inbox"
    )
