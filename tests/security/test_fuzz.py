"""Hypothesis fuzzing of every form of the app: no input makes the server answer 5xx.

The forms are not listed by hand: every GET route of the URL map is fetched (with ids that
exist in the arranged world, tests/security/world.py) as the roles that may see it, every
`<form>` on those pages is parsed, and each distinct `method="post"` form is posted
FUZZ_EXAMPLES times with generated values for its fields and a valid CSRF token (the GET
filter forms, FUZZ_GET_EXAMPLES times as query strings). The database is restored before
each form, so one form's accepted input does not change what the next form sees. The
test first checks that every POST route of the URL map has a form among them, apart from
the exclusions listed with their reasons. Regressions for what it found:
test_fuzz_regressions.py.
"""

from __future__ import annotations

import csv
import io
import operator
import os
import time
import traceback
import warnings
from collections import Counter
from datetime import date, datetime
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from app.extensions import limiter
from app.importer.services import COLUMNS
from tests import factories, figures
from tests.security.world import (
    Field,
    FormSpec,
    World,
    discover_forms,
    load_world,
    parse_forms,
)

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))  # per POST form
FUZZ_GET_EXAMPLES = 50  # per GET form (filters): their handlers are read-only
# POST routes not fuzzed through a page form, and why.
EXCLUDED = {
    "accounts.logout": "ends the fuzzing client's session on every example; its CSRF check "
    "is in tests/test_csrf.py and the session it ends in tests/security/test_sessions.py",
    "staff.orgs.import_confirm": "posts only the token of a dry run kept in the session; forged "
    "and replayed tokens are tests/orgs/test_import.py::"
    "test_confirm_with_a_forged_token_imports_nothing",
}
# POST routes whose form is on a page reached with a query string: role, URL template
# filled from the world's samples.
QUERY_PAGES = {
    "staff.registry.merge": ("staff", "/staff/honorees/{target}/merge?source={source}"),
}
# POST routes called by the pages' scripts rather than by a <form>: role, URL, fields.
SCRIPT_FORMS = {
    "nominations.preview": ("nominator", "/nominations/preview", [Field("text", "textarea")]),
}

SPECIAL_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2147483648",
    "-9223372036854775809",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "inf",
    "0x1F",
    "2026-11-02",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-11-02T10:00",
    "0001-01-01T00:00",  # Beijing time before the first UTC day
    "0001-01-01T00:00+08:00",
    "2026-11-02 10:00:00+08:00",
    "10:61",
    "None",
    "null",
    "true",
    "y",
    "\x00",
    "a\x00b",
    "\r\n",
    "\u202e\u200b\ufeff",
    "<script>alert(1)</script>",
    "' OR '1'='1' --",
    "%s%n%x",
    "{{ 7*7 }}",
    "../../../etc/passwd",
    "411102198005121234",
    "41110219800512123X",
    "13812345678",
    "长" * 71,
    "😀𠀀",
    "²",  # str.isdigit() says yes, int() says no
    "٣",
    "３",
]
LONG_UNITS = ["a", "长", "\x00", "9", "<", "😀", " "]
# Long strings are as long as a field's or a column's limit, or one more: the lengths where
# a validator and the database may disagree (the forms' largest maximum is 5,000).
LIMITS = (20, 30, 60, 70, 80, 100, 120, 200, 255, 500, 1000, 2000, 4000, 5000)
LONG_LENGTHS = sorted({n + extra for n in LIMITS for extra in (0, 1)})


def text_values(huge: bool = True) -> st.SearchStrategy[str]:
    """Text as a browser (or an attacker) may send it. `huge`: one long string in thirty is
    200,000 characters, past the form parser's 500 kB field limit (→ 413); multipart forms
    go without, as werkzeug leaves the parts it already spooled unclosed when it gives up."""
    lengths = st.sampled_from(LONG_LENGTHS)
    if huge:
        lengths = st.sampled_from([*LONG_LENGTHS, 200_000])
    return st.one_of(
        st.sampled_from(SPECIAL_TEXT),
        st.text(max_size=30),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=600),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats().map(str),
        st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
        st.datetimes(min_value=datetime(1, 1, 1)).map(lambda d: d.isoformat(timespec="minutes")),
        st.builds(operator.mul, st.sampled_from(LONG_UNITS), lengths),
    )


def _csv_with_rows(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([names[0] for names in COLUMNS.values()])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


SAMPLE_FILES = [
    factories.jpeg_bytes(),
    factories.jpeg_bytes(exif_gps=True),
    b"%PDF-1.4\n%%EOF",
    b"\x89PNG\r\n\x1a\n",
    b"PK\x03\x04",
    "姓名,评选项目,期次\n".encode(),
]
file_bytes = st.one_of(
    st.binary(max_size=2048),
    st.sampled_from(SAMPLE_FILES),
    st.lists(
        st.lists(st.text(max_size=12) | st.sampled_from(SPECIAL_TEXT), min_size=len(COLUMNS)).map(
            lambda row: row[: len(COLUMNS)]
        ),
        min_size=1,
        max_size=4,
    ).map(_csv_with_rows),
)
file_names = st.one_of(
    st.sampled_from(["a.jpg", "a.png", "a.webp", "a.pdf", "a.xlsx", "a.csv", "a", "../../x.pdf"]),
    st.text(max_size=40),
    st.builds(operator.add, st.text(max_size=300), st.sampled_from([".pdf", ".csv", ".jpg"])),
)
uploads = st.tuples(file_bytes, file_names)


def field_values(spec: Field, huge: bool) -> st.SearchStrategy:
    """Values for one field: None leaves it out; a list sends it several times. A field
    with options gets one of them six times in ten (a plain `one_of` would mostly pick the
    text branch, which keeps producing new examples, and rarely pass validation)."""
    if spec.kind == "file":
        one = st.one_of(st.none(), uploads)
        return st.lists(uploads, max_size=3) if spec.multiple else one
    text = text_values(huge)
    if spec.options:
        options = st.sampled_from(spec.options)
        choices = st.integers(0, 9).flatmap(lambda i: options if i < 6 else text)
    else:
        choices = text
    if spec.multiple:
        return st.lists(choices, max_size=6)
    return st.integers(0, 9).flatmap(lambda i: st.none() if i == 0 else choices)


def form_payloads(spec: FormSpec) -> st.SearchStrategy:
    """A dict of the form's fields, plus a few unexpected extra fields."""
    huge = not spec.multipart
    fields = st.fixed_dictionaries({f.name: field_values(f, huge) for f in spec.fields})
    extra = st.dictionaries(st.text(min_size=1, max_size=20), text_values(huge), max_size=2)
    return st.tuples(fields, extra)


def send(client, spec: FormSpec, payload) -> int:
    """Send one example the way the form would (POST body or GET query); the status."""
    fields, extra = payload
    data = MultiDict()
    for name, value in extra.items():
        data.add(name, value)
    files = False
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            if isinstance(item, tuple):
                data.add(name, FileStorage(io.BytesIO(item[0]), filename=item[1]))
                files = True
            else:
                data.add(name, item)
    if spec.method == "get":
        response = client.get(urlsplit(spec.action).path, query_string=data)
    elif spec.multipart or files:
        data["csrf_token"] = spec.csrf_token
        # Encoded in memory: werkzeug's client spools big bodies to a temp file it never
        # closes, which `filterwarnings = error` reports.
        body, _length, boundary = stream_encode_multipart(data, use_tempfile=False)
        response = client.post(
            spec.action,
            data=body.getvalue(),
            content_type=f"multipart/form-data; boundary={boundary}",
        )
    else:
        data["csrf_token"] = spec.csrf_token
        response = client.post(spec.action, data=data)
    response.get_data()  # a streamed page (the import) runs while it is read
    response.close()
    return response.status_code


def fuzz_form(world: World, spec: FormSpec, statuses: Counter, examples: int) -> None:
    client = world.clients[spec.role]
    # Each example starts from the session the form was found in: nobody follows the
    # redirects that would show their flash messages, which would outgrow the cookie.
    cookie = client.get_cookie("session")
    session = cookie.value if cookie is not None else None

    @settings(
        max_examples=examples,
        deadline=None,
        # The same examples every run, so CI is repeatable; FUZZ_RANDOM=1 explores anew.
        derandomize=os.environ.get("FUZZ_RANDOM") != "1",
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(form_payloads(spec))
    def run(payload) -> None:
        if session is not None:
            client.set_cookie("session", session)
        status = send(client, spec, payload)
        statuses[status] += 1
        assert status < 500, (spec.endpoint, status)

    with warnings.catch_warnings():
        # A failing example holding a 200,000-character string would otherwise end in this
        # warning (an error here) instead of the server's exception.
        warnings.filterwarnings("ignore", "Generating overly large repr", HypothesisWarning)
        run()


def discover(world: World) -> dict[tuple, FormSpec]:
    found, _pages = discover_forms(world)
    values = {"target": world.samples["honoree_id"][-1], "source": world.samples["slug"][0]}
    for endpoint, (role, template) in QUERY_PAGES.items():
        page = template.format(**values)
        html = world.clients[role].get(page).get_data(as_text=True)
        for spec in parse_forms(html, page, role, world.app):
            if spec.endpoint == endpoint:
                found[spec.key] = spec
    for endpoint, (role, url, fields) in SCRIPT_FORMS.items():
        token = next(s.csrf_token for s in found.values() if s.role == role and s.csrf_token)
        spec = FormSpec(role, url, url, endpoint, False, token, fields)
        found[spec.key] = spec
    return {key: spec for key, spec in found.items() if spec.endpoint not in EXCLUDED}


def test_every_form_survives_fuzzing(app):
    world = load_world(app)
    forms = discover(world)
    posts = [s for s in forms.values() if s.method == "post"]
    gets = [s for s in forms.values() if s.method == "get"]

    # Every POST route of the URL map has a form among them, but the listed exclusions.
    post_endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or set())
    }
    assert set(EXCLUDED) <= post_endpoints
    assert post_endpoints - set(EXCLUDED) - {spec.endpoint for spec in posts} == set()
    assert len(gets) >= 5  # the filters of the roll, queue, audit log, cycles, aid report

    statuses = {"post": Counter(), "get": Counter()}
    failures = []
    started = time.monotonic()
    limiter.enabled = False  # 429s would hide the forms behind them (objection: 5 per hour)
    try:
        for spec in sorted(forms.values(), key=lambda s: (s.method, s.endpoint, s.action)):
            world.restore()
            counter = statuses[spec.method]
            examples = FUZZ_EXAMPLES if spec.method == "post" else FUZZ_GET_EXAMPLES
            before = counter.total()
            try:
                fuzz_form(world, spec, counter, examples)
            except Exception:  # noqa: BLE001 - collect every form's failure, then report
                failures.append(f"{spec.endpoint} {spec.action}:\n{traceback.format_exc()}")
            else:
                assert counter.total() - before >= examples, spec.endpoint
    finally:
        limiter.enabled = True
        world.close()
    server_errors = len(failures) + sum(
        n for counter in statuses.values() for code, n in counter.items() if code >= 500
    )
    figures.record(
        "fuzz",
        forms=len(posts),
        examples=statuses["post"].total(),
        get_forms=len(gets),
        get_examples=statuses["get"].total(),
        server_errors=server_errors,
        seconds=round(time.monotonic() - started, 1),
    )
    assert failures == [], "\n\n".join(failures)
    assert server_errors == 0
