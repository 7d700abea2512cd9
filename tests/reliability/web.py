"""A small HTTP client over the standard library: one Browser per visitor or staff member.

Each Browser keeps its own cookies (the Flask session) and its own address, which it
sends as X-Forwarded-For the way nginx does in front of gunicorn (TRUSTED_PROXIES=1).
"""

from __future__ import annotations

import http.client
import itertools
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TIMEOUT = 60

_addresses = itertools.count(1)
_address_lock = threading.Lock()


def fresh_address() -> str:
    """A visitor address never used before in this run (10.0.0.1, 10.0.0.2, ...)."""
    with _address_lock:
        n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


@dataclass
class Response:
    status: int
    headers: Message
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def csrf_token(self) -> str:
        match = CSRF_RE.search(self.text)
        assert match, f"no csrf token in a {self.status} page"
        return match.group(1)


class Browser:
    def __init__(self, base_url: str, address: str | None = None) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.address = address or fresh_address()
        self.cookies: dict[str, str] = {}

    def at(self, base_url: str) -> Browser:
        """The same visitor (cookies, address) talking to another server."""
        other = Browser(base_url, self.address)
        other.cookies = self.cookies
        return other

    def clone(self) -> Browser:
        """Another tab of the same browser: same address, a copy of the cookies."""
        other = Browser(f"http://{self.host}:{self.port}", self.address)
        other.cookies = dict(self.cookies)
        return other

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        headers = {"X-Forwarded-For": self.address, "Accept-Language": "zh-CN"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(raw.status, raw.headers, text)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict | None = None) -> Response:
        return self.request("POST", path, form or {})

    def submit(self, path: str, form: dict | None = None, page: str | None = None) -> Response:
        """POST a form with the CSRF token of the page it is on (`page`, default `path`)."""
        token = self.get(page or path).csrf_token()
        return self.post(path, {**(form or {}), "csrf_token": token})

    def login(self, username: str, password: str) -> Response:
        return self.submit("/login", {"username": username, "password": password})


class SessionReader:
    """Reads the signed session cookie the way the app does (the test knows SECRET_KEY)."""

    def __init__(self, secret_key: str) -> None:
        app = Flask("reliability-session-reader")
        app.secret_key = secret_key
        self._serializer = SecureCookieSessionInterface().get_signing_serializer(app)

    def session(self, browser: Browser) -> dict:
        value = browser.cookies.get("session")
        return dict(self._serializer.loads(value)) if value else {}

    def flashes(self, browser: Browser) -> list[tuple[str, str]]:
        return [tuple(f) for f in self.session(browser).get("_flashes", [])]


def burst(requests, threads: int = 100) -> list:
    """Run the callables together: the first `threads` of them start at the same instant."""
    go = threading.Event()

    def run(call):
        go.wait()
        return call()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(run, call) for call in requests]
        go.set()
        return [f.result() for f in futures]
