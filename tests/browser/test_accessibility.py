"""axe-core over the public pages in Chromium: no serious or critical violation; phone shots."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE

AXE = (
    Path(__file__).resolve().parents[2] / ".ci" / "js" / "node_modules" / "axe-core" / "axe.min.js"
)
PAGES = [
    "/",
    "/roll",
    "/roll?q=孝",
    "/stats",
    "/review",
    "/notice",
    "/notice/objection",
    "/recommend",
    "/login",
    "/cycles/luohe_good/2026-09",
    "/?lang=en",
    "/roll?lang=en",
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core missing: run `make browser-deps`")
    return AXE.read_text(encoding="utf-8")


def _violations(page, axe_source):
    page.evaluate(axe_source)  # the test context bypasses the CSP to inject the checker
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
        " target: v.nodes[0] && v.nodes[0].target.join(' ')}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_public_pages_pass_axe(browser, live_server, axe_source):
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/roll")
    honoree = re.search(r'href="(/honorees/[\w-]+)"', page.content()).group(1)
    problems = {}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path in [*PAGES, honoree]:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        found = _violations(page, axe_source)
        if found:
            problems[path] = found
        name = re.sub(r"\W+", "_", path).strip("_") or "home"
        page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-phone.png"), full_page=True)
    context.close()
    assert problems == {}


# ------------------------------------------------------------------ staff pages (issue 13)

STAFF_PAGES = [
    "/staff/",
    "/staff/programs",
    "/staff/programs/new",
    "/staff/organisations/",
    "/staff/organisations/import",
]


def _staff_workbook(parent: str = "luohe") -> bytes:
    """A unit under the demo city and one nominator account: the dry run, then the
    one-time passwords page, without touching the demo's own accounts."""
    from tests.orgs.support import workbook

    return workbook(
        [("a11y-unit", "无障碍检查单位", "单位", parent)],
        [("a11y-nominator", "检查员", "a11y-unit", "", "")],
    )


def _check(page, axe_source, label: str, problems: dict, viewport: str = "phone") -> None:
    found = _violations(page, axe_source)
    if found:
        problems[f"{label} ({viewport})"] = found
    name = re.sub(r"\W+", "_", label).strip("_")
    page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{viewport}.png"), full_page=True)


def _staff_page(browser, live_server: str, viewport: dict):
    context = browser.new_context(viewport=viewport, bypass_csp=True, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/login")
    page.fill("input[name=username]", "demo-staff")
    page.fill("input[name=password]", "luohe-demo")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    return context, page


def test_staff_pages_pass_axe(browser, live_server, axe_source, tmp_path):
    """The new staff pages (dashboard, programs, organisations with the import dry run, its
    row errors and the passwords page, honoree correction and merge), logged in as staff, on
    a phone and a desktop; the forms also with their errors shown (on the phone)."""
    context, page = _staff_page(browser, live_server, PHONE)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: dict = {}

    page.goto(live_server + "/staff/programs")
    program = re.search(r'href="(/staff/programs/\d+)"', page.content()).group(1)
    page.goto(live_server + "/staff/organisations/")
    unit = re.search(r'href="(/staff/organisations/\d+)"', page.content()).group(1)
    page.goto(live_server + "/roll")
    slug = re.search(r'href="/honorees/([\w-]+)"', page.content()).group(1)
    page.goto(live_server + f"/staff/honorees/?q={slug}")
    record = re.search(r'href="(/staff/honorees/\d+)"', page.content()).group(1)
    pages = [*STAFF_PAGES, program, unit, f"{record}/correct", f"{record}/merge"]
    desktop_context, desktop = _staff_page(browser, live_server, DESKTOP)
    for path in pages:
        for viewport, tab in (("phone", page), ("desktop", desktop)):
            response = tab.goto(live_server + path)
            assert response.status == 200, path
            _check(tab, axe_source, path, problems, viewport)
    desktop_context.close()

    # Forms showing their errors: a 6-day notice, an empty correction reason.
    page.goto(live_server + "/staff/programs/new")
    page.fill("#notice_days", "6")
    with page.expect_navigation():
        page.click("form.nomination-form button[type=submit]")
    assert page.locator("#notice_days-error").count() == 1
    _check(page, axe_source, "program-form-errors", problems)
    page.goto(live_server + f"{record}/correct")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".field-invalid").count() >= 1
    _check(page, axe_source, "correction-form-errors", problems)

    # The merge preview of two records, the import dry run and the passwords page.
    page.goto(live_server + "/roll")
    slugs = re.findall(r'href="/honorees/([\w-]+)"', page.content())
    other = next(s for s in slugs if s != slug)
    page.goto(live_server + f"{record}/merge?source={other}")
    assert page.locator("table").count() == 1
    _check(page, axe_source, "merge-preview", problems)
    book = tmp_path / "units.xlsx"
    book.write_bytes(_staff_workbook(parent="no-such-parent"))
    page.goto(live_server + "/staff/organisations/import")
    page.set_input_files("#file", str(book))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("table.import-errors").count() == 1
    _check(page, axe_source, "import-row-errors", problems)
    book.write_bytes(_staff_workbook())
    page.set_input_files("#file", str(book))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    _check(page, axe_source, "import-dry-run", problems)
    with page.expect_navigation():
        page.click("form[action$='/import/confirm'] button")
    assert page.locator(".initial-password").count() == 1
    _check(page, axe_source, "initial-passwords", problems)
    context.close()
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
