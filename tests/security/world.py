"""The arranged world the security suite walks: the demo data set (cycles in every phase,
nominations in every state, objections, recommendations, promotions, ledgers, committees)
and one logged-in test client per role; sample ids for every URL parameter; GET URLs
enumerated from the URL map; and the forms (POST, and GET filters) found on those pages.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from app.accounts.models import Role, User
from app.committee import ballots, queries, results
from app.demo.data import DEMO_PASSWORD
from app.demo.services import load_demo
from app.extensions import cache, db
from app.nominations.models import (
    Nomination,
    NominationAttachment,
    NominationPhoto,
    PublicRecommendation,
)
from app.nominations.workflow import NominationState
from app.notice.models import Objection
from app.orgs.models import OrgKind
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from app.promotions.models import Promotion
from app.registry.models import Honor, Honoree, HonorStatus
from tests import factories
from tests.committee.conftest import build
from tests.conftest import login

# Who asks, and as which account: demo accounts, plus the chair of an arranged cycle whose
# runoff ended tied again (the only state that shows the chair's decision form).
ROLES = {
    "anonymous": None,
    "nominator": "demo-nominator",
    "committee": "demo-committee",
    "chair": "tie-chair",
    "staff": "demo-staff",
    "admin": "demo-admin",
}
# The roles whose pages are walked per URL area (everyone else gets 302/403 there).
AREA_ROLES = {
    "/admin": ("admin",),
    "/staff": ("staff", "admin"),
    "/committee": ("committee", "chair"),
    "/nominations": ("nominator", "staff"),
    "/inbox": ("nominator",),
    "/account": ("nominator",),
    "": ("anonymous", "nominator"),
}
VICTIM = "security-victim"  # the only account the admin's edit form is pointed at
MAX_URLS_PER_RULE = 16
# Forms are never nested: slicing them out first keeps the HTML parser off the big pages.
FORM_RE = re.compile(r"<form\b([^>]*)>.*?</form>", re.S | re.I)
METHOD_RE = re.compile(r"""\bmethod\s*=\s*["']?(get|post)\b""", re.I)
PARAM = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


@dataclass
class World:
    app: Flask
    clients: dict[str, FlaskClient]
    samples: dict[str, list[str]]
    snapshot: sqlite3.Connection | None = None

    def restore(self) -> None:
        """Put the database back as it was after arranging (SQLite: the online backup API;
        other databases keep whatever the last form changed)."""
        if self.snapshot is None:
            return
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
            raw = sqlite3.connect(_sqlite_path(self.app))
            try:
                self.snapshot.backup(raw)
            finally:
                raw.close()
            cache.clear()

    def close(self) -> None:
        if self.snapshot is not None:
            self.snapshot.close()
            self.snapshot = None


def _sqlite_path(app: Flask) -> str | None:
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


def _first(stmt) -> list[str]:
    value = db.session.scalar(stmt.limit(1))
    return [] if value is None else [str(value)]


def _one_per(column, id_column, where=None) -> list[str]:
    """The smallest id for each distinct value of `column` (e.g. one cycle per phase)."""
    stmt = sa.select(sa.func.min(id_column)).group_by(column)
    if where is not None:
        stmt = stmt.where(where)
    return [str(v) for v in db.session.scalars(stmt)]


def _samples(nominator: User) -> dict[str, list[str]]:
    nominations = _one_per(Nomination.state, Nomination.id) + _one_per(
        Nomination.state, Nomination.id, Nomination.organisation_id == nominator.organisation_id
    )
    published = db.session.scalars(
        sa.select(Honor).where(Honor.status == HonorStatus.PUBLISHED).order_by(Honor.id).limit(1)
    ).first()
    cycle = db.session.scalars(
        sa.select(Cycle).where(Cycle.state == CyclePhase.PUBLISHED).order_by(Cycle.id).limit(1)
    ).first()
    nomination_ids = [int(n) for n in nominations]
    return {
        "cycle_id": _one_per(Cycle.state, Cycle.id),
        "nomination_id": sorted(set(nominations), key=int),
        "user_id": _first(sa.select(User.id).where(User.username == VICTIM)),
        "honoree_id": sorted(
            {str(published.honoree_id)}
            | set(_first(sa.select(Promotion.honoree_id).order_by(Promotion.id))),
            key=int,
        ),
        "honor_id": [str(published.id)],
        "slug": [db.session.get(Honoree, published.honoree_id).slug],
        "promotion_id": _first(sa.select(Promotion.id).order_by(Promotion.id)),
        "objection_id": _one_per(Objection.status, Objection.id),
        "recommendation_id": _one_per(PublicRecommendation.status, PublicRecommendation.id),
        "photo_id": _first(  # a photo the nominator may see: of their own unit's nomination
            sa.select(NominationPhoto.id)
            .join(Nomination, Nomination.id == NominationPhoto.nomination_id)
            .where(
                Nomination.id.in_(nomination_ids),
                Nomination.organisation_id == nominator.organisation_id,
            )
            .order_by(NominationPhoto.id)
        ),
        "attachment_id": _first(sa.select(NominationAttachment.id)),
        "program_code": [cycle.program.code],
        "period": [cycle.period],
        "key": ["by_category"],
    }


def _arrange_registry_hint(samples: dict[str, list[str]]) -> None:
    """A nominator's hint on a sample nomination in vetting: its page then shows the staff
    registry decision (the nomination beside the suggested record, with a link button)."""
    ids = [int(n) for n in samples["nomination_id"]]
    nomination = db.session.scalars(
        sa.select(Nomination)
        .where(Nomination.id.in_(ids), Nomination.state == NominationState.SUBMITTED)
        .order_by(Nomination.id)
        .limit(1)
    ).first()
    honoree = db.session.scalar(sa.select(Honoree).where(Honoree.slug == samples["slug"][0]))
    nomination.suggested_honoree_id = honoree.id
    db.session.commit()


def _arrange_tie() -> int:
    """A voting cycle whose runoff closed still tied: the chair's decision form is open."""
    arranged = build(members=5, candidates=3, quota=2)
    cycle = db.session.get(Cycle, arranged.cycle_id)
    members = {m.id: m for m in queries.roster(cycle)}
    a, b, c = arranged.candidate_ids

    def vote(choices) -> None:
        for member_id, chosen in zip(arranged.member_ids, choices, strict=True):
            ballot = ballots.BallotInput(approvals=list(chosen))
            ballots.submit_ballot(cycle, members[member_id], ballot, secret="s")

    vote([(a, b), (a, b), (a, c), (a, c), (b, c)])  # a wins; b and c tie for the last place
    results.open_runoff(cycle, actor=None)
    vote([(b,), (c,), (b,), (c,), ()])  # tied again
    results.close_runoff(cycle, actor=None)
    chair = db.session.get(User, members[arranged.member_ids[0]].user_id)
    chair.username = ROLES["chair"]
    db.session.commit()
    return cycle.id


def _arrange_organisations() -> list[str]:
    """A unit whose nominator never logged in (its page offers new initial passwords) and a
    deactivated unit (its page offers reactivation)."""
    fresh = factories.make_org(name="未登录测试社区")
    factories.make_user(Role.NOMINATOR, organisation=fresh)
    closed = factories.make_org(name="已停用测试单位", kind=OrgKind.WORK_UNIT)
    closed.is_active = False
    db.session.commit()
    return [str(fresh.id), str(closed.id)]


def load_world(app: Flask) -> World:
    """Load the demo data, log every role in, snapshot the database (SQLite)."""
    with app.app_context():
        load_demo(
            upload_root=Path(app.instance_path) / "uploads",
            receipt_secret=app.config["SECRET_KEY"],
        )
        db.session.commit()
        tie_cycle = _arrange_tie()
        factories.make_user(Role.STAFF, username=VICTIM)
        nominator = db.session.scalar(sa.select(User).where(User.username == ROLES["nominator"]))
        samples = _samples(nominator)
        samples["cycle_id"].append(str(tie_cycle))
        _arrange_registry_hint(samples)
        samples["org_id"] = _arrange_organisations()
    clients = {}
    for role, username in ROLES.items():
        client = app.test_client()
        if username is not None:
            password = factories.DEFAULT_PASSWORD if role == "chair" else DEMO_PASSWORD
            response = login(client, username, password)
            assert response.status_code == 302, (role, response.status_code)
        clients[role] = client
    world = World(app=app, clients=clients, samples=samples)
    path = _sqlite_path(app)
    if path is not None:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        world.snapshot = sqlite3.connect(":memory:")
        source = sqlite3.connect(path)
        try:
            source.backup(world.snapshot)
        finally:
            source.close()
    return world


# --- URLs ---------------------------------------------------------------------------------


def get_rules(app: Flask) -> list:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or set()) and rule.endpoint != "static"
        ),
        key=lambda rule: rule.rule,
    )


def urls_for(rule, samples: dict[str, list[str]]) -> list[str]:
    """Every combination of sample values for the rule's parameters (capped)."""
    names = [m.group(3) for m in PARAM.finditer(rule.rule)]
    choices = [samples.get(name) or ["1"] for name in names]
    urls = []
    for combo in itertools.islice(itertools.product(*choices), MAX_URLS_PER_RULE):
        values = iter(combo)
        urls.append(PARAM.sub(lambda _m, values=values: next(values), rule.rule))
    return urls


def area_of(url: str) -> str:
    for prefix in AREA_ROLES:
        if prefix and (url == prefix or url.startswith(prefix + "/")):
            return prefix
    return ""


def endpoint_of(app: Flask, url: str, method: str = "POST") -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(url).path, method=method)
    except HTTPException:
        return None
    return endpoint


# --- forms --------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, hidden, checkbox, radio, file, button
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class FormSpec:
    role: str
    page: str
    action: str
    endpoint: str
    multipart: bool
    csrf_token: str
    fields: list[Field]
    method: str = "post"

    @property
    def key(self) -> tuple:
        return (self.method, self.endpoint, tuple(sorted(f.name for f in self.fields)))


def parse_forms(html: str, page: str, role: str, app: Flask) -> Iterator[FormSpec]:
    """The forms of a page (POST, and GET filters); a form whose buttons carry `formaction`
    is one form per target (the vetting decision form posts to return, reject or withdraw)."""
    for match in FORM_RE.finditer(html):
        method = METHOD_RE.search(match.group(1))
        method = method.group(1).lower() if method else "get"
        form = BeautifulSoup(match.group(0), "html.parser").form
        submits = [
            control
            for control in form.find_all(["button", "input"])
            if control.name == "button" or (control.get("type") or "").lower() == "submit"
        ]
        targets = {c["formaction"] for c in submits if c.get("formaction")}
        if not targets or any(not c.get("formaction") for c in submits):
            targets.add(form.get("action") or page)
        for action in sorted(targets):
            spec = _parse_form(form, method, action, page, role, app)
            if spec is not None:
                yield spec


def _parse_form(form, method, action, page, role, app) -> FormSpec | None:
    endpoint = endpoint_of(app, action, method.upper())
    if endpoint is None:
        return None
    fields: dict[str, Field] = {}
    token = ""
    for control in form.find_all(["input", "textarea", "select", "button"]):
        name = control.get("name")
        if not name:
            continue
        if name == "csrf_token":
            token = control.get("value", "")
            continue
        kind = _kind(control)
        known = fields.setdefault(name, Field(name, kind))
        if control.name == "select":
            known.options += [o.get("value", o.get_text()) for o in control.find_all("option")]
            known.multiple = control.has_attr("multiple")
        elif kind in {"checkbox", "radio", "hidden", "button"}:
            known.options.append(control.get("value", "on"))
            known.multiple = kind == "checkbox" and len(known.options) > 1
        elif kind == "file":
            known.multiple = control.has_attr("multiple")
    return FormSpec(
        role=role,
        page=page,
        action=action,
        endpoint=endpoint,
        multipart=(form.get("enctype") or "").lower() == "multipart/form-data",
        csrf_token=token,
        fields=list(fields.values()),
        method=method,
    )


def _kind(control) -> str:
    if control.name in {"textarea", "select"}:
        return control.name
    if control.name == "button":
        return "button"
    kind = (control.get("type") or "text").lower()
    if kind in {"checkbox", "radio", "hidden", "file"}:
        return kind
    if kind in {"submit", "image", "reset"}:
        return "button"
    return "text"  # text, password, date, number, tel, email, search, url, ...


def discover_forms(world: World) -> tuple[dict[tuple, FormSpec], int]:
    """Every distinct form on every GET page, as the first role that sees it."""
    forms: dict[tuple, FormSpec] = {}
    pages = 0
    for rule in get_rules(world.app):
        for url in urls_for(rule, world.samples):
            for role in AREA_ROLES[area_of(url)]:
                response = world.clients[role].get(url)
                pages += 1
                if response.status_code != 200 or response.mimetype != "text/html":
                    response.close()
                    continue
                html = response.get_data(as_text=True)
                for spec in parse_forms(html, url, role, world.app):
                    forms.setdefault(spec.key, spec)
    return forms, pages
