"""Notification mail through the SMTP channel against a real local SMTP server: one-line
headers, a single plain recipient, links on the public origin."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.accounts.models import Role
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.notifications import mail as mail_module
from app.notifications.mail import Mail, SmtpChannel, SmtpSettings, one_line
from app.notifications.models import Notification, OutgoingMail
from tests import factories
from tests.conftest import csrf_token
from tests.notifications.conftest import ORIGIN, SENDER, Sink

INJECTED = "王五\r\nBcc: victim@evil.example"


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


def return_nomination(login_as, nomination_id: int):
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


def kept(app) -> list[tuple[str, int, str, bool]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id))
        return [(r.to_address, r.attempts, r.last_error, r.sent_at is not None) for r in rows]


def test_smtp_mail_with_line_break_in_name_goes_out_with_one_subject_line(
    app, login_as, smtp_sink, smtp_channel, runner
):
    nomination_id = _nomination(app)
    response = return_nomination(login_as, nomination_id)
    assert response.status_code == 302
    assert _state_and_inbox(app, nomination_id) == (NominationState.RETURNED, 1)
    assert smtp_sink.messages == []  # nothing is sent during the request
    assert runner.invoke(args=["honors", "deliver"]).output == (
        "1 sent, 0 failed, 0 waiting for a person\n"
    )
    [message] = smtp_sink.messages
    assert message.get_all("Bcc") is None
    assert message["To"] == "nominator@luohe.invalid"
    assert message["From"] == SENDER
    assert "王五 Bcc: victim@evil.example" in message["Subject"]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert smtp_sink.envelopes[0].rcpt_tos == ["nominator@luohe.invalid"]
    header_lines = message.as_bytes().split(b"\n\n", 1)[0].splitlines()
    assert not any(line.lower().startswith(b"bcc") for line in header_lines)
    assert message.get_content() == f"请补充材料\n\n{ORIGIN}/nominations/{nomination_id}\n"


def test_recipient_with_line_break_is_refused_kept_and_logged(
    app, login_as, smtp_sink, smtp_channel, runner, caplog
):
    nomination_id = _nomination(app, email="nominator@luohe.invalid\r\nBcc: victim@evil.example")
    response = return_nomination(login_as, nomination_id)
    assert response.status_code == 302
    assert _state_and_inbox(app, nomination_id) == (NominationState.RETURNED, 1)
    with caplog.at_level(logging.INFO, logger="honors.mail"):
        result = runner.invoke(args=["honors", "deliver"])
    assert result.output == "0 sent, 1 failed, 0 waiting for a person\n"
    assert smtp_sink.messages == []
    failures = [r.getMessage() for r in caplog.records if r.name == "honors.mail"]
    assert failures == ["mail not delivered: MailAddressError"]
    assert [row[1:] for row in kept(app)] == [(1, "MailAddressError", False)]


def test_smtp_channel_delivers_subject_body_and_absolute_link(app, smtp_sink, smtp_channel):
    with app.app_context():
        smtp_channel.send(
            Mail(to="a@luohe.invalid", subject="提名已退回", body="请补充材料", link="/inbox")
        )
    [message] = smtp_sink.messages
    assert (message["To"], message["Subject"]) == ("a@luohe.invalid", "提名已退回")
    assert message.get_content() == f"请补充材料\n\n{ORIGIN}/inbox\n"


def test_console_channel_logs_one_line_per_mail(app, caplog):
    channel = mail_module.ConsoleChannel()
    with caplog.at_level(logging.INFO, logger="honors.mail"):
        channel.send(Mail(to="a@luohe.invalid", subject="甲\n乙\r\n丙", body="b"))
    assert [r.getMessage() for r in caplog.records] == ["mail to=a@luohe.invalid subject=甲 乙 丙"]
    assert [m.subject for m in channel.sent] == ["甲\n乙\r\n丙"]


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


def test_make_channel_smtp_reads_tls_login_sender_and_public_origin():
    config = {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "mail.test",
        "MAIL_PORT": 465,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": True,
        "MAIL_USERNAME": "honors",
        "MAIL_PASSWORD": "secret",
        "MAIL_SENDER": "noreply@luohe.invalid",
        "MAIL_DEFAULT_SENDER": "honors@luohe.invalid",
        "PUBLIC_BASE_URL": ORIGIN,
    }
    channel = mail_module.make_channel(config)
    assert isinstance(channel, mail_module.SmtpChannel)
    s = channel.settings
    assert (s.host, s.port, s.use_ssl, s.use_tls) == ("mail.test", 465, True, False)
    assert (s.username, s.password, s.sender) == ("honors", "secret", "honors@luohe.invalid")
    assert channel.base_url == ORIGIN
    assert mail_module.mail_body(Mail("a@luohe.invalid", "s", "", "/inbox"), ORIGIN) == (
        f"{ORIGIN}/inbox"
    )


def test_make_channel_console_by_default():
    channel = mail_module.make_channel({"MAIL_BACKEND": "console"})
    assert isinstance(channel, mail_module.ConsoleChannel)


class Accounts:
    """aiosmtpd authenticator: one account."""

    def __init__(self):
        self.logins = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((mechanism, auth_data.login, auth_data.password))
        ok = (auth_data.login, auth_data.password) in {("honors", "s3cret"), (b"honors", b"s3cret")}
        return AuthResult(success=ok)


def test_smtp_channel_logs_in_with_the_configured_account(app, smtp_port):
    sink, accounts = Sink(), Accounts()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=smtp_port,
        authenticator=accounts,
        auth_require_tls=False,  # a local test server: plain AUTH is fine here
    )
    controller.start()
    try:
        settings = SmtpSettings(
            host="127.0.0.1", port=smtp_port, sender=SENDER, username="honors", password="s3cret"
        )
        with app.app_context():
            SmtpChannel(settings, base_url=ORIGIN).send(Mail("a@luohe.invalid", "s", "b"))
    finally:
        controller.stop()
    assert [tuple(map(_text, login[1:])) for login in accounts.logins] == [("honors", "s3cret")]
    assert len(sink.messages) == 1


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value
