"""Support for the cycle journey (issue 8): a live server on a fresh SQLite file with only
accounts, two programs and a few organisations; one browser context per person."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from app.accounts.models import Role
from app.extensions import db
from app.orgs.models import OrgKind
from app.programs.models import Cadence, Level, NomineeKind, ProgramCategory
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, shot
from tests.conftest import make_test_app

PASSWORD = factories.DEFAULT_PASSWORD
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
# Chromium reports a failed resource load as a console error naming the status; the shared
# `page` fixture tolerates 404s the same way.
IGNORED_CONSOLE = ("404",)


@dataclass
class Arranged:
    base_url: str
    category_id: int
    community_a: int
    community_b: int
    users: dict[str, str] = field(default_factory=dict)  # role key -> username
    app: Flask | None = None  # to turn the clock (move dates back) where a journey must


def _arrange() -> dict:
    """The minimum the journey cannot create through its own UI: accounts (admin work),
    programs and organisations (seed data). Everything of the cycle happens in the browser."""
    altruistic = factories.make_category(code="altruistic", name_zh="助人为乐")
    factories.make_category(code="brave", name_zh="见义勇为")
    henan = factories.make_program(
        code="henan_good",
        name_zh="河南好人榜",
        name_en="Henan Good People",
        level=Level.PROVINCE,
        external=True,
        cadence=Cadence.IRREGULAR,
        quota=None,
    )
    # 漯河好人 as seeded (monthly, public likes advisory), but a quota of 2 so that three
    # candidates can tie at the last place.
    program = factories.make_program(
        code="luohe_good",
        name_zh="漯河好人",
        name_en="Luohe Good People",
        level=Level.CITY,
        cadence=Cadence.MONTHLY,
        quota=2,
        nominee_kind=NomineeKind.BOTH,
        public_review=True,
        public_weight_pct=0,
    )
    program.categories.append(ProgramCategory(category=altruistic))
    program.feeds.append(henan)
    db.session.commit()

    city = factories.make_org("漯河市", kind=OrgKind.CITY, code="luohe")
    district = factories.make_org("源汇区", kind=OrgKind.DISTRICT, parent=city, code="yuanhui")
    street = factories.make_org("马路街街道", kind=OrgKind.TOWNSHIP, parent=district, code="yh-s1")
    community_a = factories.make_org("柳岸社区", parent=street, code="yh-s1-c1")
    community_b = factories.make_org("黄河路社区", parent=street, code="yh-s1-c2")

    users = {
        "admin": ("journey-admin", "管理员老周", (Role.ADMIN,), None),
        "staff": ("journey-staff", "文明办小王", (Role.STAFF,), None),
        "nominator_a": ("journey-liuan", "柳岸社区小李", (Role.NOMINATOR,), community_a),
        "nominator_b": ("journey-huanghe", "黄河路社区小赵", (Role.NOMINATOR,), community_b),
        "judge_1": ("journey-judge1", "评委甲", (Role.COMMITTEE,), None),
        "judge_2": ("journey-judge2", "评委乙", (Role.COMMITTEE,), None),
        "judge_3": ("journey-judge3", "评委丙", (Role.COMMITTEE,), None),
    }
    for username, display_name, roles, org in users.values():
        user = factories.make_user(*roles, username=username, organisation=org)
        user.display_name = display_name
    db.session.commit()
    return {
        "category_id": altruistic.id,
        "community_a": community_a.id,
        "community_b": community_b.id,
        "users": {key: spec[0] for key, spec in users.items()},
    }


class _QuietHandler(WSGIRequestHandler):
    """No access log: a failing journey's report shows the assertion, not 500 GET lines."""

    def log_request(self, code="-", size="-") -> None:
        pass


@pytest.fixture
def journey_server(tmp_path_factory) -> Iterator[Arranged]:
    """A fresh database and live server for each journey (each viewport)."""
    db_file = tmp_path_factory.mktemp("journey") / "journey.sqlite3"
    app = make_test_app(
        tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}", ARGON2_TIME_COST=1
    )
    with app.app_context():
        db.create_all()
        ids = _arrange()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Arranged(base_url=f"http://127.0.0.1:{server.server_port}", app=app, **ids)
    finally:
        server.shutdown()
        thread.join(timeout=5)


class Person:
    """One person at one browser: own context (cookies), console and page errors trapped."""

    def __init__(self, browser, base_url: str, viewport: str, label: str) -> None:
        self.label = label
        self.context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale="zh-CN", base_url=base_url
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.page.viewport_name = viewport
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"{self.label}: {exc}"))

    def _console(self, msg) -> None:
        if msg.type == "error" and not any(s in msg.text for s in IGNORED_CONSOLE):
            self.errors.append(f"{self.label}: {msg.text} ({self.page.url})")

    def goto(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        return response

    def login(self, username: str) -> Person:
        self.goto("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state()
        assert "欢迎" in self.flashes(), self.main()[:300]
        return self

    def submit(self, selector: str) -> None:
        """Click a submit button and wait for the page the POST leads to."""
        with self.page.expect_navigation():
            self.page.click(selector)

    def main(self) -> str:
        return self.page.locator("main").inner_text()

    def flashes(self) -> str:
        box = self.page.locator(".flashes")
        return box.inner_text() if box.count() else ""

    def shot(self, step: str) -> None:
        shot(self.page, f"journey-{step}")

    def close(self) -> list[str]:
        self.context.close()
        return self.errors


def local_minute(moment: datetime | None = None) -> datetime:
    """Beijing time to the minute, as the staff date fields take it."""
    return (
        (moment or datetime.now(LOCAL_TZ))
        .astimezone(LOCAL_TZ)
        .replace(second=0, microsecond=0, tzinfo=None)
    )


def field_value(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def days(n: float) -> timedelta:
    return timedelta(days=n)
