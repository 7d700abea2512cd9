"""Reliability fixtures: real gunicorn servers on SQLite and PostgreSQL, Redis when shared.

Run with `make test-reliability` (HONORS_RELIABILITY_TESTS=1); skipped otherwise. Each
site is a deployment as docs/deploy.md describes one: its own instance folder, keys and
SECRET_KEY from the environment, a database migrated with `flask db upgrade` and arranged
by tests/reliability/arrange.py, and gunicorn with the Makefile's server options behind a
(simulated) nginx: TRUSTED_PROXIES=1 and an X-Forwarded-For per visitor. PostgreSQL
databases are this run's own (honors_rel_<pid>_<n>), created and dropped here; Redis uses
its own db number, flushed before and after.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import secrets
import shlex
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get(
    "RELIABILITY_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("RELIABILITY_REDIS_URL", "redis://127.0.0.1:6379/14")
DB_PREFIX = "honors_rel_"
BACKENDS = ("sqlite", "postgresql")


def pytest_collection_modifyitems(config, items) -> None:
    if os.environ.get("HONORS_RELIABILITY_TESTS"):
        return
    skip = pytest.mark.skip(reason="reliability tests run with `make test-reliability`")
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_database() -> Iterator[None]:
    """These tests own their databases: the unit suite's emptying (and its app) stay out."""
    yield


# ----------------------------------------------------------------------------- databases


@dataclass
class Database:
    backend: str
    url: str  # as DATABASE_URL
    name: str

    def connect(self):
        if self.backend == "sqlite":
            return sqlite3.connect(self.name, timeout=30)
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run one statement (`?` placeholders) in its own connection."""
        if self.backend == "postgresql":
            sql = sql.replace("?", "%s")
        connection = self.connect()
        try:
            cursor = connection.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []
        finally:
            connection.close()

    def scalar(self, sql: str, params: tuple = ()):
        return self.rows(sql, params)[0][0]

    def integrity(self) -> str:
        """SQLite: integrity_check and foreign_key_check; PostgreSQL: amcheck on every
        B-tree index (bt_index_check raises on a corrupt one). "ok" when sound."""
        if self.backend == "sqlite":
            result = self.scalar("PRAGMA integrity_check")
            broken = self.rows("PRAGMA foreign_key_check")
            return f"foreign keys: {broken[:5]}" if broken else result
        self.rows("CREATE EXTENSION IF NOT EXISTS amcheck")
        self.rows(
            "SELECT bt_index_check(i.indexrelid, true) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = 'public'"
        )
        return "ok"

    def counts(self) -> dict[str, int]:
        """Rows per table of the application's schema, read in one transaction."""
        from app import models  # noqa: F401  (complete metadata)
        from app.extensions import db

        names = [t.name for t in db.metadata.sorted_tables]
        connection = self.connect()
        try:
            if self.backend == "postgresql":
                connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            else:
                connection.execute("BEGIN")
            counts = {
                name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
                for name in names
            }
            connection.execute("COMMIT")
            return counts
        finally:
            connection.close()


class Databases:
    """Creates this run's databases and drops them at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.created: list[Database] = []
        self._numbers = itertools.count(1)

    def _admin(self):
        import psycopg

        return psycopg.connect(PG_ADMIN_URL, autocommit=True)

    def new(self, backend: str) -> Database:
        n = next(self._numbers)
        if backend == "sqlite":
            path = self.root / f"honors-{n}.sqlite3"
            database = Database(backend, f"sqlite:///{path}", str(path))
        else:
            name = f"{DB_PREFIX}{os.getpid()}_{n}"
            with self._admin() as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
            database = Database(backend, url, name)
        self.created.append(database)
        return database

    def drop_all(self) -> None:
        names = [d.name for d in self.created if d.backend == "postgresql"]
        if not names:
            return
        with self._admin() as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_leftovers(self) -> None:
        """Databases of earlier runs whose process is gone (a run killed before teardown)."""
        with self._admin() as admin:
            names = [
                row[0]
                for row in admin.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", (DB_PREFIX + "%",)
                )
            ]
            for name in names:
                match = re.fullmatch(rf"{DB_PREFIX}(\d+)_\d+", name)
                if match and not Path(f"/proc/{match.group(1)}").exists():
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Iterator[Databases]:
    found = Databases(tmp_path_factory.mktemp("databases"))
    found.drop_leftovers()
    yield found
    found.drop_all()


# ----------------------------------------------------------------------------- deployments


def _shared_keys() -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        "SECRET_KEY": secrets.token_hex(32),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ID_HASH_KEY": secrets.token_urlsafe(32),
    }


@dataclass
class Deployment:
    """One database and the settings every instance serving it shares."""

    database: Database
    root: Path
    keys: dict[str, str]
    data: dict = field(default_factory=dict)
    _instances: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def backend(self) -> str:
        return self.database.backend

    @property
    def secret_key(self) -> str:
        return self.keys["SECRET_KEY"]

    def env(self, instance: Path | None = None, redis_url: str | None = None) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("TEST_DATABASE_URL", "REDIS_URL", "DATABASE_URL", "FLASK_APP")
        }
        env.update(self.keys)
        env["DATABASE_URL"] = self.database.url
        env["HONORS_INSTANCE_PATH"] = str(instance or self.root / "instance")
        env["TRUSTED_PROXIES"] = "1"  # gunicorn sits behind nginx (simulated by the tests)
        if redis_url:
            env["REDIS_URL"] = redis_url
        return env

    def new_instance(self) -> Path:
        path = self.root / f"instance-{next(self._instances)}"
        path.mkdir(parents=True)
        return path

    def flask(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stdout}{result.stderr}"
        return result

    def python(self, module: str, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, f"{module}:\n{result.stdout}{result.stderr}"
        return result

    def prepare(self) -> Deployment:
        self.flask("db", "upgrade")
        self.data = json.loads(self.python("tests.reliability.arrange").stdout)
        return self

    def tally(self, cycle_id: int) -> dict:
        return json.loads(self.python("tests.reliability.arrange", "tally", str(cycle_id)).stdout)


def new_deployment(databases: Databases, backend: str, root: Path, keys=None) -> Deployment:
    root.mkdir(parents=True, exist_ok=True)
    return Deployment(databases.new(backend), root, keys or _shared_keys())


# ----------------------------------------------------------------------------- gunicorn


def gunicorn_options() -> list[str]:
    """The Makefile's gunicorn options (`make run`), without the address they bind."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    for name in ("GUNICORN_SERVER_OPTS", "GUNICORN_OPTS"):
        match = re.search(rf"^{name}\s*[:?]?=(.*)$", text, re.MULTILINE)
        if match:
            break
    assert match, "no GUNICORN_OPTS in the Makefile"
    options, words = [], iter(shlex.split(match.group(1)))
    for word in words:
        if word == "--bind":
            next(words)
        elif "$(" not in word:
            options.append(word)
    assert {"--workers", "--threads", "--worker-class"} <= set(options), options
    return options


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn master (and its workers) serving a deployment."""

    WORKERS = 2

    def __init__(self, deployment: Deployment, redis_url: str | None = None) -> None:
        self.deployment = deployment
        self.instance = deployment.root / "instance"
        self.redis_url = redis_url
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, instance: Path | None = None) -> Server:
        self.instance = instance or self.instance
        for _attempt in range(3):
            self.port = _free_port()
            self.log = self.deployment.root / f"gunicorn-{self.port}.log"
            self.ready_dir = self.deployment.root / f"ready-{self.port}"
            self.ready_dir.mkdir()
            env = self.deployment.env(self.instance, self.redis_url)
            env["RELIABILITY_READY_DIR"] = str(self.ready_dir)
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
                    [
                        str(BIN / "gunicorn"),
                        *gunicorn_options(),
                        "--config",
                        "python:tests.reliability.gunicorn_hooks",
                        "--bind",
                        f"127.0.0.1:{self.port}",
                        "wsgi:app",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_ready():
                return self
            self.stop()  # most likely the port was taken meanwhile: try another
        raise AssertionError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def _wait_ready(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            workers = self.workers()
            if len(workers) == self.WORKERS and all(map(self.serving, workers)):
                return self.healthy()
            time.sleep(0.1)
        return False

    def healthy(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def workers(self) -> list[int]:
        """The master's children (its workers), from /proc/<master>/task/*/children."""
        pids: list[int] = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            try:
                pids += [int(p) for p in children.read_text().split()]
            except OSError:  # a thread gone meanwhile
                continue
        return sorted(set(pids))

    def serving(self, pid: int) -> bool:
        """Whether worker `pid` has loaded the application (each imports it: no preload)."""
        return (self.ready_dir / str(pid)).exists()

    def wait_until_serving(self, at_least: int = WORKERS, timeout: float = 60) -> None:
        """Wait for a full set of workers, `at_least` of them serving."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            workers = self.workers()
            if len(workers) == self.WORKERS and sum(map(self.serving, workers)) >= at_least:
                return
            time.sleep(0.05)
        raise AssertionError(f"workers not serving:\n{self.log.read_text()[-3000:]}")

    def wait_for_workers(self, gone: int, timeout: float = 60) -> list[int]:
        """Wait until the master has replaced worker `gone` (a full set again)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            workers = self.workers()
            if gone not in workers and len(workers) == self.WORKERS:
                return workers
            time.sleep(0.05)
        raise AssertionError(f"worker {gone} not replaced:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# ----------------------------------------------------------------------------- sites


@dataclass
class Site:
    deployment: Deployment
    server: Server

    @property
    def backend(self) -> str:
        return self.deployment.backend

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def data(self) -> dict:
        return self.deployment.data

    @property
    def database(self) -> Database:
        return self.deployment.database


class Sites:
    """One prepared deployment and server per backend, shared by the whole run."""

    def __init__(self, databases: Databases, root: Path) -> None:
        self.databases = databases
        self.root = root
        self.started: dict[str, Site] = {}
        self.servers: list[Server] = []

    def get(self, backend: str) -> Site:
        if backend not in self.started:
            deployment = new_deployment(self.databases, backend, self.root / backend).prepare()
            self.started[backend] = Site(deployment, self.serve(deployment))
        return self.started[backend]

    def serve(self, deployment: Deployment, redis_url: str | None = None, instance=None):
        server = Server(deployment, redis_url)
        self.servers.append(server)
        return server.start(instance)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


@pytest.fixture(scope="session")
def sites(databases, tmp_path_factory) -> Iterator[Sites]:
    found = Sites(databases, tmp_path_factory.mktemp("sites"))
    yield found
    found.stop()


@pytest.fixture(params=BACKENDS)
def site(request, sites) -> Site:
    return sites.get(request.param)


@pytest.fixture
def sqlite_site(sites) -> Site:
    return sites.get("sqlite")


@pytest.fixture(scope="session")
def redis_db() -> Iterator[str]:
    """This suite's Redis database (RELIABILITY_REDIS_URL), empty before and after."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
        yield REDIS_URL
        client.flushdb()
    finally:
        client.close()
