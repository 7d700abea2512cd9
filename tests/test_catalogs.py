"""Both message catalogs are complete: every string of the UI is translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "app" / "translations"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_catalog_complete(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    with open(TRANSLATIONS / "messages.pot", "rb") as fh:
        template = read_po(fh)
    missing = [m.id for m in template if m.id and m.id not in catalog]
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []
    assert untranslated == []


def test_chinese_catalog_is_chinese():
    with open(TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if message.id and any(ch.isalpha() for ch in str(message.id)):
            text = message.string if isinstance(message.string, str) else message.string[0]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text) or text == message.id, message.id
