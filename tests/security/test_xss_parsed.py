"""Issue 8: every XSS payload through every user-text field, checked on the parsed pages.

Each round seeds the fields (tests/security/xss.py) and fetches every page that shows
them with the test client: public, staff, nominator and committee HTML, the JSON API,
the Markdown preview and the Atom feed. HTML is parsed (BeautifulSoup, html.parser) and
the tree must hold no script but the app's own, no on* attribute, no style attribute, no
javascript:/vbscript:/data: URL, no frame, object, embed, base, meta refresh, style, math
or SVG of user origin; each seeded value must still be there as text (Markdown as the
sanitizer's output). JSON and Atom must parse and carry the values intact.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.core.markdown import ALLOWED_TAGS, render_markdown
from app.extensions import db
from app.nominations.models import NominationNote, PublicRecommendation
from app.notice.models import Objection
from app.orgs.models import Organisation, OrgKind
from tests import factories, figures
from tests.conftest import login
from tests.security import xss

PAYLOADS = xss.load_payloads()
SLOTS = 17
ROUNDS = xss.rounds_needed(len(PAYLOADS), SLOTS)

URL_ATTRIBUTES = frozenset(
    {
        "action",
        "background",
        "cite",
        "codebase",
        "data",
        "dynsrc",
        "formaction",
        "href",
        "icon",
        "longdesc",
        "lowsrc",
        "manifest",
        "ping",
        "poster",
        "src",
        "srcset",
        "usemap",
        "xlink:href",
    }
)
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
# Never in the app's own markup, so any of them would come from user text.
FORBIDDEN_TAGS = frozenset(
    {
        "animate",
        "applet",
        "audio",
        "base",
        "embed",
        "foreignobject",
        "frame",
        "frameset",
        "iframe",
        "isindex",
        "marquee",
        "math",
        "noscript",
        "object",
        "plaintext",
        "portal",
        "set",
        "source",
        "style",
        "template",
        "video",
        "xmp",
    }
)
# The app's own SVG (statistics charts, the QR code) sits in a <figure> and uses these.
SVG_PARTS = frozenset({"title", "desc", "g", "text", "rect", "path"})
# How a browser reads a URL (WHATWG): leading and trailing C0 controls and spaces are
# trimmed, tabs and newlines anywhere are removed; what is left names the scheme.
URL_TRIM = "".join(chr(c) for c in range(0x21))
URL_REMOVED = re.compile(r"[\t\n\r]")
_rounds_done: set[int] = set()


def _scheme_is_bad(value: str) -> bool:
    return URL_REMOVED.sub("", value.strip(URL_TRIM)).lower().startswith(BAD_SCHEMES)


def _in_head(tag) -> bool:
    return any(parent.name == "head" for parent in tag.parents)


class _Where:
    """A tag's markup for messages, serialised only when a message is written."""

    def __init__(self, tag) -> None:
        self.tag = tag

    def __format__(self, spec: str) -> str:
        return repr(str(self.tag)[:160])


@dataclass
class Parsed:
    """One walk over a parsed tree: what could run, the texts shown, the Markdown blocks."""

    problems: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # text nodes and attribute values
    stories: list[str] = field(default_factory=list)  # text of each rendered Markdown block
    json_ld: list[dict] = field(default_factory=list)


def parse_html(markup: str, *, document: bool = True) -> Parsed:
    """Parse with html.parser and check every element and attribute (problems empty = safe)."""
    soup = BeautifulSoup(markup, "html.parser")
    found = Parsed(texts=[str(s) for s in soup.find_all(string=True)])
    problems = found.problems
    for tag in soup.find_all(True):
        name = tag.name.lower()
        where = _Where(tag)
        if name in FORBIDDEN_TAGS:
            problems.append(f"forbidden element {where}")
        elif name == "script":
            own_file = tag.get("src", "").startswith("/static/") and not tag.get_text()
            json_ld = tag.get("type") == "application/ld+json" and document and _in_head(tag)
            if json_ld:
                found.json_ld.append(json.loads(tag.get_text()))  # still one JSON value
            elif not own_file:
                problems.append(f"script {where}")
        elif name == "svg":
            if tag.parent is None or tag.parent.name != "figure":
                problems.append(f"svg outside the app's figures {where}")
            strays = {t.name for t in tag.find_all(True)} - SVG_PARTS
            if strays:
                problems.append(f"svg holds {sorted(strays)} {where}")
        elif (name == "meta" and tag.has_attr("http-equiv")) or (
            name == "link" and not _in_head(tag)
        ):
            problems.append(f"{name} {where}")
        for attr, raw in tag.attrs.items():
            value = " ".join(raw) if isinstance(raw, list) else str(raw)
            found.texts.append(value)
            attr = attr.lower()
            if attr.startswith("on"):
                problems.append(f"event handler {attr} on {where}")
            elif attr in {"style", "srcdoc"}:
                problems.append(f"{attr} attribute on {where}")
            elif attr in URL_ATTRIBUTES and _scheme_is_bad(value):
                problems.append(f"{attr}={value!r} on {where}")
            elif attr == "class" and ("story" in raw or "preview-body" in raw):
                found.stories.append(tag.get_text())
                strays = {t.name for t in tag.find_all(True)} - ALLOWED_TAGS
                if strays:
                    problems.append(f"Markdown output holds {sorted(strays)} {where}")
    if not document:
        found.stories.append(soup.get_text())
    return found


def _markdown_text(source: str) -> str:
    return BeautifulSoup(str(render_markdown(source)), "html.parser").get_text()


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return []


def missing(parsed: Parsed, page: xss.Page, seeded: xss.Round) -> list[str]:
    """Seeded values the page should show but does not: as text or an attribute value, or
    (Markdown) as the text of the sanitizer's rendering."""
    absent = []
    for slot, key in page.expect:
        value = seeded.value(slot, key)
        if key in xss.MARKDOWN_FIELDS and not page.verbatim:
            shown = _markdown_text(value) in parsed.stories
        else:
            shown = any(value in text for text in parsed.texts)
        if not shown:
            absent.append(f"missing {key}[{slot}]={value!r}")
    return absent


def check_html(body: str, page: xss.Page, seeded: xss.Round) -> list[str]:
    parsed = parse_html(body)
    problems = parsed.problems + missing(parsed, page, seeded)
    slug = page.path.rsplit("/", 1)[-1]
    if slug.startswith("xss-") and not slug.startswith("xss-g-"):
        name = seeded.value(int(slug.removeprefix("xss-")), "honoree.name")
        if [data["name"] for data in parsed.json_ld] != [name]:
            problems.append(f"JSON-LD names {[d['name'] for d in parsed.json_ld]!r}")
    return problems


def check_json(response, page: xss.Page, seeded: xss.Round) -> list[str]:
    if response.mimetype != "application/json":
        return [f"JSON served as {response.mimetype}"]
    data = json.loads(response.get_data(as_text=True))
    if "html" in data:  # the Markdown preview: a fragment the page puts in innerHTML
        fragment = parse_html(data["html"], document=False)
        return fragment.problems + missing(fragment, page, seeded)
    strings = _strings(data)
    return [
        f"missing {key}[{slot}]"
        for slot, key in page.expect
        if not any(seeded.value(slot, key) in s for s in strings)
    ]


def check_atom(response, page: xss.Page, seeded: xss.Round) -> list[str]:
    if response.mimetype != "application/atom+xml":
        return [f"Atom served as {response.mimetype}"]
    root = ET.fromstring(response.data)
    problems = [
        f"{element.tag} of type {element.get('type')}"
        for element in root.iter()
        if element.get("type") in {"html", "xhtml"}  # feed readers would render it
    ]
    texts = [element.text or "" for element in root.iter()]
    problems += [
        f"missing {key}[{slot}]"
        for slot, key in page.expect
        if not any(seeded.value(slot, key) in text for text in texts)
    ]
    return problems


def _token(client, path: str) -> str:
    soup = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    field = soup.find("input", attrs={"name": "csrf_token"}) or soup.find(
        "meta", attrs={"name": "csrf-token"}
    )
    assert field is not None, f"no CSRF token on {path}"
    return field.get("value") or field["content"]


def fetch(client, page: xss.Page, tokens: dict):
    environ = {"REMOTE_ADDR": page.remote_addr} if page.remote_addr else {}
    if page.method == "POST":
        if client not in tokens:  # one token per session serves every form
            tokens[client] = _token(client, page.token_from)
        data = {**(page.data or {}), "csrf_token": tokens[client]}
        return client.post(page.path, data=data, follow_redirects=True, environ_base=environ)
    return client.get(page.path, environ_base=environ)


def check_round(app, seeded: xss.Round) -> dict[str, list[str]]:
    clients = {"anon": app.test_client()}
    for who, username in seeded.usernames.items():
        clients[who] = app.test_client()
        assert login(clients[who], username).status_code == 302, who
    failures: dict[str, list[str]] = {}
    tokens: dict = {}
    for page in seeded.pages:
        response = fetch(clients[page.who], page, tokens)
        if response.status_code != 200:
            problems = [f"status {response.status_code}"]
        elif page.kind == "json":
            problems = check_json(response, page, seeded)
        elif page.kind == "atom":
            problems = check_atom(response, page, seeded)
        else:
            problems = check_html(response.get_data(as_text=True), page, seeded)
        if problems:
            failures[f"{page.who} {page.method} {page.path}"] = problems
    return failures


def test_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 60
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    text = "\n".join(PAYLOADS).lower()
    for kind in ("<script", "onerror=", "javascript:", "data:", "vbscript:", "&#", "<svg"):
        assert kind in text, kind
    for kind in ("<math", "<iframe", "<object", "<embed", "<base", "http-equiv", "{{7*7}}"):
        assert kind in text, kind
    assert any("\n" in p for p in PAYLOADS) and any("](" in p for p in PAYLOADS)


def test_every_field_is_checked_on_some_page(app, tmp_path):
    with app.app_context():
        seeded = xss.seed_round(0, PAYLOADS, slots=2, upload_root=tmp_path)
    assert xss.covered_fields(seeded.pages) == {f.key for f in xss.FIELDS}
    trials = {
        (xss.payload_index(r, s, f.key, len(PAYLOADS), SLOTS), f.key)
        for r in range(ROUNDS)
        for s in range(SLOTS)
        for f in xss.FIELDS
    }
    assert len(trials) == len(PAYLOADS) * len(xss.FIELDS)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_payloads_render_inert(app, round_):
    with app.app_context():
        root = Path(app.instance_path) / "uploads"
        seeded = xss.seed_round(round_, PAYLOADS, slots=SLOTS, upload_root=root)
    failures = check_round(app, seeded)
    assert not failures, _report(failures, seeded)
    _rounds_done.add(round_)
    if len(_rounds_done) == ROUNDS:
        figures.record(
            "xss",
            payloads=len(PAYLOADS),
            fields=len(xss.FIELDS),
            trials=len(PAYLOADS) * len(xss.FIELDS),
            pages_per_round=len(seeded.pages),
            executed=0,
        )


PADDING = "（以上为测试输入，事迹属实，请核实。）"


def _form_values(payload: str) -> dict[str, str]:
    """The public recommendation form filled with one payload in every text field."""
    return {
        "channel": "public",
        "kind": "individual",
        "candidate_name": payload[:100],
        "district_id": "",
        "unit": payload[:100],
        "headline": payload[:70],
        "story": payload + PADDING,
        "recommender_name": payload[:60],
        "recommender_phone": "13800000000",
        "relationship_note": payload[:60],
        "truthful": "y",
    }


def _shown(markup: str, values: list[str]) -> list[str]:
    parsed = parse_html(markup)
    return parsed.problems + [
        f"missing {value!r}" for value in values if not any(value in t for t in parsed.texts)
    ]


def _typed_records(app, review: int) -> dict[str, list[tuple[int, str]]]:
    """What the forms stored: (id, text) of each record filed in the forms test."""
    with app.app_context():
        queries = {
            "recommendations": sa.select(PublicRecommendation.id, PublicRecommendation.story)
            .where(PublicRecommendation.reference.not_like("RXSS%"))
            .order_by(PublicRecommendation.id),
            "objections": sa.select(Objection.id, Objection.content)
            .where(Objection.reference.not_like("YXSS%"))
            .order_by(Objection.id),
            "notes": sa.select(NominationNote.id, NominationNote.body)
            .where(NominationNote.nomination_id == review)
            .order_by(NominationNote.id)
            .offset(1),  # the seeded note comes first
            "organisations": sa.select(Organisation.id, Organisation.name)
            .where(Organisation.code.like("xss-form-%"))
            .order_by(Organisation.id),
        }
        return {kind: db.session.execute(q).tuples().all() for kind, q in queries.items()}


def test_payloads_typed_into_the_forms_are_kept_and_inert(app, tmp_path):
    """Through the real forms: public recommendation (refused once, so the form echoes the
    input), objection, internal note and organisation (its flash message names it); stored
    as typed (trimmed), and every staff page showing them stays inert."""
    with app.app_context():
        seeded = xss.seed_round(0, PAYLOADS, slots=1, upload_root=tmp_path)
        parent = factories.make_org(name="表单测试区", kind=OrgKind.DISTRICT).id
    public, staff = app.test_client(), app.test_client()
    assert login(staff, seeded.usernames["staff"]).status_code == 302
    token, staff_token = _token(public, "/recommend"), _token(staff, "/staff/")
    notice, review = seeded.ids["notice"][0], seeded.ids["review"][0]
    problems = []
    for number, payload in enumerate(PAYLOADS):
        public.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"  # 5 a hour each
        fields = {**_form_values(payload), "csrf_token": token}
        echoed = public.post("/recommend", data={**fields, "truthful": ""})
        problems += _shown(echoed.get_data(as_text=True), [payload[:70].strip()])
        assert public.post("/recommend", data=fields).status_code == 200
        objection = {"nomination_id": str(notice), "content": payload + PADDING}
        sent = public.post("/notice/objection", data={**objection, "csrf_token": token})
        assert sent.status_code == 200
        note = {"body": payload, "csrf_token": staff_token}
        assert staff.post(f"/staff/nominations/{review}/notes", data=note).status_code == 302
        org = {
            "name": payload[:100],
            "code": f"xss-form-{number}",
            "kind": "work_unit",
            "parent_id": str(parent),
            "csrf_token": staff_token,
        }
        assert staff.post("/staff/organisations/", data=org).status_code == 302
        flashed = staff.get("/staff/honorees/")  # a small page showing the flash message
        problems += _shown(flashed.get_data(as_text=True), [payload[:100].strip()])
    stored = _typed_records(app, review)
    typed = [(p + PADDING).strip() for p in PAYLOADS]
    assert [text for _id, text in stored["recommendations"]] == typed
    assert [text for _id, text in stored["objections"]] == typed
    assert [text for _id, text in stored["notes"]] == [p.strip() for p in PAYLOADS]
    assert [text for _id, text in stored["organisations"]] == [p[:100].strip() for p in PAYLOADS]
    pages = [
        ("/staff/recommendations/", [p[:70].strip() for p in PAYLOADS]),
        ("/staff/objections/?status=all", []),
        (f"/staff/nominations/{review}", [p.strip() for p in PAYLOADS]),
        ("/staff/organisations/", [p[:100].strip() for p in PAYLOADS]),
        *((f"/staff/recommendations/{i}", [text]) for i, text in stored["recommendations"]),
        *((f"/staff/objections/{i}", [text]) for i, text in stored["objections"]),
    ]
    for path, values in pages:
        response = staff.get(path)
        assert response.status_code == 200, path
        problems += [f"{path}: {p}" for p in _shown(response.get_data(as_text=True), values)]
    assert problems == [], "\n".join(problems[:30])


def _report(failures: dict[str, list[str]], seeded: xss.Round) -> str:
    lines = [f"round {seeded.index}: {len(failures)} responses failed"]
    for where, problems in list(failures.items())[:20]:
        lines.append(where)
        lines += [f"    {p}" for p in problems[:8]]
    return "\n".join(lines)
