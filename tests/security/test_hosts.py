"""Absolute URLs come from PUBLIC_BASE_URL; a foreign Host is refused before the cache."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import segno

from app.core import cache as page_cache
from app.core.hosts import host_allowed
from app.core.urls import PublicBaseUrlError, parse_base_url
from app.extensions import db
from app.honors import certificates
from app.registry import services
from tests import factories
from tests.conftest import make_test_app

ORIGIN = "https://haoren.example.gov.cn"
EVIL = "evil.example"
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC_PAGES = [
    "/feed.atom",
    "/honorees/host-1",
    "/api/v1/honorees",
    "/api/v1/honorees/host-1",
    "/api/v1/openapi.json",
]


@pytest.fixture
def public_origin(app, monkeypatch):
    """A deployment: its public origin, and 127.0.0.1 allowed for local probes."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", ORIGIN)
    monkeypatch.setitem(app.config, "ALLOWED_HOSTS", ("localhost", "127.0.0.1"))


@pytest.fixture
def fast(app, monkeypatch):
    """The production setting of the WSGI fast path (answers cached pages before Flask)."""
    monkeypatch.setitem(app.config, "PUBLIC_VERSION_TTL", 60)
    yield
    app.extensions.pop(page_cache.VERSION_MEMO, None)


def _seed(app) -> int:
    with app.app_context():
        honoree = factories.make_honoree(name="主机好人", slug="host-1", photo_path="p/host.jpg")
        honor = factories.make_honor(
            honoree,
            factories.make_program(),
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
        )
        services.bump_public_version()
        db.session.commit()
        return honor.id


def test_absolute_urls_use_public_base_url_not_the_request_host(app, client, public_origin):
    honor_id = _seed(app)
    page_url = f"{ORIGIN}/honorees/host-1"
    seen = []
    original = certificates.render

    def spy(honor, url):
        seen.append(url)
        return original(honor, url)

    for host in ("localhost", "127.0.0.1:8000"):
        base = f"http://{host}"
        html = client.get("/honorees/host-1", base_url=base).get_data(as_text=True)
        assert f'<meta property="og:url" content="{page_url}">' in html
        assert f'<link rel="canonical" href="{page_url}">' in html
        assert f'<meta property="og:image" content="{page_url}/photo">' in html
        json_ld = json.loads(re.search(r'ld\+json">(.*?)</script>', html).group(1))
        assert (json_ld["url"], json_ld["image"]) == (page_url, f"{page_url}/photo")
        qr = segno.make(page_url, error="m").svg_inline(scale=3, dark="#231c18")
        assert qr in html

        feed = ET.fromstring(client.get("/feed.atom", base_url=base).data)
        assert feed.findtext(f"{ATOM}id") == f"{ORIGIN}/roll"
        links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
        assert links == {"self": f"{ORIGIN}/feed.atom", "alternate": f"{ORIGIN}/roll"}
        entry = feed.find(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}id") == f"{page_url}#honor-{honor_id}"
        assert entry.find(f"{ATOM}link").get("href") == page_url

        listing = client.get("/api/v1/honorees", base_url=base).get_json()
        assert [item["honoree"]["url"] for item in listing["items"]] == [page_url]
        detail = client.get("/api/v1/honorees/host-1", base_url=base).get_json()
        assert detail["honoree"]["url"] == page_url
        openapi = client.get("/api/v1/openapi.json", base_url=base).get_json()
        assert openapi["servers"] == [{"url": ORIGIN}]

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(certificates, "render", spy)
            pdf = client.get(f"/honorees/host-1/certificates/{honor_id}.pdf", base_url=base)
        assert pdf.status_code == 200
    assert seen == [page_url, page_url]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_foreign_host_is_refused_and_never_cached(app, client, public_origin, path):
    _seed(app)
    refused = client.get(path, headers={"Host": EVIL})
    assert refused.status_code == 400
    assert refused.headers["Cache-Control"] == "no-store"
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    served = client.get(path).get_data(as_text=True)
    assert EVIL not in served and ORIGIN in served


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_foreign_host_is_refused_on_the_fast_path(app, client, public_origin, fast, path):
    _seed(app)
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200  # now answered by the fast path
    assert client.get(path, headers={"Host": EVIL}).status_code == 400
    assert client.head(path, headers={"Host": f"{EVIL}:443"}).status_code == 400
    assert EVIL not in client.get(path).get_data(as_text=True)


def test_foreign_host_is_refused_for_writes_and_staff_pages(app, client, public_origin):
    assert client.post("/login", headers={"Host": EVIL}).status_code == 400
    assert client.get("/staff/", headers={"Host": EVIL}).status_code == 400
    assert client.get("/healthz", headers={"Host": "LOCALHOST:5000"}).status_code == 200


def test_x_forwarded_host_is_never_trusted_behind_a_proxy(tmp_path_factory):
    proxied = make_test_app(tmp_path_factory, TRUSTED_PROXIES=1, PUBLIC_BASE_URL=ORIGIN)
    with proxied.app_context():
        db.create_all()
        _seed(proxied)
    visitor = proxied.test_client()
    headers = {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https"}
    for _attempt in range(2):
        text = visitor.get("/feed.atom", headers=headers).get_data(as_text=True)
        assert EVIL not in text and f"{ORIGIN}/honorees/host-1" in text
    forwarded_only = visitor.get("/feed.atom", headers={"X-Forwarded-Host": EVIL})
    assert forwarded_only.status_code == 200
    assert EVIL not in forwarded_only.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        ("haoren.example.gov.cn", True),
        ("HAOREN.example.gov.cn:443", True),
        ("haoren.example.gov.cn.", True),
        ("127.0.0.1:5000", True),
        ("[::1]:8000", True),
        ("www.luohe.example", True),
        ("luohe.example", True),
        ("evil.example", False),
        ("haoren.example.gov.cn.evil.example", False),
        ("evilluohe.example", False),
        ("haoren.example.gov.cn@evil.example", False),
        ("haoren.example.gov.cn:99999", False),
        ("haoren.example.gov.cn/x", False),
        ("", False),
        (None, False),
    ],
)
def test_host_allowed_names_ports_and_domains(header, allowed):
    extra = ("127.0.0.1", "::1", ".luohe.example")
    assert host_allowed(header, ORIGIN, extra) is allowed


def test_host_allowed_star_allows_any_host():
    assert host_allowed("anything.example:81", ORIGIN, ("*",)) is True


@pytest.mark.parametrize(
    "value",
    [
        "haoren.example.gov.cn",
        "ftp://haoren.example",
        "https://",
        "https://x.cn/?a=1",
        "https://x.cn:99999",
        "https://user@x.cn",
    ],
)
def test_public_base_url_must_be_an_http_origin(value, tmp_path_factory):
    with pytest.raises(PublicBaseUrlError):
        parse_base_url(value)
    with pytest.raises(PublicBaseUrlError):
        make_test_app(tmp_path_factory, PUBLIC_BASE_URL=value)


def test_public_base_url_with_a_path_prefixes_every_absolute_url(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://www.luohe.example/haoren/")
    _seed(app)
    detail = client.get("/api/v1/honorees/host-1").get_json()
    assert detail["honoree"]["url"] == "https://www.luohe.example/haoren/honorees/host-1"
    openapi = client.get("/api/v1/openapi.json").get_json()
    assert openapi["servers"] == [{"url": "https://www.luohe.example/haoren"}]
