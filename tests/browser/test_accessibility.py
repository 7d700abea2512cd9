"""axe-core over the public pages in Chromium: no serious or critical violation; phone shots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, PHONE

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
