"""Fixtures: one app per session, a database emptied after each test, logged-in clients.

No fixture holds an app context across requests: each request gets a fresh session, so
a view that forgets to commit loses its writes and the test that checks them fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import TestConfig, normalize_database_url
from app.core import cache as page_cache
from app.extensions import cache, db, limiter
from tests import factories

DEMO_PASSWORD = factories.DEFAULT_PASSWORD


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalize_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


_EXTRA_APPS: list[Flask] = []


def make_test_app(tmp_path_factory: pytest.TempPathFactory, **overrides) -> Flask:
    config = TestConfig()
    config.INSTANCE_PATH = tmp_path_factory.mktemp("instance")
    overrides.setdefault("SQLALCHEMY_DATABASE_URI", database_url(tmp_path_factory))
    extra = create_app(config, **overrides)
    _EXTRA_APPS.append(extra)
    return extra


@pytest.fixture(scope="session", autouse=True)
def _dispose_extra_engines():
    """Close the pools of every app a test built (PostgreSQL warns about open connections)."""
    yield
    for extra in _EXTRA_APPS:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_test_app(tmp_path_factory)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_database(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        cache.clear()  # versions restart with the emptied database
        page_cache.forget_aggregates()
    limiter.reset()


def empty_all_tables() -> None:
    """Delete every row; foreign keys (self-references included) must not get in the way."""
    tables = db.metadata.sorted_tables
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in reversed(tables):
                conn.execute(table.delete())


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context for arranging and asserting; never held across a request."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """The CSRF token of the form at `url` (the session ties it to this client)."""
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no csrf token on {url}"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = DEMO_PASSWORD):
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


@pytest.fixture
def login_as(app: Flask):
    """login_as(*roles) → a client logged in as a new user with those roles."""

    def _login_as(*roles, organisation_code: str | None = None, username: str | None = None):
        with app.app_context():
            user = factories.make_user(
                *roles, username=username, organisation_code=organisation_code
            )
            name = user.username
        client = app.test_client()
        response = login(client, name)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login_as
