"""No full ID number, phone number or address in any log line, access-log line, console
mail or public page of a whole nomination → vetting → committee → notice → publication
run through the web, with the exports with PII and the error paths on the way.

Every log record of the run is captured (root logger at DEBUG, so every library logger
reports; the app's logger; werkzeug), the request line of every request is kept the way an
access log writes it, and the console mail backend's messages are read in full. SQL echo
is left off (SQLAlchemy keeps its loggers at WARNING): with it on, the statements carry
the free text users typed (a note quoting a phone) and the encrypted columns' ciphertext.
tests/nominations/test_nominator_flow.py and test_vetting.py check the same for single
steps with caplog; this test runs the whole path at once.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.accounts.models import Role
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination, PublicRecommendation
from app.notice.models import Objection
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from app.registry.models import Honoree
from tests import factories, figures
from tests.conftest import csrf_token, login
from tests.nominations.test_nominator_flow import _post, form_data

ID_NUMBER = factories.valid_id_number("19790303", "456")
BAD_ID_NUMBER = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")  # wrong check digit
PHONE = "13987654321"
ADDRESS = "漯河市源汇区幸福路88号3单元"
OBJECTOR_PHONE = "13511112222"
RECOMMENDER_PHONE = "15933334444"
SECRETS = [ID_NUMBER, BAD_ID_NUMBER, PHONE, ADDRESS, OBJECTOR_PHONE, RECOMMENDER_PHONE]
# Anything shaped like an ID number or a mainland mobile number, whoever it belongs to.
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the message, arguments and any traceback


@pytest.fixture
def captured(app):
    """Every log record at every level, from the root, the app's and werkzeug's loggers."""
    handler = _Capture()
    loggers = [logging.getLogger(), app.logger, logging.getLogger("werkzeug")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    for logger in loggers[1:]:
        if logger.propagate is False:
            logger.addHandler(handler)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)
        logger.removeHandler(handler)


class AccessLoggingClient(FlaskClient):
    """A test client that keeps each request line, as gunicorn's access log would."""

    access_log: list[str]

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        self.access_log.append(f'"{request.method} {request.full_path}" {response.status_code}')
        return response


def _client(app, access_log: list[str], username: str | None = None, remote="127.0.0.1"):
    client = AccessLoggingClient(app, app.response_class, use_cookies=True)
    client.access_log = access_log
    client.environ_base["REMOTE_ADDR"] = remote
    if username is not None:
        assert login(client, username).status_code == 302
    return client


def _arrange(app) -> dict:
    with app.app_context():
        org = factories.make_org(name="幸福社区", code="xingfu")
        program = factories.make_program(quota=1)
        cycle = factories.make_open_cycle(program)
        district = factories.make_org(name="源汇区", kind=factories.OrgKind.DISTRICT)
        nominator = factories.make_user(Role.NOMINATOR, username="pii-nominator", organisation=org)
        nominator.email = "nominator@luohe.invalid"
        staff = factories.make_user(Role.STAFF, username="pii-staff")
        staff.email = "staff@luohe.invalid"
        judges = [factories.make_user(Role.COMMITTEE, username=f"pii-judge{i}") for i in range(3)]
        db.session.commit()
        return {
            "org": org.id,
            "cycle": cycle.id,
            "category": cycle.program.categories[0].category_id,
            "program": program.code,
            "period": cycle.period,
            "district": district.id,
            "judges": [judge.id for judge in judges],
        }


def _mail_sent(app) -> list:
    return app.extensions["honors_mail"].sent


def test_no_pii_in_logs_mail_or_public_pages_of_a_full_run(app, captured):
    ids = _arrange(app)
    access_log: list[str] = []
    mail_before = len(_mail_sent(app))
    pages: list[tuple[str, str]] = []  # public pages: (url, text)

    nominator = _client(app, access_log, "pii-nominator")
    staff = _client(app, access_log, "pii-staff")
    public = _client(app, access_log, remote="198.51.100.7")
    new_url = f"/nominations/new/{ids['cycle']}"

    # Error paths first: a wrong check digit and a malformed phone are refused, not echoed.
    refused = _post(nominator, new_url, form_data(ids, id_number=BAD_ID_NUMBER, action="submit"))
    refused_html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'id="id_number-error"' in refused_html
    assert BAD_ID_NUMBER not in refused_html and PHONE not in refused_html
    with app.app_context():
        db.session.execute(sa.delete(Nomination))  # the refused submit was kept as a draft
        db.session.commit()
    bad_phone = _post(nominator, new_url, form_data(ids, phone=PHONE + "x", action="save"))
    assert 'id="phone-error"' in bad_phone.get_data(as_text=True)
    assert PHONE not in bad_phone.get_data(as_text=True)

    # The nomination, with ID number, phone, address and a photo; submitted.
    photo = (io.BytesIO(factories.jpeg_bytes(exif_gps=True)), "photo.jpg")
    submitted = _post(
        nominator,
        new_url,
        form_data(ids, id_photo_alt="证件照", action="submit"),
        {"id_photo": photo},
    )
    assert submitted.status_code == 302, submitted.get_data(as_text=True)[:2000]
    with app.app_context():
        nomination_id = db.session.scalars(sa.select(Nomination.id)).one()

    # Vetting: detail, checklist, a note quoting the phone, both exports, qualification.
    detail = f"/staff/nominations/{nomination_id}"
    assert staff.get(detail).status_code == 200
    token = csrf_token(staff, detail)
    staff.post(
        f"{detail}/checks",
        data={"csrf_token": token, "body": "police", "result": "no_objection", "note": "无"},
    )
    staff.post(f"{detail}/notes", data={"csrf_token": token, "body": f"已电话联系 {PHONE}"})
    masked = staff.get("/staff/nominations/export.xlsx")
    full = staff.post(
        "/staff/nominations/export.xlsx", data={"csrf_token": token, "include_ids": "y"}
    )
    assert masked.status_code == full.status_code == 200
    masked.close()
    full.close()
    assert staff.post(f"{detail}/qualify", data={"csrf_token": token}).status_code == 302

    # Committee and vote: nominations close, vetting, roster, voting, results, notice.
    cycle_url = f"/staff/cycles/{ids['cycle']}"
    with app.app_context():
        db.session.get(Cycle, ids["cycle"]).nominations_close_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    def move(target: str) -> None:
        staff.post(f"{cycle_url}/move", data={"csrf_token": token, "target": target})
        with app.app_context():
            assert db.session.get(Cycle, ids["cycle"]).state is CyclePhase(target), target

    move("vetting")
    for i, judge_id in enumerate(ids["judges"]):
        staff.post(
            f"{cycle_url}/committee",
            data={"csrf_token": token, "action": "add", "id": str(judge_id)}
            | ({"chair": "y"} if i == 0 else {}),
        )
    move("voting")
    for i in range(3):
        judge = _client(app, access_log, f"pii-judge{i}")
        jtoken = csrf_token(judge, f"/committee/cycles/{ids['cycle']}")
        judge.post(
            f"/committee/cycles/{ids['cycle']}",
            data={"csrf_token": jtoken, "approve": [str(nomination_id)]},
        )
    staff.post(f"{cycle_url}/results", data={"csrf_token": token, "action": "apply"})
    move("notice")

    # Public notice: an objection with the objector's phone, read and dismissed by staff.
    pages.append(("/notice", public.get("/notice").get_data(as_text=True)))
    otoken = csrf_token(public, "/notice/objection")
    thanks = public.post(
        "/notice/objection",
        data={
            "csrf_token": otoken,
            "nomination_id": str(nomination_id),
            "content": f"请核实，此人的电话是 {PHONE}，身份证 {ID_NUMBER}。",
            "contact": OBJECTOR_PHONE,
        },
    )
    assert thanks.status_code == 200
    with app.app_context():
        objection_id = db.session.scalars(sa.select(Objection.id)).one()
    assert staff.get(f"/staff/objections/{objection_id}").status_code == 200
    staff.post(
        f"/staff/objections/{objection_id}",
        data={"csrf_token": token, "decision": "dismiss", "reason": "经核实，事迹属实"},
    )

    # The notice ends; publication.
    with app.app_context():
        past = utcnow() - timedelta(minutes=1)
        db.session.get(Cycle, ids["cycle"]).notice_starts_at = past - timedelta(days=7)
        db.session.get(Cycle, ids["cycle"]).notice_ends_at = past
        db.session.get(Nomination, nomination_id).notice_ends_at = past
        db.session.commit()
    staff.post(f"{cycle_url}/publish", data={"csrf_token": token, "release_at": ""})
    with app.app_context():
        assert db.session.get(Cycle, ids["cycle"]).state is CyclePhase.PUBLISHED
        slug = db.session.scalars(sa.select(Honoree.slug)).one()

    # A public recommendation with the recommender's phone, read by staff.
    rtoken = csrf_token(public, "/recommend")
    recommended = public.post(
        "/recommend",
        data={
            "csrf_token": rtoken,
            "channel": "public",
            "kind": "individual",
            "candidate_name": "钱热心",
            "district_id": str(ids["district"]),
            "headline": "义务为邻居修理电器二十年",
            "story": f"他住在{ADDRESS}，二十年来义务为邻居修理电器，从不收钱。",
            "recommender_name": "孙邻居",
            "recommender_phone": RECOMMENDER_PHONE,
            "truthful": "y",
        },
    )
    assert recommended.status_code == 200
    with app.app_context():
        recommendation_id = db.session.scalars(sa.select(PublicRecommendation.id)).one()
    assert staff.get(f"/staff/recommendations/{recommendation_id}").status_code == 200

    # More error paths: unknown pages, a forged form, an unknown user's login.
    assert public.get("/honorees/no-such-person").status_code == 404
    assert public.post("/recommend", data={"csrf_token": "forged"}).status_code == 400
    assert login(_client(app, access_log), PHONE, ID_NUMBER).status_code == 200

    # The public side after publication.
    for url in [
        "/",
        "/roll",
        f"/roll?q={slug}",
        f"/honorees/{slug}",
        f"/cycles/{ids['program']}/{ids['period']}",
        "/feed.atom",
        "/api/v1/honorees",
        f"/api/v1/honorees/{slug}",
        "/roll.csv",
        "/stats",
        "/review",
    ]:
        response = public.get(url)
        assert response.status_code == 200, url
        pages.append((url, response.get_data(as_text=True)))

    # The outbox is sent as cron would; its mails are read in full too.
    assert app.test_cli_runner().invoke(args=["honors", "deliver"]).exit_code == 0
    mails = [f"{m.to}\n{m.subject}\n{m.body}" for m in _mail_sent(app)[mail_before:]]
    assert mails, "the qualification notice was not mailed"
    lines = captured.lines + access_log + mails
    hits = [
        (where, line[:300])
        for where, line in [*(("log", line) for line in lines), *pages]
        if any(secret in line for secret in SECRETS)
        or ID_LIKE.search(line)
        or MOBILE_LIKE.search(line)
    ]
    figures.record(
        "pii",
        pages_scanned=len(pages),
        log_lines_scanned=len(captured.lines),
        access_log_lines_scanned=len(access_log),
        mails_scanned=len(mails),
        hits=len(hits),
    )
    assert len(captured.lines) > 30 and len(access_log) > 50
    assert hits == []
