"""Phase × route sweep over every state-changing route of the app (enumerated, so none can
escape): an action that does not belong to the cycle's phase is refused by the server and
leaves every table as it was, whatever the page shows or hides (issue 12).

PHASES says, per route (and per action of a route with several), in which phases it is
allowed. For each phase the test builds a cycle in that phase holding the objects the route
acts on, in the state the route expects, and posts as the role that may use the route.
Where the row allows the phase, the request must change the database (which proves the
arrangement is right); everywhere else it must be refused (4xx, a flashed error or a form
error) with every row of every table unchanged. Routes that act on no cycle are listed in
NOT_PHASED with what guards them instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.committee.models import Ballot, CommitteeMember, Runoff
from app.core.forms import LocalDateTimeField
from app.db_types import utcnow
from app.extensions import db, limiter
from app.nominations.models import Channel, Nomination
from app.nominations.workflow import NominationState
from app.notice.models import Objection
from app.programs.models import Cadence, Cycle
from app.programs.workflow import CyclePhase
from app.recommendations import services as recommendations
from app.review.models import Like
from app.staff.forms import DATE_LABELS
from tests import factories
from tests.conftest import csrf_token, login
from tests.test_csrf import _state_changing_urls

P = CyclePhase
ALL = frozenset(CyclePhase)
VETTING = frozenset({P.NOMINATING, P.VETTING})
BEFORE_VOTING = frozenset({P.DRAFT, P.NOMINATING, P.VETTING, P.PUBLIC_REVIEW})
# fmt: off
# route (endpoint or endpoint:action)      allowed phases
PHASES = {
    "staff.vetting.shortlist":                     VETTING,
    "staff.vetting.qualify":                       VETTING,
    "staff.vetting.bulk_qualify":                  VETTING,
    "staff.vetting.decide:return":                 VETTING,
    "staff.vetting.decide:reject":                 VETTING | {P.PUBLIC_REVIEW},
    "staff.vetting.decide:withdraw":               VETTING | {P.PUBLIC_REVIEW},
    "staff.vetting.add_check":                     VETTING | {P.PUBLIC_REVIEW},
    "staff.vetting.add_note":                      ALL,
    "staff.cycle":                           ALL - {P.PUBLISHED, P.CLOSED},
    "staff.move:closed":                     frozenset({P.DRAFT, P.VETTING, P.PUBLISHED}),
    "staff.committee_admin.manage:add":            BEFORE_VOTING,
    "staff.committee_admin.manage:remove":         BEFORE_VOTING,
    "staff.committee_admin.results:apply":         frozenset({P.VOTING}),
    "staff.committee_admin.results:runoff":        frozenset({P.VOTING}),
    "staff.committee_admin.results:close_runoff":  frozenset({P.VOTING}),
    "committee.ballot":                      frozenset({P.VOTING}),
    "committee.conflict":                    frozenset({P.VOTING}),
    "committee.chair_results":               frozenset({P.VOTING}),
    "review.like":                           frozenset({P.PUBLIC_REVIEW}),
    "staff.review_admin.report":                   frozenset({P.PUBLIC_REVIEW}),
    "notice.objection":                      frozenset({P.NOTICE}),
    "staff.objections.detail":                     frozenset({P.NOTICE}),
    "staff.honors_admin.publish":                  frozenset({P.NOTICE}),
    "staff.recommendations.detail":                frozenset({P.NOMINATING}),
}
# fmt: on
NOT_PHASED = {
    "accounts.login": "no cycle",
    "accounts.logout": "no cycle",
    "accounts.change_password": "the user's own account",
    "admin.edit_user": "accounts: admin only (tests/admin)",
    "admin.new_user": "accounts: admin only (tests/admin)",
    "staff.orgs.index": "organisations: the tree, no cycle (tests/orgs)",
    "staff.orgs.edit": "organisations: the tree, no cycle (tests/orgs)",
    "staff.orgs.move": "organisations: the tree, no cycle (tests/orgs)",
    "staff.orgs.deactivate": "organisations: the tree, no cycle (tests/orgs)",
    "staff.orgs.reactivate": "organisations: the tree, no cycle (tests/orgs)",
    "staff.orgs.issue_passwords": "accounts of a unit, no cycle (tests/orgs)",
    "staff.orgs.import_upload": "dry run only reads, no cycle (tests/orgs)",
    "staff.orgs.import_confirm": "the organisation import, no cycle (tests/orgs)",
    "notifications.mark_read": "the user's own inbox",
    "nominations.preview": "renders Markdown, stores nothing",
    "nominations.new": "nominator windows: create_nomination (tests/nominations)",
    "nominations.edit": "nominator windows: editable states (tests/nominations)",
    "nominations.withdraw": "nominator: withdrawable states (tests/nominations)",
    "recommend.recommend": "public recommendation, before any cycle",
    "staff.recommendations.reject": "the recommendation's own state (pending)",
    "staff.schedule": "creates the due cycles, idempotent",
    "staff.programs_admin.create": "a program, no cycle (tests/programs/test_program_admin.py)",
    "staff.programs_admin.edit": "a program: cycles past nominations keep their rules snapshot",
    "staff.vetting.export": "an export: writes only its audit event",
    "staff.vetting.link_registry": (
        "the nomination's state, submitted to in notice (registry tests)"
    ),
    "staff.importer.upload": "historical honors, no cycle",
    "staff.promotions.recommend": "registry record: refused once every honor is revoked",
    "staff.promotions.outcome": "the promotion's own state (pending)",
    "staff.promotions.external_honor": "external honors, no local cycle",
    "staff.courtesy.ledger": "registry record: no card or aid once every honor is revoked",
    "staff.honors_admin.manage_honoree": "the honor's own state (revoked, consent withdrawn)",
    "staff.registry.correct_honoree": (
        "a record's public fields (tests/registry/test_corrections.py)"
    ),
    "staff.registry.merge": "two registry records of one person (tests/registry/test_merge.py)",
}
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
LOCAL_FORMAT = LocalDateTimeField.FORMAT


@dataclass
class Case:
    url: str
    data: dict = field(default_factory=dict)
    who: str = "staff"  # staff | anonymous | a username to log in as (committee members)


# ----------------------------------------------------------------------------- arranging

# Each phase boundary on a ruler of days; a cycle "in" a phase has that phase's window
# around now, earlier windows in the past and later ones in the future.
RULER = {
    "nominations_open_at": 0,
    "nominations_close_at": 2,
    "review_starts_at": 4,
    "review_ends_at": 6,
    "voting_starts_at": 8,
    "voting_ends_at": 10,
    "notice_starts_at": 12,
    "notice_ends_at": 20,  # a notice lasts at least 7 days
}
MIDDLE = {
    P.DRAFT: -1,
    P.NOMINATING: 1,
    P.VETTING: 3,
    P.PUBLIC_REVIEW: 5,
    P.VOTING: 9,
    P.NOTICE: 13,
    P.PUBLISHED: 21,
    P.CLOSED: 22,
}


def _open_cycle(**program_fields) -> Cycle:
    program_fields.setdefault("public_review", True)
    return factories.make_open_cycle(factories.make_program(**program_fields))


def _enter(cycle: Cycle, phase: CyclePhase) -> None:
    """Put the cycle in `phase` with dates to match (the server alone must refuse the rest)."""
    now = utcnow()
    for name, day in RULER.items():
        setattr(cycle, name, now + timedelta(days=day - MIDDLE[phase]))
    cycle.state = phase
    if phase in (P.PUBLISHED, P.CLOSED):
        cycle.published_at = now - timedelta(days=1)
    db.session.commit()


def _nominations(cycle: Cycle, *states: NominationState) -> list[Nomination]:
    made = []
    for i, state in enumerate(states):
        nomination = factories.make_nomination(
            cycle,
            name=f"候选人{cycle.id}-{i}",
            id_number=None,
            birth_date=date(1970 + i, 1, 1),
        )
        nomination.state = state
        made.append(nomination)
    db.session.commit()
    return made


def _members(cycle: Cycle, count: int) -> list[CommitteeMember]:
    members = []
    for i in range(count):
        user = factories.make_user(Role.COMMITTEE, username=f"judge{cycle.id}-{i}")
        member = CommitteeMember(cycle_id=cycle.id, user_id=user.id, is_chair=i == 0)
        db.session.add(member)
        members.append(member)
    db.session.commit()
    return members


def _ballots(cycle: Cycle, members, approvals: list[list[int]], round_: int = 0) -> None:
    for member, chosen in zip(members, approvals, strict=True):
        db.session.add(
            Ballot(
                cycle_id=cycle.id,
                member_id=member.id,
                round=round_,
                version=1,
                content={"approvals": chosen},
                receipt=f"R-{member.id}-{round_}",
            )
        )
    db.session.commit()


def _username(member: CommitteeMember) -> str:
    return member.user.username


def arrange_shortlist(phase):
    monthly = factories.make_program(cadence=Cadence.MONTHLY)
    annual = factories.make_program(cadence=Cadence.ANNUAL, public_review=True)
    cycle = factories.make_open_cycle(annual, period="2026", reference_date=date(2026, 1, 1))
    honoree = factories.make_honoree(name=f"月度好人{cycle.id}")
    factories.make_honor(
        honoree, monthly, "2026-05", period_start=date(2026, 5, 1), period_end=date(2026, 5, 31)
    )
    _enter(cycle, phase)
    category_id = annual.categories[0].category_id
    return Case(
        f"/staff/nominations/shortlist/{cycle.id}",
        {"category_id": str(category_id), "honoree_ids": [str(honoree.id)]},
    )


def _submitted(phase) -> Nomination:
    cycle = _open_cycle()
    (nomination,) = _nominations(cycle, NominationState.SUBMITTED)
    _enter(cycle, phase)
    return nomination


def arrange_qualify(phase):
    return Case(f"/staff/nominations/{_submitted(phase).id}/qualify")


def arrange_bulk_qualify(phase):
    return Case("/staff/nominations/bulk-qualify", {"ids": [str(_submitted(phase).id)]})


def arrange_decide(decision: str) -> Callable:
    def arrange(phase):
        url = f"/staff/nominations/{_submitted(phase).id}/{decision}"
        return Case(url, {"reason": "测试理由"})

    return arrange


def arrange_check(phase):
    url = f"/staff/nominations/{_submitted(phase).id}/checks"
    return Case(url, {"body": "police", "result": "no_objection", "note": ""})


def arrange_note(phase):
    return Case(f"/staff/nominations/{_submitted(phase).id}/notes", {"body": "内部备注"})


def arrange_dates(phase):
    cycle = _open_cycle()
    _enter(cycle, phase)
    data = {
        name: getattr(cycle, name).astimezone(LOCAL_TZ).strftime(LOCAL_FORMAT)
        for name in DATE_LABELS
    }
    later = cycle.notice_ends_at + timedelta(days=1)
    data["notice_ends_at"] = later.astimezone(LOCAL_TZ).strftime(LOCAL_FORMAT)
    data["reason"] = "延长公示"  # moving a running phase's end needs a reason
    return Case(f"/staff/cycles/{cycle.id}", data)


def arrange_move_closed(phase):
    cycle = _open_cycle()
    _enter(cycle, phase)
    return Case(f"/staff/cycles/{cycle.id}/move", {"target": "closed"})


def arrange_roster_add(phase):
    cycle = _open_cycle()
    _members(cycle, 1)
    newcomer = factories.make_user(Role.COMMITTEE)
    _enter(cycle, phase)
    return Case(f"/staff/cycles/{cycle.id}/committee", {"action": "add", "id": str(newcomer.id)})


def arrange_roster_remove(phase):
    cycle = _open_cycle()
    _chair, other = _members(cycle, 2)
    _enter(cycle, phase)
    return Case(f"/staff/cycles/{cycle.id}/committee", {"action": "remove", "id": str(other.id)})


def _voted(phase, *, tie: bool):
    """Shortlisted candidates and counted ballots: a clear winner, or three tied for two."""
    if not tie:
        cycle = _open_cycle(quota=1)
        a, b = _nominations(cycle, NominationState.SHORTLISTED, NominationState.SHORTLISTED)
        members = _members(cycle, 1)
        _ballots(cycle, members, [[a.id]])
        return cycle, [a, b], members
    cycle = _open_cycle(quota=2)
    a, b, c = _nominations(cycle, *[NominationState.SHORTLISTED] * 3)
    members = _members(cycle, 3)
    _ballots(cycle, members, [[a.id, b.id], [a.id, c.id], [b.id, c.id]])
    return cycle, [a, b, c], members


def _runoff(cycle, candidates, members, *, closed: bool) -> None:
    ids = [n.id for n in candidates]
    cycle.voting_closed_at = utcnow()  # a runoff follows the close of the main vote
    db.session.add(
        Runoff(
            cycle_id=cycle.id,
            round=1,
            places=2,
            nomination_ids=ids,
            closed_at=utcnow() if closed else None,
        )
    )
    db.session.commit()
    a, b, c = ids
    _ballots(cycle, members, [[a, b], [a, c], [b, c]], round_=1)


def arrange_results(action: str) -> Callable:
    def arrange(phase):
        cycle, candidates, members = _voted(phase, tie=action != "apply")
        if action == "close_runoff":
            _runoff(cycle, candidates, members, closed=False)
        _enter(cycle, phase)
        return Case(f"/staff/cycles/{cycle.id}/results", {"action": action})

    return arrange


def arrange_chair(phase):
    cycle, candidates, members = _voted(phase, tie=True)
    _runoff(cycle, candidates, members, closed=True)
    _enter(cycle, phase)
    chosen = [str(candidates[0].id), str(candidates[1].id)]
    return Case(
        f"/committee/cycles/{cycle.id}/results",
        {"chosen": chosen, "reason": "主任委员裁定"},
        who=_username(members[0]),
    )


def arrange_ballot(phase):
    cycle = _open_cycle(quota=1)
    a, _b = _nominations(cycle, NominationState.SHORTLISTED, NominationState.SHORTLISTED)
    (member,) = _members(cycle, 1)
    _enter(cycle, phase)
    return Case(f"/committee/cycles/{cycle.id}", {"approve": [str(a.id)]}, who=_username(member))


def arrange_conflict(phase):
    cycle = _open_cycle()
    (a,) = _nominations(cycle, NominationState.SHORTLISTED)
    (member,) = _members(cycle, 1)
    _enter(cycle, phase)
    return Case(
        f"/committee/cycles/{cycle.id}/conflicts/{a.id}",
        {"reason": "候选人是我的亲属"},
        who=_username(member),
    )


def _qualified(phase) -> Nomination:
    cycle = _open_cycle()
    (nomination,) = _nominations(cycle, NominationState.QUALIFIED)
    _enter(cycle, phase)
    return nomination


def arrange_like(phase):
    return Case(f"/review/{_qualified(phase).id}/like", who="anonymous")


def arrange_void_likes(phase):
    nomination = _qualified(phase)
    now = utcnow()
    db.session.add(
        Like(
            cycle_id=nomination.cycle_id,
            nomination_id=nomination.id,
            visitor_id="v" * 32,
            ip_hash="ip-sweep",
            net_hash="net-sweep",
            day=now.date(),
            minute=now.replace(second=0, microsecond=0),
        )
    )
    db.session.commit()
    return Case(f"/staff/review/{nomination.cycle_id}", {"reason": "刷票", "ip_hash": "ip-sweep"})


def _in_notice(phase) -> Nomination:
    cycle = _open_cycle()
    (nomination,) = _nominations(cycle, NominationState.IN_NOTICE)
    _enter(cycle, phase)
    return nomination


def arrange_objection(phase):
    limiter.reset()  # five objections an hour per address: one per phase here
    _in_notice(P.NOTICE)  # another cycle's notice runs: the form is open, for it only
    nomination = _in_notice(phase)
    return Case(
        "/notice/objection",
        {"nomination_id": str(nomination.id), "content": "此人事迹与事实不符，请核查。"},
        who="anonymous",
    )


def arrange_resolve(phase):
    nomination = _in_notice(phase)
    objection = Objection(
        reference=f"Y-sweep-{nomination.id}",
        cycle_id=nomination.cycle_id,
        nomination_id=nomination.id,
        content="事迹不实",
    )
    db.session.add(objection)
    db.session.commit()
    return Case(
        f"/staff/objections/{objection.id}", {"decision": "dismiss", "reason": "经核实无问题"}
    )


def arrange_publish(phase):
    nomination = _in_notice(phase)
    # the notice has run its full minimum length
    nomination.cycle.notice_starts_at = utcnow() - timedelta(days=8)
    nomination.cycle.notice_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return Case(f"/staff/cycles/{nomination.cycle_id}/publish")


def arrange_accept_recommendation(phase):
    cycle = _open_cycle()
    _enter(cycle, phase)
    org = factories.make_org()
    recommendation = recommendations.file_recommendation(
        channel=Channel.PUBLIC,
        kind=factories.HonoreeKind.INDIVIDUAL,
        candidate_name="群众推荐人",
        district=None,
        unit=None,
        headline="热心助人",
        story="多年来帮助邻里。",
        recommender_name="王先生",
        recommender_phone=None,
        relationship_note=None,
    )
    db.session.commit()
    return Case(
        f"/staff/recommendations/{recommendation.id}",
        {
            "cycle_id": str(cycle.id),
            "category_id": str(cycle.program.categories[0].category_id),
            "organisation_id": str(org.id),
        },
    )


ARRANGE = {
    "staff.vetting.shortlist": arrange_shortlist,
    "staff.vetting.qualify": arrange_qualify,
    "staff.vetting.bulk_qualify": arrange_bulk_qualify,
    "staff.vetting.decide:return": arrange_decide("return"),
    "staff.vetting.decide:reject": arrange_decide("reject"),
    "staff.vetting.decide:withdraw": arrange_decide("withdraw"),
    "staff.vetting.add_check": arrange_check,
    "staff.vetting.add_note": arrange_note,
    "staff.cycle": arrange_dates,
    "staff.move:closed": arrange_move_closed,
    "staff.committee_admin.manage:add": arrange_roster_add,
    "staff.committee_admin.manage:remove": arrange_roster_remove,
    "staff.committee_admin.results:apply": arrange_results("apply"),
    "staff.committee_admin.results:runoff": arrange_results("runoff"),
    "staff.committee_admin.results:close_runoff": arrange_results("close_runoff"),
    "committee.ballot": arrange_ballot,
    "committee.conflict": arrange_conflict,
    "committee.chair_results": arrange_chair,
    "review.like": arrange_like,
    "staff.review_admin.report": arrange_void_likes,
    "notice.objection": arrange_objection,
    "staff.objections.detail": arrange_resolve,
    "staff.honors_admin.publish": arrange_publish,
    "staff.recommendations.detail": arrange_accept_recommendation,
}


# ----------------------------------------------------------------------------- observing


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, as comparable tuples."""
    rows = {}
    for table in db.metadata.sorted_tables:
        found = db.session.execute(sa.select(table)).all()
        rows[table.name] = sorted((tuple(map(repr, row)) for row in found), key=repr)
    return rows


def _changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _refused(client, response) -> bool:
    """4xx, a flashed error (kept in the session by a redirect) or an error on the page."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code in (302, 303):
        with client.session_transaction() as session:
            flashes = session.pop("_flashes", [])
        return any(category == "error" for category, _message in flashes)
    body = response.get_data(as_text=True)
    return response.status_code == 200 and any(
        marker in body for marker in ('flash flash-error"', 'class="form-errors"', "field-invalid")
    )


def _endpoints(app) -> set[str]:
    names = set()
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}
        if methods and rule.endpoint != "static":
            names.add(rule.endpoint)
    return names


def test_every_state_changing_route_is_in_the_phase_table(app):
    covered = {route.split(":")[0] for route in PHASES} | set(NOT_PHASED)
    assert _endpoints(app) == covered
    assert len(_state_changing_urls(app)) == len(_endpoints(app))
    assert set(ARRANGE) == set(PHASES)


@pytest.mark.parametrize("route", sorted(PHASES))
def test_route_acts_only_in_its_phases(app, route):
    staff = app.test_client()
    with app.app_context():
        staff_name = factories.make_user(Role.STAFF, organisation_code="office").username
    assert login(staff, staff_name).status_code == 302
    wrong = []
    for phase in CyclePhase:
        with app.app_context():
            case = ARRANGE[route](phase)
        if case.who == "staff":
            client = staff
        else:
            client = app.test_client()
            if case.who != "anonymous":
                assert login(client, case.who).status_code == 302
        token = csrf_token(client, "/login" if case.who == "anonymous" else "/account/password")
        with app.app_context():
            before = _snapshot()
        response = client.post(case.url, data={"csrf_token": token, **case.data})
        assert response.status_code < 500, (route, phase, response.status_code)
        with app.app_context():
            changed = _changed(before, _snapshot())
        if phase in PHASES[route]:
            if not changed:
                wrong.append((phase.value, "allowed but nothing changed", response.status_code))
        elif changed or not _refused(client, response):
            wrong.append((phase.value, "not refused", response.status_code, changed))
    assert wrong == [], wrong
