"""`?lang=en` shows English on every page: no Chinese UI string is left in the HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.accounts.models import Role

PO = Path(__file__).resolve().parent.parent / "app/translations/zh/LC_MESSAGES/messages.po"


@pytest.fixture(scope="module")
def chinese_ui_strings() -> list[str]:
    with open(PO, "rb") as fh:
        catalog = read_po(fh)
    texts = []
    for message in catalog:
        if message.id and isinstance(message.string, str):
            plain = message.string.split("%(")[0].strip("。：，、 ")
            if len(plain) >= 4:
                texts.append(plain)
    return texts


PAGES = [
    "/",
    "/account/password",
    "/admin/users",
    "/admin/users/new",
    "/staff/organisations/",
    "/staff/",
    "/no-such-page",
]


def test_every_page_in_english(app, login_as, chinese_ui_strings):
    admin = login_as(Role.ADMIN, Role.STAFF)
    anonymous = app.test_client()
    pages = [(admin, url) for url in PAGES] + [(anonymous, "/login")]
    for client, url in pages:
        html = client.get(url + "?lang=en").get_data(as_text=True)
        assert '<html lang="en">' in html, url
        leftovers = [text for text in chinese_ui_strings if text in html]
        assert leftovers == [], url


def test_every_page_in_chinese_by_default(app, login_as):
    admin = login_as(Role.ADMIN, Role.STAFF)
    for url in PAGES:
        html = admin.get(url).get_data(as_text=True)
        assert '<html lang="zh-CN">' in html, url
        for english in ("Log out", "Skip to main content", "Home"):
            assert f">{english}<" not in html, (url, english)
