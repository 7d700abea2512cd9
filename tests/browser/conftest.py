"""Browser fixtures: the app with demo data on a live local server, Debian Chromium via Playwright.

Run with `make test-browser` (which installs chromium); skipped otherwise.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import make_test_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / ".ci" / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

if not os.environ.get("HONORS_BROWSER_TESTS"):
    pytest.skip("browser tests run with `make test-browser`", allow_module_level=True)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    db_file = tmp_path_factory.mktemp("browser") / "live.sqlite3"
    app = make_test_app(
        tmp_path_factory,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}",
        ARGON2_TIME_COST=1,
    )
    with app.app_context():
        from app.demo.services import load_demo

        db.create_all()
        load_demo(upload_root=Path(app.instance_path) / "uploads")
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture(params=["phone", "desktop"])
def page(request, browser):
    """A fresh page; console errors (CSP violations included) fail the test."""
    viewport = PHONE if request.param == "phone" else DESKTOP
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.viewport_name = request.param
    yield page
    context.close()
    assert [e for e in errors if "404" not in e] == []


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.viewport_name}.png"), full_page=True)


def pytest_collection_modifyitems(items):
    """The live server runs in this process: when Chromium cancels a lazy image request the
    dev server leaves the file handle of send_file to the garbage collector, which pytest
    reports as an unraisable ResourceWarning. It is not an app leak (gunicorn closes it)."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(
                pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
            )
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))
