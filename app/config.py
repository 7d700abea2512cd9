"""Configuration classes; every setting can be overridden from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from app.core.private import make_private_dir

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("HONORS_INSTANCE_PATH", BASE_DIR / "instance"))


def _secret_from_instance(instance_dir: Path) -> str:
    """Read instance/secret_key, generating it (mode 0600) on first run."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    make_private_dir(instance_dir)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _bool_env(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list_env(name: str, default: str) -> tuple[str, ...]:
    value = os.environ.get(name)
    return tuple(v.strip() for v in (default if value is None else value).split(",") if v.strip())


def normalize_database_url(url: str) -> str:
    """Route plain postgres URLs to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    INSTANCE_PATH = INSTANCE_DIR
    SQLALCHEMY_DATABASE_URI = normalize_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'honors.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Number of reverse proxies (nginx) in front of gunicorn whose X-Forwarded-For and
    # -Proto are trusted; 0 (the default) ignores them, which a client could forge.
    # X-Forwarded-Host is never trusted: URLs come from PUBLIC_BASE_URL.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # The site's public origin: every absolute URL (feed, share tags, QR codes,
    # certificates, API, mail) is built from it, never from the request's Host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    # Host names answered besides PUBLIC_BASE_URL's (any port); other hosts get a 400.
    # Unset and without PUBLIC_BASE_URL (development, `make run`): the loopback names.
    ALLOWED_HOSTS = _list_env(
        "ALLOWED_HOSTS", "" if os.environ.get("PUBLIC_BASE_URL") else "localhost,127.0.0.1,::1"
    )

    # The site's identity in the header, footer, feed and certificates. Unset: the defaults
    # (漯河好人榜, 漯河市精神文明建设委员会办公室), translated; set: shown as set in every language.
    SITE_NAME = os.environ.get("SITE_NAME", "").strip()
    SITE_ISSUER = os.environ.get("SITE_ISSUER", "").strip()  # 主办单位
    # Government-site identifiers in the footer, each shown only when set: 网站标识码,
    # ICP备案号 (e.g. 豫ICP备12345678号-1, links to beian.miit.gov.cn) and 公安机关备案号
    # (e.g. 豫公网安备41110202000001号, links to its record at beian.mps.gov.cn by its digits).
    GOV_SITE_CODE = os.environ.get("GOV_SITE_CODE", "").strip()
    ICP_NUMBER = os.environ.get("ICP_NUMBER", "").strip()
    PSB_NUMBER = os.environ.get("PSB_NUMBER", "").strip()
    # Where the public reports concerns about a candidate in notice (监督电话, 地址), shown
    # on /notice when set.
    SUPERVISION_PHONE = os.environ.get("SUPERVISION_PHONE", "").strip()
    SUPERVISION_ADDRESS = os.environ.get("SUPERVISION_ADDRESS", "").strip()

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool_env("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; forms stay usable all day
    # Whole request: the ID photo and a few life photos (10 MB each) still fit in one form;
    # anything larger is refused with 413 before it is read.
    MAX_CONTENT_LENGTH = 40 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh", "en")

    # Login throttle (no lockout): per account name and client address, LOGIN_FREE_FAILURES
    # failures are answered at once, then each failure makes the next try from that address
    # wait LOGIN_FIRST_DELAY_SECONDS, doubling up to LOGIN_MAX_DELAY_SECONDS; failures are
    # forgotten after LOGIN_FAILURE_MEMORY_HOURS. One address with LOGIN_FAILURES_PER_ADDRESS_HOUR
    # failures (any names) within an hour waits too. Kept in the database: global.
    LOGIN_FREE_FAILURES = int(os.environ.get("LOGIN_FREE_FAILURES", "5"))
    LOGIN_FIRST_DELAY_SECONDS = int(os.environ.get("LOGIN_FIRST_DELAY_SECONDS", "30"))
    LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("LOGIN_MAX_DELAY_SECONDS", "3600"))
    LOGIN_FAILURE_MEMORY_HOURS = int(os.environ.get("LOGIN_FAILURE_MEMORY_HOURS", "24"))
    LOGIN_FAILURES_PER_ADDRESS_HOUR = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS_HOUR", "50"))

    # Like rule (docs/likes.md): one like per candidate per browser per Beijing day, and per
    # client address at most these many likes per clock minute, per clock hour and per
    # candidate per Beijing day. Kept in the database: global without Redis too.
    LIKES_PER_ADDRESS_MINUTE = int(os.environ.get("LIKES_PER_ADDRESS_MINUTE", "20"))
    LIKES_PER_ADDRESS_HOUR = int(os.environ.get("LIKES_PER_ADDRESS_HOUR", "400"))
    LIKES_PER_ADDRESS_CANDIDATE_DAY = int(os.environ.get("LIKES_PER_ADDRESS_CANDIDATE_DAY", "250"))

    # argon2id parameters (RFC 9106 "second recommended" profile is argon2-cffi's default).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    # Field encryption keys (comma-separated Fernet keys, first one encrypts) and the key of
    # the ID-number lookup hash; generated into instance/ when unset.
    FIELD_ENCRYPTION_KEYS = os.environ.get("FIELD_ENCRYPTION_KEYS") or None
    ID_HASH_KEY = os.environ.get("ID_HASH_KEY") or None

    # Outgoing mail, sent by `honors deliver` from the outbox: "console" logs messages;
    # "smtp" sends through MAIL_SERVER (Flask-Mailman), with STARTTLS (MAIL_USE_TLS) or
    # SSL (MAIL_USE_SSL) and a login when MAIL_USERNAME is set.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0").lower() in {"1", "true", "yes", "on"}
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0").lower() in {"1", "true", "yes", "on"}
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "noreply@luohe.invalid")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or MAIL_SENDER
    # Units with draft nominations are reminded this many days before nominations close.
    DRAFT_REMINDER_DAYS = int(os.environ.get("DRAFT_REMINDER_DAYS", "3"))

    UPLOAD_MAX_PHOTO_BYTES = 10 * 1024 * 1024
    UPLOAD_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

    CACHE_DEFAULT_TIMEOUT = 300
    # After a committed change of public data, compute the headline figures and statistics
    # at once (app/core/cache.py), so the first visitor after a publication never waits.
    WARM_AGGREGATES = True
    # Cached variants (query strings) of one page per public data version; the rest render.
    PAGE_CACHE_MAX_VARIANTS = int(os.environ.get("PAGE_CACHE_MAX_VARIANTS", "200"))
    # `make bench` only: a query parameter that makes a public page render uncached (its
    # "uncached" rows). Unset in production, where no parameter can bypass the cache.
    PAGE_CACHE_BYPASS_PARAM = os.environ.get("PAGE_CACHE_BYPASS_PARAM") or None
    # Seconds a process trusts the public data version it read (the page cache's key)
    # before reading it again: other processes show a publication at most this late.
    PUBLIC_VERSION_TTL = float(os.environ.get("PUBLIC_VERSION_TTL", "1"))
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    # Redis down: limits fall back to each process's memory instead of failing the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _secret_from_instance(
            Path(self.INSTANCE_PATH)
        )
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        # Public pages are cached per data version: in-process, or shared through Redis.
        self.CACHE_TYPE = "RedisCache" if self.REDIS_URL else "SimpleCache"
        self.CACHE_REDIS_URL = self.REDIS_URL
        # A Redis that hangs instead of refusing must not hold requests: short timeouts.
        redis_timeouts = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        self.CACHE_OPTIONS = dict(redis_timeouts) if self.REDIS_URL else {}
        self.RATELIMIT_STORAGE_OPTIONS = dict(redis_timeouts) if self.REDIS_URL else {}
        self.CACHE_KEY_PREFIX = "honors:"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105  # nosec B105 # fixed key for tests only
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    RATELIMIT_ENABLED = True
    PUBLIC_VERSION_TTL = 0.0  # tests publish and look at once
    WARM_AGGREGATES = False  # tests that look at warming turn it on
    PUBLIC_BASE_URL = "http://localhost"  # the test client's host
    ALLOWED_HOSTS = ("localhost", "127.0.0.1")  # the browser tests' live server

    def __init__(self) -> None:
        self.SQLALCHEMY_DATABASE_URI = normalize_database_url(
            os.environ.get("TEST_DATABASE_URL", "sqlite://")
        )
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.CACHE_TYPE = "SimpleCache"
        self.CACHE_REDIS_URL = None
        self.CACHE_KEY_PREFIX = "honors-test:"
