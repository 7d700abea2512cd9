"""Issue 8 in a real browser: the whole life of a monthly 漯河好人 cycle through the web UI.

Staff open the cycle, two nominators of different organisations nominate three people with
photos, one nomination is returned and resubmitted, staff qualify, anonymous visitors like
in the public review, three committee members vote with one recusal, two candidates tie
for the last place and a runoff settles it, the notice gets an objection that staff uphold,
staff publish, the public finds the honoree on the roll, the page, the feed and the API,
and staff record the honoree's promotion to 河南好人榜. Once on a phone, once on a desktop.

Arranged in code (journey_support): accounts, the two programs and the organisations.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.programs.models import Cycle
from app.programs.services import DATE_FIELDS
from tests import factories
from tests.browser.journey_support import (
    Arranged,
    Person,
    days,
    field_value,
    journey_server,  # noqa: F401 - fixture
    local_minute,
)


@dataclass(frozen=True)
class Candidate:
    name: str
    gender: str
    birth: str  # YYYY-MM-DD
    unit: str
    headline: str
    summary: str
    seq: str  # ID number sequence digits

    @property
    def id_number(self) -> str:
        return factories.valid_id_number(birth=self.birth.replace("-", ""), seq=self.seq)


# The nominations are called y (HONOREE: nominated by 柳岸社区, returned once, ties and wins
# the runoff), x (WITHDRAWN: wins outright, then an upheld objection withdraws them) and
# z (RUNNER_UP: ties with y and loses the runoff).
HONOREE = Candidate(
    "王秀兰", "female", "1975-06-01", "柳岸社区", "坚持十年为孤寡老人送餐",
    "十年来她每天为三位孤寡老人送去午饭，风雨无阻。", "123",
)  # fmt: skip
WITHDRAWN = Candidate(
    "李建国", "male", "1968-03-15", "漯河市第二运输公司", "跳入沙河救起落水儿童",
    "他在沙河边听到呼救，跳入河中救起一名落水儿童。", "151",
)  # fmt: skip
RUNNER_UP = Candidate(
    "张桂芳", "female", "1982-09-09", "黄河路小学", "二十年照料瘫痪婆婆",
    "她二十年如一日照料瘫痪在床的婆婆，邻里称道。", "262",
)  # fmt: skip
PHONE_NUMBER = "13812345678"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_monthly_cycle_through_the_web_ui(browser, journey_server, viewport, tmp_path):  # noqa: F811
    arranged: Arranged = journey_server
    users = arranged.users
    people: list[Person] = []

    def person(label: str, username: str | None = None) -> Person:
        new = Person(browser, arranged.base_url, viewport, label)
        people.append(new)
        return new.login(username) if username else new

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(factories.jpeg_bytes(size=(600, 800), exif_gps=True))

    try:
        staff = person("staff", users["staff"])
        cycle_id, period = _open_cycle(staff)

        nominator_a = person("nominator-a", users["nominator_a"])
        nominator_b = person("nominator-b", users["nominator_b"])
        y = _nominate(nominator_a, arranged, HONOREE, arranged.community_a, photo, "nominate")
        x = _nominate(nominator_b, arranged, WITHDRAWN, arranged.community_b, photo)
        z = _nominate(nominator_b, arranged, RUNNER_UP, arranged.community_b, photo)

        _close_nominations(staff, cycle_id)
        _move(staff, cycle_id, "vetting")
        _return_and_resubmit(staff, nominator_a, y, photo)
        for nomination_id in (y, x, z):
            _qualify(staff, nomination_id)
        _appoint_committee(staff, cycle_id)
        _move(staff, cycle_id, "public_review")

        _public_likes([person(f"visitor-{i}") for i in range(3)], likes=[(y, x), (y,), (z, y)])

        _move(staff, cycle_id, "voting")
        judges = [person(f"judge-{i}", users[f"judge_{i}"]) for i in (1, 2, 3)]
        _vote(judges, cycle_id, x=x, y=y, z=z)
        _tie_and_runoff(staff, judges, cycle_id, y=y, z=z)
        _move(staff, cycle_id, "notice")

        objector = person("objector")
        _object_and_uphold(objector, staff, x_name=WITHDRAWN.name, y_name=HONOREE.name)
        _end_notice_and_publish(staff, arranged, cycle_id)

        public = person("public")
        slug = _honoree_is_public(public, period)
        _record_promotion(staff, public, slug)
        _audit_trail(person("admin", users["admin"]), cycle_id)
    except BaseException:
        for someone in people:  # what each person saw when the journey broke
            with contextlib.suppress(Exception):
                someone.shot(f"failed-{someone.label}")
        raise
    finally:
        errors = [e for p in people for e in p.close()]
    assert errors == []


# ----------------------------------------------------------------------------- staff: cycle


def _open_cycle(staff: Person) -> tuple[int, str]:
    """Create the month's cycle from the program template, give it dates, open nominations."""
    staff.goto("/staff/cycles")
    staff.submit("form[action$='/cycles/schedule'] button")
    assert "已新建 1 个期次" in staff.flashes()
    staff.submit("table a:has-text('漯河好人')")
    cycle_id = int(re.search(r"/staff/cycles/(\d+)", staff.page.url).group(1))
    # The heading shows the period's label (2026年11月); the URLs use its code (2026-11).
    year, month = re.search(r"(\d{4})年(\d{1,2})月", staff.page.locator("h1").inner_text()).groups()
    period = f"{year}-{int(month):02d}"
    # The template's dates follow the calendar month; today's deadline may be past already.
    now = local_minute()
    _set_dates(
        staff,
        nominations_open_at=now - days(1),
        nominations_close_at=now + days(1),
        review_starts_at=now + days(1),
        review_ends_at=now + days(2),
        voting_starts_at=now + days(2),
        voting_ends_at=now + days(3),
        notice_starts_at=now + days(3),
        notice_ends_at=now + days(10),
    )
    _move(staff, cycle_id, "nominating")
    staff.shot("01-cycle-open")
    return cycle_id, period


def _set_dates(staff: Person, **values) -> None:
    for name, moment in values.items():
        staff.page.fill(f"#{name}", field_value(moment))
    staff.submit("form:has(#nominations_open_at) button[type=submit]")
    assert "时间已保存" in staff.flashes(), staff.main()[:500]


def _move(staff: Person, cycle_id: int, target: str) -> None:
    staff.goto(f"/staff/cycles/{cycle_id}")
    staff.submit(f"form.move-form:has(input[name=target][value={target}]) button")
    assert "本期次已进入" in staff.flashes(), staff.main()[:800]


def _close_nominations(staff: Person, cycle_id: int) -> None:
    """Close nominations early by moving the deadline to now (the app's own advice), with
    the reason that a running phase's end needs."""
    staff.goto(f"/staff/cycles/{cycle_id}")
    staff.page.fill("#reason", "三个社区均已报送，提前截止。")
    _set_dates(staff, nominations_close_at=local_minute())


# ----------------------------------------------------------------------------- nominations


def _nominate(
    nominator: Person,
    arranged: Arranged,
    who: Candidate,
    location_id: int,
    photo,
    step: str | None = None,
) -> int:
    page = nominator.page
    nominator.goto("/nominations/new")
    nominator.submit(".cycle-list a:has-text('漯河好人')")
    page.fill("#name", who.name)
    page.select_option("#location_id", str(location_id))
    page.select_option("#gender", who.gender)
    page.fill("#birth_date", who.birth)
    page.fill("#id_number", who.id_number)
    page.fill("#phone", PHONE_NUMBER)
    page.fill("#unit", who.unit)
    page.select_option("#category_id", str(arranged.category_id))
    page.fill("#headline", who.headline)
    page.fill("#summary", who.summary)
    page.fill("#story_md", f"### 事迹\n\n{who.summary}**邻里都知道**。")
    expect(page.locator(".preview-body strong")).to_have_text("邻里都知道")
    page.fill("#unit_opinion", "同意推荐")
    page.check("#consent_given")
    page.fill("#consent_collected_by", "社区居委会")
    page.fill("#consent_date", date.today().isoformat())
    page.set_input_files("#id_photo", str(photo))
    page.fill("#id_photo_alt", f"{who.name}的证件照")
    if step:
        nominator.shot(f"02-{step}-form")
    nominator.submit("button[value=submit]")
    assert "已提交" in nominator.main(), nominator.main()[:800]
    return int(re.search(r"/nominations/(\d+)", page.url).group(1))


def _return_and_resubmit(staff: Person, nominator: Person, nomination_id: int, photo) -> None:
    staff.goto(f"/staff/nominations/{nomination_id}")
    staff.page.fill("#decision-reason", "请补充一张送餐时的生活照片")
    staff.submit("button[formaction$='/return']")
    assert "退回修改" in staff.page.locator(".badge").first.inner_text()
    staff.shot("03-returned")

    nominator.goto("/inbox")
    assert "请补充一张送餐时的生活照片" in nominator.main()
    nominator.goto(f"/nominations/{nomination_id}/edit")
    assert "请补充一张送餐时的生活照片" in nominator.main()
    nominator.page.set_input_files("#life-0-file", str(photo))
    nominator.page.fill("#life-0-alt", "她在给老人送饭")
    nominator.submit("button[value=submit]")
    assert "已提交" in nominator.main()
    nominator.shot("04-resubmitted")


def _qualify(staff: Person, nomination_id: int) -> None:
    staff.goto(f"/staff/nominations/{nomination_id}")
    staff.submit("form[action$='/qualify'] button")
    assert "已审查通过" in staff.flashes()
    assert "审查通过" in staff.page.locator(".badge").first.inner_text()


def _appoint_committee(staff: Person, cycle_id: int) -> None:
    staff.goto(f"/staff/cycles/{cycle_id}/committee")
    for i, name in enumerate(["评委甲", "评委乙", "评委丙"]):
        staff.page.select_option("#member-id", label=f"{name} (journey-judge{i + 1})")
        if i == 0:
            staff.page.check("input[name=chair]")
        staff.submit("form:has(#member-id) button[type=submit]")
        assert "评审委员会已更新" in staff.flashes()
    assert staff.page.locator("tbody tr").count() == 3
    staff.shot("05-committee")


# ----------------------------------------------------------------------------- public review


def _public_likes(visitors: list[Person], likes: list[tuple[int, ...]]) -> None:
    for visitor, chosen in zip(visitors, likes, strict=True):
        visitor.goto("/review")
        for nomination_id in chosen:
            visitor.submit(f"#candidate-{nomination_id} .like-form button")
            assert "您为" in visitor.flashes()
            expect(
                visitor.page.locator(f"#candidate-{nomination_id} .like-form button")
            ).to_have_text("今日已点赞")
    last = visitors[-1]
    counts = dict(
        zip(
            last.page.locator(".candidate h3").all_inner_texts(),
            last.page.locator(".candidate .like-count").all_inner_texts(),
            strict=True,
        )
    )
    assert {name: re.sub(r"\D", "", text) for name, text in counts.items()} == {
        HONOREE.name: "3",
        WITHDRAWN.name: "1",
        RUNNER_UP.name: "1",
    }
    last.shot("06-public-review")


# ----------------------------------------------------------------------------- committee


def _cast(judge: Person, approve: list[int]) -> str:
    for nomination_id in approve:
        judge.page.check(f"input[name=approve][value='{nomination_id}']")
    judge.submit("#ballot-form button[type=submit]")
    flash = judge.flashes()
    assert "选票已保存" in flash, judge.main()[:800]
    return flash.split("：")[-1].strip()


def _vote(judges: list[Person], cycle_id: int, *, x: int, y: int, z: int) -> None:
    """X: 2 of 2 eligible (judge 3 recused); Y and Z: 2 of 3 each, tied for the last place."""
    first, second, third = judges
    third.goto("/committee/")
    third.submit(".cycle-list a:has-text('漯河好人')")
    third.page.fill(f"#reason-{x}", "李建国是我的表兄")
    third.submit(f"form.conflict-form:has(#reason-{x}) button[value=recuse]")
    assert "已记录" in third.flashes()
    expect(third.page.locator(f"input[name=approve][value='{x}']")).to_have_count(0)
    _cast(third, [y, z])
    third.shot("07-ballot-recused")

    receipt = None
    for judge, chosen in ((first, [x, y]), (second, [x, z])):
        judge.goto(f"/committee/cycles/{cycle_id}")
        receipt = _cast(judge, chosen)
    # The members' bulletin lists the receipt codes of the counted ballots.
    second.goto(f"/committee/cycles/{cycle_id}/bulletin")
    assert second.page.locator(".receipts li").count() == 3
    second.page.fill("#receipt", receipt)
    second.submit("form:has(#receipt) button")
    assert "此回执码已在公告中" in second.main()


def _tie_and_runoff(staff: Person, judges: list[Person], cycle_id: int, *, y: int, z: int) -> None:
    staff.goto(f"/staff/cycles/{cycle_id}/results")
    staff.submit("button[value=close]")  # no figure per candidate before the close
    assert "已完成" in staff.flashes()
    rows = _result_rows(staff)
    assert rows[WITHDRAWN.name] == ("2", "2", "1", "当选")  # approvals, eligible, recusals
    assert rows[HONOREE.name] == ("2", "3", "0", "末位并列")
    assert rows[RUNNER_UP.name] == ("2", "3", "0", "末位并列")
    staff.shot("08-tie")
    staff.submit("button[value=apply]")
    assert "并列" in staff.flashes()  # refused: the tie must be settled first
    staff.submit("button[value=runoff]")
    assert "已完成" in staff.flashes()

    for judge, chosen in zip(judges, ([y], [y], [z]), strict=True):
        judge.goto(f"/committee/cycles/{cycle_id}")
        expect(judge.page.locator("input[name=approve]")).to_have_count(2)
        _cast(judge, chosen)
    judges[0].shot("09-runoff-ballot")

    staff.goto(f"/staff/cycles/{cycle_id}/results")
    staff.submit("button[value=close_runoff]")
    assert "已完成" in staff.flashes()
    staff.submit("button[value=apply]")
    assert "已完成" in staff.flashes()
    assert f"{WITHDRAWN.name}、{HONOREE.name}" in staff.main()  # winners so far
    staff.shot("10-results-applied")


def _result_rows(staff: Person) -> dict[str, tuple[str, ...]]:
    table = staff.page.locator("table:has(caption)").first
    rows = {}
    for row in table.locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        rows[cells[1]] = (cells[2], cells[3], cells[4], cells[6])
    return rows


# ----------------------------------------------------------------------------- notice


def _object_and_uphold(objector: Person, staff: Person, *, x_name: str, y_name: str) -> None:
    objector.goto("/notice")
    names = objector.page.locator(".candidate h3").all_inner_texts()
    assert sorted(names) == sorted([x_name, y_name])
    objector.shot("11-notice")
    objector.submit(f".candidate:has(h3:text-is('{x_name}')) a")
    objector.page.fill("#content", "此人曾因酒驾被处罚，救人事迹也有夸大，请核实。")
    objector.page.fill("#contact", "13900001111")
    objector.submit("form.form-card button[type=submit]")
    assert "异议已收到" in objector.main()
    reference = objector.page.locator(".reference strong").inner_text()
    objector.shot("12-objection-filed")

    staff.goto("/staff/objections/")
    staff.submit(f"a:has-text('{reference}')")
    assert "139****1111" in staff.main()  # the objector's contact, masked
    staff.page.check("input[name=decision][value=uphold]")
    staff.page.fill("#reason", "经向交警部门核实，酒驾处罚属实。")
    staff.shot("13-objection-uphold")
    staff.submit("form.form-card button[type=submit]")
    assert "异议已处理" in staff.flashes()

    objector.goto("/notice")
    assert objector.page.locator(".candidate h3").all_inner_texts() == [y_name]


def _end_notice_and_publish(staff: Person, arranged: Arranged, cycle_id: int) -> None:
    """The app has no clock to turn and the phase-dates form never cuts a notice short
    (issue 12): the cycle's dates are moved back in the database until the whole notice
    lies behind, as the days would have done."""
    with arranged.app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        shift = cycle.notice_ends_at - utcnow() + timedelta(minutes=1)
        for name in DATE_FIELDS:
            if getattr(cycle, name) is not None:
                setattr(cycle, name, getattr(cycle, name) - shift)
        for nomination in db.session.scalars(
            sa.select(Nomination).where(
                Nomination.cycle_id == cycle_id, Nomination.notice_ends_at.is_not(None)
            )
        ):
            nomination.notice_ends_at -= shift
        db.session.commit()
        db.session.remove()
    staff.goto(f"/staff/cycles/{cycle_id}")
    staff.submit("form.move-form:has(input[name=target][value=published]) button")
    assert "/publish" in staff.page.url
    staff.submit("form.form-card button[type=submit]")
    assert "已发布 1 项荣誉" in staff.flashes(), staff.main()[:800]
    counts = staff.page.locator("section[aria-labelledby=counts-title] li").all_inner_texts()
    assert sorted(counts) == sorted(["已授予: 1", "未当选: 1", "已撤回: 1"])
    staff.shot("14-published")


# ----------------------------------------------------------------------------- public again


def _honoree_is_public(public: Person, period: str) -> str:
    secrets = (HONOREE.id_number, PHONE_NUMBER, "13900001111")
    public.goto("/roll")
    cards = public.page.locator(".honoree-card .card-title").all_inner_texts()
    assert cards == [HONOREE.name]
    public.shot("15-roll")
    public.submit(f".honoree-card a:has-text('{HONOREE.name}')")
    slug = public.page.url.rstrip("/").rsplit("/", 1)[-1]
    main = public.main()
    year, month = period.split("-")
    assert HONOREE.headline in main and f"漯河好人 {year}年{int(month)}月" in main
    photo = public.page.locator("img.honoree-photo")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") > 0
    html = public.page.content()
    assert not any(secret in html for secret in secrets)
    public.shot("16-honoree")

    feed = public.context.request.get("/feed.atom")
    assert feed.status == 200
    assert HONOREE.name in feed.text() and slug in feed.text()
    assert WITHDRAWN.name not in feed.text() and RUNNER_UP.name not in feed.text()
    api = public.context.request.get("/api/v1/honorees")
    assert api.status == 200
    api_text = api.text()
    assert HONOREE.name in api_text and slug in api_text
    assert WITHDRAWN.name not in api_text and RUNNER_UP.name not in api_text
    assert not any(secret in feed.text() + api_text for secret in secrets)

    public.goto(f"/cycles/luohe_good/{period}")  # the transparency page
    honorees = public.page.locator(".honoree-card h3").all_inner_texts()
    assert honorees == [HONOREE.name]
    facts = dict(
        zip(
            public.page.locator(".data-list dt").all_inner_texts(),
            public.page.locator(".data-list dd").all_inner_texts(),
            strict=True,
        )
    )
    assert facts["回避数"] == "1"
    assert facts["并列处理"] == "第 1 轮加试，争夺 1 个名额"
    assert facts["群众点赞"] == "有效点赞共 5 个（权重 0%）"
    assert facts["异议"] == "收到 1 条，成立 1 条"
    public.shot("17-transparency")
    return slug


def _record_promotion(staff: Person, public: Person, slug: str) -> None:
    staff.goto(f"/staff/honorees/?q={HONOREE.name}")
    staff.submit(f".cycle-list a:has-text('{HONOREE.name}')")
    staff.submit("a[href$='/promote']")
    staff.page.select_option("#program_id", label="河南好人榜")
    staff.page.fill("#batch_label", "2026年第12批")
    staff.page.select_option("#category_id", label="助人为乐")
    staff.submit("form.form-card button[type=submit]")
    assert "推荐已记录" in staff.flashes(), staff.main()[:500]
    pending = staff.page.locator(f"form.check-form:has-text('{HONOREE.name}')")
    pending.locator("select[name=status]").select_option("selected")
    pending.locator("input[name=outcome_period]").fill("2026年12月")
    pending.locator("input[name=outcome_start]").fill("2026-12-01")
    pending.locator("input[name=outcome_end]").fill("2026-12-31")
    staff.submit(f"form.check-form:has-text('{HONOREE.name}') button[type=submit]")
    assert "推荐结果已记录" in staff.flashes(), staff.main()[:500]
    staff.shot("18-promotion")

    public.goto(f"/honorees/{slug}")
    badges = public.page.locator(".honor-badges li").all_inner_texts()
    assert any("省级" in b and "河南好人榜" in b and "2026年12月" in b for b in badges), badges
    assert any("市级" in b and "漯河好人" in b for b in badges), badges
    public.shot("19-honoree-promoted")


def _audit_trail(admin: Person, cycle_id: int) -> None:
    """Every phase move is logged; ballots are logged without their content."""
    admin.goto(f"/staff/audit/?action=cycle.transition&object_id={cycle_id}")
    moves = admin.page.locator("table.audit-table tbody tr").all_inner_texts()
    assert len(moves) == 6, moves  # draft → nominating → … → published
    assert all("journey-staff" in row for row in moves)
    admin.goto("/staff/audit/?action=ballot.")
    ballots = admin.page.locator("table.audit-table tbody tr").all_inner_texts()
    assert len(ballots) == 6  # three in the main round, three in the runoff
    assert not any("approvals" in row for row in ballots)
