"""Issue 13 in a real browser: staff administer the registry from the secretariat pages.

A staff member logs in, reads the dashboard's work counts and follows one to the filtered
vetting queue, creates a program through the form (a 6-day notice is refused next to its
field with the typed values kept, then fixed), edits it and finds it listed, adds an
organisation to the tree, and opens a published honoree's correction form and the merge
preview. Once on a phone, once on a desktop; screenshots go to the test's tmp dir.

Arranged in code (journey_support, plus a submitted nomination and a published honoree
here): accounts, programs, organisations.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.nominations.workflow import NominationState
from app.orgs.models import Organisation
from app.programs.models import Program
from tests import factories
from tests.browser.journey_support import (
    Arranged,
    Person,
    journey_server,  # noqa: F401 - fixture
)

NOMINEE = "孙志强"
HONOREE = "周玉梅"
# Smallest touch target the pages must give a tappable control on a phone (CSS pixels).
MIN_TOUCH = 24


def _arrange_work(arranged: Arranged) -> dict[str, int]:
    """One nomination waiting to be vetted (the dashboard counts it) and one published
    honoree (whose record staff correct)."""
    with arranged.app.app_context():
        program = db.session.scalar(sa.select(Program).where(Program.code == "luohe_good"))
        community = db.session.get(Organisation, arranged.community_a)
        cycle = factories.make_open_cycle(program, period="2026-10")
        factories.make_nomination(
            cycle, organisation=community, state=NominationState.SUBMITTED, name=NOMINEE
        )
        honoree = factories.make_honoree(HONOREE, headline="三十年义务修鞋", unit="源汇区")
        factories.make_honor(honoree, program)
        street = db.session.scalar(sa.select(Organisation).where(Organisation.code == "yh-s1"))
        ids = {"honoree": honoree.id, "street": street.id}
        db.session.remove()
    return ids


class Shots:
    """Full-page screenshots under the test's tmp dir, named by step and viewport."""

    def __init__(self, folder: Path, viewport: str) -> None:
        self.folder = folder
        self.viewport = viewport
        self.taken: list[Path] = []

    def __call__(self, who: Person, step: str) -> None:
        path = self.folder / f"{step}-{self.viewport}.png"
        who.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_staff_follow_a_count_create_and_edit_a_program_add_a_unit_open_a_correction(
    browser,
    journey_server,  # noqa: F811
    viewport,
    tmp_path,
):
    arranged: Arranged = journey_server
    ids = _arrange_work(arranged)
    shots = Shots(tmp_path, viewport)
    staff = Person(browser, arranged.base_url, viewport, "staff")
    try:
        staff.login(arranged.users["staff"])
        _dashboard_count_leads_to_the_queue(staff, shots)
        program_id = _create_program_with_a_refused_notice(staff, shots)
        _edit_program_and_find_it_listed(staff, shots, program_id)
        _add_organisation(staff, shots, ids["street"])
        _open_correction_and_merge(staff, shots, ids["honoree"])
        if viewport == "phone":
            _no_sideways_scroll(staff, ["/staff/", "/staff/programs", "/staff/organisations/"])
    except BaseException:
        with contextlib.suppress(Exception):
            shots(staff, "failed")
        raise
    finally:
        errors = staff.close()
    assert errors == []
    assert all(path.stat().st_size > 0 for path in shots.taken)


def _dashboard_count_leads_to_the_queue(staff: Person, shots: Shots) -> None:
    staff.goto("/staff/")
    count = staff.page.locator("#work-to-vet")
    expect(count.locator(".figure-value")).to_have_text("1")
    shots(staff, "01-dashboard")
    _touch_target_at_least(count)
    with staff.page.expect_navigation():
        count.click()
    assert "/staff/nominations" in staff.page.url and "state=submitted" in staff.page.url
    expect(staff.page.locator("main")).to_contain_text(NOMINEE)
    shots(staff, "02-queue-to-vet")


def _create_program_with_a_refused_notice(staff: Person, shots: Shots) -> int:
    page = staff.page
    staff.goto("/staff/programs")
    with page.expect_navigation():
        page.click("main a.button-primary[href$='/programs/new']")
    page.fill("#code", "good_teacher")
    page.fill("#name_zh", "漯河好老师")
    page.fill("#name_en", "Luohe Good Teachers")
    page.select_option("#cadence", "quarterly")
    page.fill("#quota", "4")
    page.fill("#notice_days", "6")
    _every_control_labelled(page)
    _touch_target_at_least(page.locator("label[for=has_nomination_award]"))
    _touch_target_at_least(page.locator("form.nomination-form button[type=submit]"))
    staff.submit("form.nomination-form button[type=submit]")

    # Refused next to the field, the typed values kept.
    notice = page.locator("#notice_days")
    expect(notice).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#notice_days-error")).to_contain_text("公示期至少7天")
    expect(notice).to_have_value("6")
    expect(page.locator("#name_zh")).to_have_value("漯河好老师")
    expect(page.locator("#quota")).to_have_value("4")
    expect(page.locator("#cadence")).to_have_value("quarterly")
    page.locator("#notice_days-error").scroll_into_view_if_needed()
    shots(staff, "03-program-notice-refused")

    notice.fill("7")
    staff.submit("form.nomination-form button[type=submit]")
    assert "项目已创建" in staff.flashes(), staff.main()[:500]
    match = re.search(r"/staff/programs/(\d+)$", page.url)
    assert match, page.url
    expect(page.locator("#notice_days")).to_have_value("7")
    return int(match.group(1))


def _edit_program_and_find_it_listed(staff: Person, shots: Shots, program_id: int) -> None:
    page = staff.page
    staff.goto(f"/staff/programs/{program_id}")
    page.fill("#quota", "3")
    page.check("#public_review")
    staff.submit("form.nomination-form button[type=submit]")
    assert "项目已保存：2处修改" in staff.flashes(), staff.main()[:500]
    expect(page.locator("#quota")).to_have_value("3")
    expect(page.locator("#public_review")).to_be_checked()
    shots(staff, "04-program-saved")

    staff.goto("/staff/programs")
    row = page.locator("table tbody tr", has_text="漯河好老师")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(3)).to_have_text("3")
    expect(row.locator(f"a[href$='/staff/programs/{program_id}']")).to_be_visible()
    shots(staff, "05-programs-listed")


def _add_organisation(staff: Person, shots: Shots, street_id: int) -> None:
    page = staff.page
    staff.goto("/staff/organisations/")
    page.fill("#name", "人民路社区")
    page.fill("#code", "yh-s1-c3")
    page.select_option("#kind", "community")
    page.select_option("#parent_id", str(street_id))
    staff.submit("form:has(#parent_id) button[type=submit]")
    assert "人民路社区" in staff.flashes(), staff.main()[:500]
    row = page.locator("table tbody tr", has_text="人民路社区")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("yh-s1-c3")
    shots(staff, "06-organisation-added")
    with page.expect_navigation():
        row.locator("a").click()
    expect(page.locator("h1")).to_have_text("人民路社区")
    shots(staff, "07-organisation-unit")


def _open_correction_and_merge(staff: Person, shots: Shots, honoree_id: int) -> None:
    page = staff.page
    staff.goto(f"/staff/honorees/?q={HONOREE}")
    with page.expect_navigation():
        page.locator("main a", has_text=HONOREE).first.click()
    with page.expect_navigation():
        page.click(f"a[href$='/staff/honorees/{honoree_id}/correct']")
    expect(page.locator("#name")).to_have_value(HONOREE)
    expect(page.locator("#headline")).to_have_value("三十年义务修鞋")
    _every_control_labelled(page)
    shots(staff, "08-correction-form")

    staff.goto(f"/staff/honorees/{honoree_id}/merge")
    expect(page.locator("label[for=source]")).to_be_visible()
    shots(staff, "09-merge-preview")


def _every_control_labelled(page) -> None:
    """Each visible input, select and textarea of the main form has exactly one label."""
    controls = "main form input:visible, main form select, main form textarea"
    for control in page.locator(controls).all():
        control_id = control.get_attribute("id")
        assert control_id and page.locator(f"label[for='{control_id}']").count() == 1, control_id


def _touch_target_at_least(locator) -> None:
    box = locator.bounding_box()
    assert box and box["height"] >= MIN_TOUCH and box["width"] >= MIN_TOUCH, box


def _no_sideways_scroll(staff: Person, paths: list[str]) -> None:
    """On a phone the page itself never scrolls sideways: wide tables scroll in their box."""
    for path in paths:
        staff.goto(path)
        overflow = staff.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
