"""Issue 13's acceptance: a city installs the registry from nothing and the calendar runs a
whole monthly 漯河好人 cycle to publication.

From an empty database: `honors init` seeds the catalogue and the first administrator; the
administrator creates the secretariat and the committee in the admin pages; staff import the
organisation tree with two nominator accounts, whose one-time passwords are read from the
printed page and changed at first login; staff change the program's quota. Then the clock
(time-machine: every `utcnow()` and `date.today()` follows it) walks through March 2027
while `honors schedule` and `honors deliver` run as cron would: the schedule creates the
cycle, opens and closes nominations, opens and ends the public review and closes the vote,
and marks the notice ended; it waits, saying why, for each human step (qualifying,
appointing the committee), and never applies results or publishes. Everything else is done
through the web forms, read from the pages as a browser would. Mail goes over SMTP to a
local aiosmtpd sink and each message arrives exactly once. `honors demo` is never called.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import socket
import threading
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.programs.models import Cycle, Program
from app.programs.workflow import CyclePhase
from tests import factories
from tests.conftest import empty_all_tables, make_test_app

BEIJING = ZoneInfo("Asia/Shanghai")
ADMIN_PASSWORD = "first-admin-password"  # noqa: S105 - test values
STAFF_PASSWORD = "secretariat-password"  # noqa: S105
JUDGE_PASSWORD = "committee-password"  # noqa: S105
STAFF_EMAIL = "office@wmb.luohe.example"
NOMINATOR_EMAILS = {"ss-tuijian": "shunshan@luohe.example", "hp-tuijian": "heping@luohe.example"}
RETURN_REASON = "请补充单位意见，写明社区党委的推荐理由。"


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


# ----------------------------------------------------------------------------- the mail sink


class SmtpSink:
    """What reached the local SMTP server: (recipients, subject, body) per message."""

    def __init__(self) -> None:
        self.messages: list[tuple[tuple[str, ...], str, str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        with self._lock:
            self.messages.append(
                (
                    tuple(envelope.rcpt_tos),
                    str(message["Subject"]),
                    body.get_content() if body is not None else "",
                )
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[tuple[str, str]]:
        with self._lock:
            return [(s, b) for rcpt, s, b in self.messages if address in rcpt]

    def all(self) -> list[tuple[tuple[str, ...], str, str]]:
        with self._lock:
            return list(self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_sink() -> Iterator[tuple[SmtpSink, int]]:
    sink = SmtpSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def mail_app(app, tmp_path_factory, smtp_sink) -> Iterator[Flask]:
    """An app of its own (its own SQLite file; the shared PostgreSQL test database) that
    mails through SMTP to the sink. `app` comes first: on PostgreSQL it creates the tables."""
    _sink, port = smtp_sink
    built = make_test_app(
        tmp_path_factory,
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_TIMEOUT=5,
    )
    with built.app_context():
        db.create_all()
    yield built


@pytest.fixture
def site(mail_app, smtp_sink, monkeypatch) -> Iterator[Site]:
    def no_demo(*args, **kwargs):
        raise AssertionError("honors demo must not be called in a real installation")

    monkeypatch.setattr("app.demo.services.load_demo", no_demo)
    sink, _port = smtp_sink
    sink.messages.clear()
    yield Site(mail_app, sink)
    with mail_app.app_context():
        db.session.remove()
        empty_all_tables()


# ----------------------------------------------------------------------------- a tiny browser


def form_data(form) -> MultiDict:
    """The values a browser would send for `form` (a BeautifulSoup <form>), no button."""
    data = MultiDict()
    for element in form.select("input, select, textarea"):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "input":
            kind = element.get("type", "text")
            if kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    data.add(name, element.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                data.add(name, element.get("value", ""))
        elif element.name == "select":
            options = element.select("option")
            chosen = [o for o in options if o.has_attr("selected")]
            if not chosen and options and not element.has_attr("multiple"):
                chosen = options[:1]
            for option in chosen:
                data.add(name, option.get("value", option.get_text()))
        else:
            data.add(name, element.get_text().lstrip("\r\n"))
    return data


class Browser:
    """One person's test client; reads each form from its page and posts it as shown."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def page(self, url: str) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.location)
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    def submit(
        self,
        url: str,
        selector: str = "main form[method=post]",
        *,
        button: str | None = None,
        set: dict | None = None,  # noqa: A002 - the fields the person types or ticks
        files: dict | None = None,
        shown: str | None = None,  # the page on screen (a POST's answer) instead of GET url
    ):
        soup = BeautifulSoup(shown, "html.parser") if shown is not None else self.page(url)
        form = soup.select_one(selector)
        assert form is not None, f"no form {selector!r} on {url}"
        data = form_data(form)
        action = form.get("action") or url
        if button is not None:
            pressed = form.select_one(button)
            assert pressed is not None, f"no button {button!r} in the form on {url}"
            action = pressed.get("formaction") or action
            if pressed.get("name"):
                data[pressed["name"]] = pressed.get("value", "")
        for name, value in (set or {}).items():
            if isinstance(value, list):
                data.setlist(name, value)
            else:
                data[name] = value
        if not files:
            return self.client.post(action, data=data)
        for name, (content, filename) in files.items():
            data.add(name, FileStorage(io.BytesIO(content), filename=filename))
        # Encoded in memory: werkzeug would spool a big body to a file it never closes.
        body, _length, boundary = stream_encode_multipart(data, use_tempfile=False)
        return self.client.post(
            action,
            data=body.getvalue(),
            content_type=f"multipart/form-data; boundary={boundary}",
        )


class Site:
    def __init__(self, app: Flask, sink: SmtpSink) -> None:
        self.app, self.sink = app, sink
        self.runner = app.test_cli_runner()
        self.passwords: dict[str, str] = {}

    def cli(self, *args: str) -> str:
        result = self.runner.invoke(args=["honors", *args])
        assert result.exit_code == 0, result.output
        return result.output

    def cron(self) -> str:
        """What cron runs every few minutes: the schedule, then the mail delivery."""
        output = self.cli("schedule")
        self.cli("deliver")
        return output

    def login(self, username: str, password: str | None = None) -> Browser:
        """A fresh login (moving the clock ends the sessions of the day before)."""
        browser = Browser(self.app.test_client())
        response = browser.submit(
            "/login",
            "form[method=post]",
            set={"username": username, "password": password or self.passwords[username]},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return browser

    def query(self, statement):
        with self.app.app_context():
            result = db.session.execute(statement).all()
            db.session.remove()
        return result

    def cycle(self) -> Cycle:
        with self.app.app_context():
            cycle = db.session.scalars(
                sa.select(Cycle)
                .join(Program)
                .where(Program.code == "luohe_good", Cycle.period == "2027-03")
            ).one()
            db.session.expunge(cycle)
            db.session.remove()
        return cycle

    def audit(self, action: str, **where) -> list[AuditEvent]:
        with self.app.app_context():
            stmt = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            for name, value in where.items():
                stmt = stmt.where(getattr(AuditEvent, name) == value)
            events = list(db.session.scalars(stmt))
            for event in events:
                db.session.expunge(event)
            db.session.remove()
        return events

    def user_id(self, username: str) -> int:
        return self.query(sa.select(User.id).where(User.username == username))[0][0]


def _lines(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if name in line]


# ----------------------------------------------------------------------------- installing


def organisation_workbook() -> bytes:
    book = Workbook()
    orgs = book.active
    orgs.title = "组织"
    orgs.append(["编码", "名称", "类型", "上级编码"])
    for row in (
        ("lh", "漯河市", "市", ""),
        ("lh-yh", "源汇区", "区县", "lh"),
        ("lh-yh-mf", "马路街街道", "乡镇街道", "lh-yh"),
        ("lh-yh-mf-ss", "顺山社区", "村社区", "lh-yh-mf"),
        ("lh-yh-mf-hp", "和平社区", "村社区", "lh-yh-mf"),
        ("lh-yh-mf-gdj", "马路街供电所", "单位", "lh-yh-mf"),
    ):
        orgs.append(list(row))
    accounts = book.create_sheet("账号")
    accounts.append(["用户名", "姓名", "组织编码", "邮箱", "电话"])
    accounts.append(
        ["ss-tuijian", "顺山社区推荐员", "lh-yh-mf-ss", NOMINATOR_EMAILS["ss-tuijian"], ""]
    )
    accounts.append(
        ["hp-tuijian", "和平社区推荐员", "lh-yh-mf-hp", NOMINATOR_EMAILS["hp-tuijian"], ""]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _install(site: Site) -> None:
    """Init, the administrator's accounts, the organisation import, first logins."""
    with site.app.app_context():
        rows = {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    assert set(rows.values()) == {0}, {name: n for name, n in rows.items() if n}
    output = site.cli(
        "init", "--admin-username", "admin", "--admin-name", "管理员",
        "--admin-password", ADMIN_PASSWORD,
    )  # fmt: skip
    assert "created administrator admin" in output
    assert "an administrator exists" in site.cli("init", "--admin-username", "other")
    programs = dict(site.query(sa.select(Program.code, Program.quota)))
    assert programs["luohe_good"] == 10 and "top_ten_citizens" in programs
    admin = site.login("admin", ADMIN_PASSWORD)
    assert admin.client.get("/admin/users").status_code == 200  # no forced password change

    staff_form = {
        "username": "wmb-staff",
        "display_name": "文明办秘书处",
        "password": STAFF_PASSWORD,
        "roles": ["staff"],
        "email": STAFF_EMAIL,
    }
    assert admin.submit("/admin/users/new", set=staff_form).status_code == 302
    site.passwords["wmb-staff"] = STAFF_PASSWORD
    for i, name in enumerate(["评委甲", "评委乙", "评委丙"], start=1):
        judge = {
            "username": f"judge{i}",
            "display_name": name,
            "password": JUDGE_PASSWORD,
            "roles": ["committee"],
        }
        assert admin.submit("/admin/users/new", set=judge).status_code == 302
        site.passwords[f"judge{i}"] = JUDGE_PASSWORD

    staff = site.login("wmb-staff")
    template = staff.client.get("/staff/organisations/import/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    dry_run = staff.submit(
        "/staff/organisations/import?lang=en",
        "main form[enctype]",
        files={"file": (organisation_workbook(), "luohe-orgs.xlsx")},
    )
    html = dry_run.get_data(as_text=True)
    assert dry_run.status_code == 200 and "6 to create" in html, html[:3000]
    assert site.query(sa.select(sa.func.count()).select_from(User))[0][0] == 5  # nothing yet
    confirmed = staff.submit(
        "/staff/organisations/import", "form[action$='/import/confirm']", shown=html
    )
    printed = BeautifulSoup(confirmed.get_data(as_text=True), "html.parser")
    assert confirmed.status_code == 200
    initial = {
        row.select("code")[0].get_text(): row.select_one(".initial-password").get_text()
        for row in printed.select(".password-unit tbody tr")
    }
    assert set(initial) == set(NOMINATOR_EMAILS)

    for username, password in initial.items():
        nominator = site.login(username, password)
        forced = nominator.client.get("/nominations/")
        assert forced.status_code == 302 and forced.location.endswith("/account/password")
        own = f"{username}-own-password"
        changed = nominator.submit(
            "/account/password",
            set={"current_password": password, "new_password": own, "confirm": own},
        )
        assert changed.status_code == 302
        assert nominator.client.get("/nominations/").status_code == 200
        site.passwords[username] = own
    with site.app.app_context():
        emails = dict(db.session.execute(sa.select(User.username, User.email)).tuples().all())
        db.session.remove()
    assert emails["wmb-staff"] == STAFF_EMAIL
    assert {u: emails[u] for u in NOMINATOR_EMAILS} == NOMINATOR_EMAILS


def _change_program(site: Site) -> None:
    """Staff give 漯河好人 one place a month instead of ten, in the program form."""
    staff = site.login("wmb-staff")
    listing = staff.page("/staff/programs")
    link = next(a for a in listing.select("a[href]") if a.get_text(strip=True) == "漯河好人")
    url = link["href"]
    response = staff.submit(url, "form.nomination-form", set={"quota": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert site.query(sa.select(Program.quota).where(Program.code == "luohe_good"))[0][0] == 1
    (event,) = site.audit("program.updated")
    assert event.actor_id == site.user_id("wmb-staff") and event.via is None
    assert (event.before, event.after) == ({"quota": 10}, {"quota": 1})


# ----------------------------------------------------------------------------- the cycle


def _nominate(site: Site, username: str, community: str, name: str, seq: str) -> int:
    nominator = site.login(username)
    choose = nominator.page("/nominations/new")
    link = next(a for a in choose.select(".cycle-list a") if "漯河好人" in a.get_text())
    url = link["href"]
    form = nominator.page(url).select_one("form.nomination-form, main form[enctype]")
    places = {o.get_text(strip=True): o["value"] for o in form.select("#location_id option")}
    categories = {o.get_text(strip=True): o["value"] for o in form.select("#category_id option")}
    response = nominator.submit(
        url,
        "main form[enctype]",
        set={
            "action": "submit",
            "kind": "individual",
            "category_id": categories["助人为乐"],
            "name": name,
            "gender": "female",
            "birth_date": "1975-06-01",
            "location_id": places[community],
            "id_number": factories.valid_id_number("19750601", seq),
            "phone": "13812345678",
            "address": "漯河市源汇区马路街1号",
            "unit": community,
            "post": "居民",
            "headline": f"{name}十年为孤寡老人送餐",
            "summary": "十年来她每天为三位孤寡老人送去午饭，风雨无阻。",
            "story_md": "### 事迹\n\n她每天**五点**起床做饭。",
            "unit_opinion": "同意推荐",
            "consent_given": "y",
            "consent_collected_by": community,
            "consent_date": datetime.now(BEIJING).date().isoformat(),
            "recommender_name": "社区主任",
            "id_photo_alt": f"{name}的证件照",
        },
        files={"id_photo": (factories.jpeg_bytes(exif_gps=True), "photo.jpg")},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/nominations/(\d+)", response.location).group(1))


def _states(site: Site) -> dict[int, NominationState]:
    return dict(site.query(sa.select(Nomination.id, Nomination.state)))


def _cycle_moves(site: Site, cycle_id: int) -> list[tuple[str, str, int | None, str | None]]:
    return [
        (e.before["state"], e.after["state"], e.actor_id, e.via)
        for e in site.audit("cycle.transition", object_id=cycle_id, object_type="cycles")
    ]


def test_from_an_empty_database_to_a_published_monthly_list_by_web_ui_and_cron(site):
    sink = site.sink
    with time_machine.travel(local(2027, 2, 26, 10), tick=True) as clock:
        _install(site)
        _change_program(site)
        staff_id = site.user_id("wmb-staff")

        # 1 March, just after midnight: cron creates the month's cycle and opens it.
        clock.move_to(local(2027, 3, 1, 0, 5))
        output = site.cron()
        assert "created luohe_good 2027-03" in output
        assert "moved luohe_good 2027-03 draft → nominating" in output
        cycle = site.cycle()
        cycle_id = cycle.id
        assert cycle.state is CyclePhase.NOMINATING
        (created,) = site.audit("cycle.created", object_id=cycle_id)
        assert created.via == "schedule" and created.actor_id is None
        assert site.cron().count("luohe_good") == 0  # idempotent: nothing left to do

        # 3 March: each community nominates one person through the form.
        clock.move_to(local(2027, 3, 3, 10))
        wang = _nominate(site, "ss-tuijian", "顺山社区", "王秀兰", "123")
        li = _nominate(site, "hp-tuijian", "和平社区", "李桂芳", "264")
        assert set(_states(site).values()) == {NominationState.SUBMITTED}

        # 16 March: the deadline has come, cron closes nominations.
        clock.move_to(local(2027, 3, 16, 0, 10))
        assert "moved luohe_good 2027-03 nominating → vetting" in site.cron()
        cycle = site.cycle()
        assert cycle.state is CyclePhase.VETTING and cycle.rules_snapshot["quota"] == 1

        # 18 March: staff return 王秀兰's nomination; the unit completes and resubmits it.
        clock.move_to(local(2027, 3, 18, 9))
        staff = site.login("wmb-staff")
        returned = staff.submit(
            f"/staff/nominations/{wang}",
            "form.decision-form",
            button="button[formaction$='/return']",
            set={"reason": RETURN_REASON},
        )
        assert returned.status_code == 302
        assert _states(site)[wang] is NominationState.RETURNED
        site.cron()
        shunshan = NOMINATOR_EMAILS["ss-tuijian"]
        assert any(RETURN_REASON in body for _s, body in sink.to(shunshan))
        nominator = site.login("ss-tuijian")
        resubmitted = nominator.submit(
            f"/nominations/{wang}/edit",
            "main form[enctype]",
            set={"action": "submit", "unit_opinion": "社区党委同意推荐：她十年如一日照顾老人。"},
        )
        assert resubmitted.status_code == 302, resubmitted.get_data(as_text=True)[:3000]
        assert _states(site)[wang] is NominationState.SUBMITTED

        # 21 March: the review's date has come, but vetting is staff's: cron waits.
        clock.move_to(local(2027, 3, 21, 0, 10))
        output = site.cron()
        (waiting,) = _lines(output, "luohe_good 2027-03")
        assert waiting.startswith("waiting luohe_good 2027-03 vetting → public_review: ")
        assert site.cycle().state is CyclePhase.VETTING
        clock.move_to(local(2027, 3, 21, 9))
        staff = site.login("wmb-staff")
        for nomination_id in (wang, li):
            qualified = staff.submit(
                f"/staff/nominations/{nomination_id}", "form[action$='/qualify']"
            )
            assert qualified.status_code == 302
        assert set(_states(site).values()) == {NominationState.QUALIFIED}
        clock.move_to(local(2027, 3, 21, 9, 5))
        assert "moved luohe_good 2027-03 vetting → public_review" in site.cron()

        # 26 March: the review ends, but there is no committee: cron waits for staff.
        clock.move_to(local(2027, 3, 26, 0, 10))
        (waiting,) = _lines(site.cron(), "luohe_good 2027-03")
        assert waiting.startswith("waiting luohe_good 2027-03 public_review → voting: ")
        assert site.cycle().state is CyclePhase.PUBLIC_REVIEW
        clock.move_to(local(2027, 3, 26, 9))
        staff = site.login("wmb-staff")
        manage = f"/staff/cycles/{cycle_id}/committee"
        for i in (1, 2, 3):
            options = staff.page(manage).select("#member-id option")
            member = next(o["value"] for o in options if f"(judge{i})" in o.get_text())
            chosen = {"id": member, **({"chair": "y"} if i == 1 else {})}
            assert staff.submit(manage, "form:has(#member-id)", set=chosen).status_code == 302
        clock.move_to(local(2027, 3, 26, 9, 5))
        assert "moved luohe_good 2027-03 public_review → voting" in site.cron()

        # 27 March: the committee votes on the ballot page (one place: the quota change).
        clock.move_to(local(2027, 3, 27, 15))
        for i, approve in ((1, [wang]), (2, [li]), (3, [wang])):
            judge = site.login(f"judge{i}")
            ballot = f"/committee/cycles/{cycle_id}"
            assert judge.submit(ballot, "#ballot-form", set={"approve": approve}).status_code == 302

        # 29 March: voting has ended; cron closes it (quorum met) and goes no further.
        clock.move_to(local(2027, 3, 29, 0, 10))
        output = site.cron()
        assert "voting closed luohe_good 2027-03" in output
        assert not any(line.startswith("moved") for line in _lines(output, "luohe_good 2027-03"))
        assert site.cycle().state is CyclePhase.VOTING
        assert site.cycle().results_applied_at is None

        # Staff apply the results and start the notice; publishing now is refused.
        clock.move_to(local(2027, 3, 29, 9))
        staff = site.login("wmb-staff")
        results = f"/staff/cycles/{cycle_id}/results"
        assert staff.submit(results, button="button[value=apply]").status_code == 302
        moved = staff.submit(f"/staff/cycles/{cycle_id}", "form.move-form:has(input[value=notice])")
        assert moved.status_code == 302
        assert _states(site) == {wang: NominationState.IN_NOTICE, li: NominationState.NOT_SELECTED}
        early = staff.submit(f"/staff/cycles/{cycle_id}/publish", "main form[method=post]")
        assert early.status_code == 200 and "form-errors" in early.get_data(as_text=True)
        assert site.cycle().state is CyclePhase.NOTICE
        notice = Browser(site.app.test_client()).page("/notice")
        assert [h.get_text(strip=True) for h in notice.select(".candidate h3")] == ["王秀兰"]

        # 5 April, after the 7-day notice: cron marks it ended and tells staff, once.
        clock.move_to(local(2027, 4, 5, 12))
        output = site.cron()
        assert "notice ended luohe_good 2027-03: ready to publish" in output
        assert site.cycle().state is CyclePhase.NOTICE  # publishing stays with staff
        site.cron()
        ended = [
            s for s, _b in sink.to(STAFF_EMAIL) if "公示期已结束" in s or "notice has ended" in s
        ]
        assert len(ended) == 1 and "漯河好人" in ended[0]

        # 6 April: staff publish; the public finds the honoree.
        clock.move_to(local(2027, 4, 6, 9))
        staff = site.login("wmb-staff")
        published = staff.submit(f"/staff/cycles/{cycle_id}/publish", "main form[method=post]")
        assert published.status_code == 302
        assert site.cycle().state is CyclePhase.PUBLISHED
        public = Browser(site.app.test_client())
        roll = public.page("/roll")
        cards = [c.get_text(strip=True) for c in roll.select(".honoree-card .card-title")]
        assert cards == ["王秀兰"]
        href = next(a["href"] for a in roll.select(".honoree-card a[href]"))
        honoree = public.page(href).get_text()
        assert "王秀兰十年为孤寡老人送餐" in honoree and "13812345678" not in honoree
        api = public.client.get("/api/v1/honorees")
        assert api.status_code == 200 and "王秀兰" in api.get_data(as_text=True)
        assert "李桂芳" not in api.get_data(as_text=True)
        site.cron()

    # The calendar's moves are audited as the schedule's, the human ones as staff's.
    assert _cycle_moves(site, cycle_id) == [
        ("draft", "nominating", None, "schedule"),
        ("nominating", "vetting", None, "schedule"),
        ("vetting", "public_review", None, "schedule"),
        ("public_review", "voting", None, "schedule"),
        ("voting", "notice", staff_id, None),
        ("notice", "published", staff_id, None),
    ]
    for action in ("committee.voting_closed", "cycle.notice_ended"):
        (event,) = site.audit(action, object_id=cycle_id)
        assert (event.actor_id, event.via) == (None, "schedule"), action
    (applied,) = site.audit("committee.results_applied", object_id=cycle_id)
    assert (applied.actor_id, applied.via) == (staff_id, None)
    qualified = [
        e
        for e in site.audit("nomination.transition")
        if e.after["state"] == NominationState.QUALIFIED.value
    ]
    assert {(e.object_id, e.actor_id, e.via) for e in qualified} == {
        (wang, staff_id, None),
        (li, staff_id, None),
    }
    assert {(e.actor_id, e.via) for e in site.audit("committee.member_added")} == {(staff_id, None)}

    # Mail: every message reached the SMTP sink exactly once.
    messages = sink.all()
    assert len(messages) == len(set(messages)), messages
    returned_mails = [
        s for s, body in sink.to(NOMINATOR_EMAILS["ss-tuijian"]) if RETURN_REASON in body
    ]
    assert len(returned_mails) == 1 and "王秀兰" in returned_mails[0]
    assert not any(RETURN_REASON in body for _s, body in sink.to(NOMINATOR_EMAILS["hp-tuijian"]))
    assert all("luohe.example" in " ".join(rcpt) for rcpt, _s, _b in messages)
