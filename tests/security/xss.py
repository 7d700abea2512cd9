"""The XSS corpus, a seeding of every user-text field with its payloads, and the pages
(public, staff, nominator, committee; HTML, JSON and Atom) where those fields are shown.

A round seeds `slots` complete sets of records: an honoree with its honors, a group, a
nomination in public review, in notice, in voting and one returned for changes, an
objection, a public recommendation, a promotion, a courtesy ledger, a district, a
community and its user. Field number i of slot s in round r carries payload
(r * slots + s + i) mod N, so over ceil(N / slots) rounds every field meets every payload
once, and neighbouring fields of a slot carry different payloads. Rows are written directly
in their final state (with their history), through a service where one is the natural
writer (users, the return for changes, audit events).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from app.accounts.models import Role, User
from app.api.views import FEED_SIZE
from app.audit.services import record_event
from app.committee.models import Ballot, CommitteeMember, Conflict, ConflictStatus, Runoff
from app.core.public_data import bump as bump_public_version
from app.core.uploads import StoredImage, store_photo
from app.courtesy.models import (
    AidGrant,
    AidType,
    BenefitStatus,
    CourtesyCard,
    HardshipAssessment,
    HardshipLevel,
    Visit,
)
from app.db_types import utcnow
from app.extensions import db
from app.nominations import services as nomination_services
from app.nominations.display import mask_address
from app.nominations.models import (
    Channel,
    ConsultationCheck,
    ConsultedBody,
    ConsultResult,
    Nomination,
    NominationEvent,
    NominationMember,
    NominationNote,
    NominationPhoto,
    PhotoKind,
    PublicRecommendation,
    RecommendationStatus,
)
from app.nominations.workflow import Actor, NominationState
from app.notice.models import Objection, ObjectionStatus
from app.orgs.models import Organisation, OrgKind
from app.privacy import crypto
from app.privacy.id_numbers import mask_phone
from app.programs.models import BallotRule, Category, Cycle, Level, Program, ProgramCategory
from app.programs.workflow import CyclePhase
from app.promotions.models import Promotion
from app.registry.models import Gender, GroupMember, HonoreeKind, HonorSource, HonorStatus
from app.roll.queries import PER_PAGE as ROLL_PER_PAGE
from tests import factories

CORPUS = Path(__file__).with_name("xss_payloads.txt")
MARKER = "@@"
PASSWORD = factories.DEFAULT_PASSWORD


def load_payloads() -> list[str]:
    """The corpus lines, `\\n`/`\\t` decoded and each `@@` replaced by the payload's number."""
    payloads: list[str] = []
    for line in CORPUS.read_text(encoding="utf-8").split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        text = line.replace("\\n", "\n").replace("\\t", "\t")
        payloads.append(text.replace(MARKER, str(len(payloads) + 1)))
    return payloads


# ----------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class Field:
    key: str
    limit: int | None = None  # the column's length: longer payloads are cut (as a form would)
    markdown: bool = False  # rendered through the |markdown filter, not shown as text
    unique: bool = False  # a unique column: a per-slot suffix keeps cut payloads distinct
    strip: bool = False  # the view strips it (search terms)


FIELDS: tuple[Field, ...] = (
    Field("honoree.name", 100),
    Field("honoree.headline", 70),
    Field("honoree.summary", 500),
    Field("honoree.story_md", markdown=True),
    Field("honoree.unit", 100),
    Field("honoree.post", 60),
    Field("honoree.photo_alt", 200),
    Field("honor.period_label", 30),
    Field("honor.revoke_reason"),
    Field("group.name", 100),
    Field("group.member_name", 100),
    Field("group.member_post", 60),
    Field("nomination.name", 100),
    Field("nomination.headline", 70),
    Field("nomination.summary", 500),
    Field("nomination.story_md", markdown=True),
    Field("nomination.unit", 100),
    Field("nomination.post", 60),
    Field("nomination.ethnicity", 20),
    Field("nomination.political_status", 20),
    Field("nomination.education", 20),
    Field("nomination.school", 100),
    Field("nomination.grade", 20),
    Field("nomination.recommender_name", 60),
    Field("nomination.unit_opinion"),
    Field("nomination.consent_collected_by", 60),
    Field("nomination.guardian_name", 60),
    Field("nomination.member_name", 100),
    Field("nomination.member_post", 60),
    Field("nomination.address", 200),  # sensitive: shown masked (first six characters)
    Field("attachment.filename", 120),  # through the upload service's filename cleaning
    Field("photo.alt", 200),
    Field("check.note", 500),
    Field("note.body"),
    Field("event.reason"),
    Field("objection.content"),
    Field("objection.resolution"),
    Field("objection.contact", 100),  # private: shown masked (last four characters)
    Field("recommendation.candidate_name", 100),
    Field("recommendation.unit", 100),
    Field("recommendation.headline", 70),
    Field("recommendation.story"),
    Field("recommendation.recommender_name", 60),
    Field("recommendation.relationship_note", 60),
    Field("recommendation.decision_reason"),
    Field("conflict.reason"),
    Field("ballot.justification", 1000),
    Field("runoff.decision_reason"),
    Field("promotion.batch_label", 40),
    Field("card.number", 30, unique=True),
    Field("card.stop_reason"),
    Field("visit.team", 100),
    Field("visit.gifts", 200),
    Field("aid.fund_source", 60),
    Field("aid.stop_reason"),
    Field("hardship.notes"),
    Field("org.name", 100),
    Field("district.name", 100),
    Field("user.display_name", 60),
    Field("audit.reason"),
    Field("search.query", 50, strip=True),
)
FIELD_INDEX = {f.key: i for i, f in enumerate(FIELDS)}
MARKDOWN_FIELDS = frozenset(f.key for f in FIELDS if f.markdown)
# The candidate's own fields (Nomination columns), shown by the nomination pages.
NOMINATION_FIELDS = (
    "name",
    "headline",
    "summary",
    "story_md",
    "unit",
    "post",
    "ethnicity",
    "political_status",
    "education",
    "school",
    "grade",
    "recommender_name",
    "unit_opinion",
    "consent_collected_by",
    "guardian_name",
)
PERSONAL_FIELDS = frozenset(
    {"ethnicity", "political_status", "education", "unit", "post", "school", "grade"}
)
CANDIDATE_KEYS = [f"nomination.{name}" for name in NOMINATION_FIELDS]
MEMBER_KEYS = ["nomination.member_name", "nomination.member_post"]
GROUP_HEADLINE = "集体事迹："  # the group's headline ends with the slot's search term
PUBLIC_HONORS = 3  # a slot's visible honors: the person's two, the group's one


def rounds_needed(n_payloads: int, slots: int) -> int:
    return math.ceil(n_payloads / slots)


def payload_index(round_: int, slot: int, field_key: str, n_payloads: int, slots: int) -> int:
    return (round_ * slots + slot + FIELD_INDEX[field_key]) % n_payloads


def fit(spec: Field, payload: str, slot: int) -> str:
    """The value stored for `payload` in this field: cut to the column, made unique."""
    suffix = f"#{slot}" if spec.unique else ""
    value = payload if spec.limit is None else payload[: spec.limit - len(suffix)]
    return (value.strip() if spec.strip else value) + suffix


# ----------------------------------------------------------------------------- results


@dataclass
class Page:
    """One response to check: who asks, what, and which seeded values it must show."""

    path: str
    who: str = "anon"  # "anon", "staff" or "user:<slot>"
    kind: str = "html"  # "html", "json" or "atom"
    method: str = "GET"
    data: dict[str, str] | None = None  # form fields of a POST (the CSRF token is added)
    token_from: str | None = None  # the page whose form gives a POST its CSRF token
    remote_addr: str | None = None
    verbatim: bool = False  # Markdown sources shown as typed (in a textarea), not rendered
    # Every value it shows another page of the slot shows too (the browser test opens it
    # for one slot a round only).
    redundant: bool = False
    slot: int | None = None  # the slot a per-slot page belongs to
    # (slot, field key) whose value must be on the page: as text or an attribute value,
    # a JSON string, or an Atom element's text; Markdown fields as their sanitized text.
    expect: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Round:
    index: int
    slots: int
    # (slot, field key) → the stored value; "<key>:masked" → what pages show of it
    values: dict[tuple[int, str], str]
    pages: list[Page]
    usernames: dict[str, str]  # "staff" / "user:<slot>" → username (password PASSWORD)
    ids: dict[str, list[int]]  # record ids by kind ("honoree", "review", ...), one a slot

    def value(self, slot: int, key: str) -> str:
        return self.values[(slot, key)]


def covered_fields(pages: list[Page]) -> set[str]:
    """Field keys some page must show (each payload × field trial is checked there)."""
    return {key.partition(":")[0] for page in pages for _slot, key in page.expect}


# ----------------------------------------------------------------------------- seeding


@dataclass
class _Scene:
    """What every slot of a round shares: programs, cycles, the staff user, one photo."""

    round_: int
    year: int
    now: datetime
    values: dict[tuple[int, str], str]
    photo: StoredImage
    staff: User
    category: Category
    programs: dict[str, Program]
    cycles: dict[str, Cycle]

    def v(self, slot: int, key: str) -> str:
        return self.values[(slot, key)]

    def ago(self, **delta: float) -> datetime:
        return self.now - timedelta(**delta)


def seed_round(
    round_: int, payloads: list[str], *, slots: int, upload_root: Path, year: int = 2026
) -> Round:
    """Write one round of records (in an app context, on an empty database); commits."""
    values = {
        (slot, spec.key): fit(
            spec, payloads[payload_index(round_, slot, spec.key, len(payloads), slots)], slot
        )
        for slot in range(slots)
        for spec in FIELDS
    }
    for slot in range(slots):  # what the pages show of the sensitive fields
        values[(slot, "nomination.address:masked")] = mask_address(
            values[(slot, "nomination.address")]
        )
        values[(slot, "objection.contact:masked")] = mask_phone(values[(slot, "objection.contact")])
    scene = _scene(round_, year, values, upload_root)
    ids: dict[str, list[int]] = {}
    usernames = {"staff": scene.staff.username}
    members: list[tuple[CommitteeMember, Nomination]] = []
    for slot in range(slots):
        district = factories.make_org(name=scene.v(slot, "district.name"), kind=OrgKind.DISTRICT)
        community = factories.make_org(
            name=scene.v(slot, "org.name"), kind=OrgKind.COMMUNITY, parent=district
        )
        user = factories.make_user(
            Role.NOMINATOR, Role.COMMITTEE, username=f"xss-user-{slot}", organisation=community
        )
        user.display_name = scene.v(slot, "user.display_name")
        usernames[f"user:{slot}"] = user.username
        records = {"user": user.id, "district": district.id}
        records |= _people(scene, slot, district, community, user)
        records |= _nominations(scene, slot, district, community, user, upload_root)
        records |= _casework(scene, slot, district, records)
        member = CommitteeMember(cycle_id=scene.cycles["vote"].id, user_id=user.id)
        db.session.add(member)
        db.session.flush()
        db.session.add(
            Conflict(
                cycle_id=member.cycle_id,
                member_id=member.id,
                nomination_id=records["vote"],
                status=ConflictStatus.RECUSED,
                reason=scene.v(slot, "conflict.reason"),
                decided_at=scene.ago(hours=5),
            )
        )
        members.append((member, db.session.get(Nomination, records["vote"])))
        for kind, record_id in records.items():
            ids.setdefault(kind, []).append(record_id)
        db.session.commit()
    _ballots(scene, members)
    bump_public_version()
    db.session.commit()
    return Round(round_, slots, values, _pages(scene, slots, ids), usernames, ids)


def _scene(round_: int, year: int, values: dict, upload_root: Path) -> _Scene:
    now = utcnow()
    category = factories.make_category(code="xss_cat")

    def program(code: str, **fields) -> Program:
        made = factories.make_program(code=code, **fields)
        made.categories.append(ProgramCategory(category=category))
        return made

    programs = {
        "review": program("xss_review", public_review=True),
        "notice": program("xss_notice"),
        "vote": program("xss_vote", ballot_rule=BallotRule.SCORE, require_justification=True),
        "open": program("xss_open"),
        "published": program("xss_pub"),
        "external": program("xss_ext", external=True, level=Level.PROVINCE),
        "revoked": program("xss_rev", external=True, level=Level.NATION),
    }
    day = timedelta(days=1)
    cycles = {
        "review": factories.make_cycle(
            programs["review"],
            period=f"{year}-11",
            state=CyclePhase.PUBLIC_REVIEW,
            review_starts_at=now - day,
            review_ends_at=now + 10 * day,
        ),
        "notice": factories.make_cycle(
            programs["notice"],
            period=f"{year}-10",
            state=CyclePhase.NOTICE,
            notice_starts_at=now - day,
            notice_ends_at=now + 6 * day,
        ),
        "vote": factories.make_cycle(
            programs["vote"],
            period=f"{year}-09",
            state=CyclePhase.VOTING,
            committee_frozen_at=now - day,
            voting_closed_at=now - day / 2,  # closed: the results page shows the candidates
        ),
        "open": factories.make_open_cycle(programs["open"], period=f"{year}-12"),
        "published": factories.make_cycle(
            programs["published"],
            period=f"{year - 1}-01",
            state=CyclePhase.PUBLISHED,
            published_at=now - day,
            reference_date=date(year - 1, 1, 1),
        ),
    }
    return _Scene(
        round_=round_,
        year=year,
        now=now,
        values=values,
        photo=store_photo(factories.jpeg_bytes((120, 160)), upload_root),
        staff=factories.make_user(Role.STAFF, Role.ADMIN, username="xss-staff"),
        category=category,
        programs=programs,
        cycles=cycles,
    )


def _people(scene: _Scene, slot: int, district: Organisation, community, user) -> dict:
    """The slot's honoree (published, external and revoked honors) and its group."""
    v, photo, published = scene.v, scene.photo, scene.cycles["published"]
    honoree = factories.make_honoree(
        name=v(slot, "honoree.name"),
        headline=v(slot, "honoree.headline"),
        summary=v(slot, "honoree.summary"),
        story_md=v(slot, "honoree.story_md"),
        unit=v(slot, "honoree.unit"),
        post=v(slot, "honoree.post"),
        district=district,
        organisation=community,
        birth_year=1970,
        slug=f"xss-{slot}",
        photo_path=photo.path,
        photo_thumb_path=photo.thumb_path,
        photo_width=photo.width,
        photo_height=photo.height,
        photo_alt=v(slot, "honoree.photo_alt"),
    )
    group = factories.make_honoree(
        name=v(slot, "group.name"),
        kind=HonoreeKind.GROUP,
        headline=GROUP_HEADLINE + v(slot, "search.query"),
        summary="守护河道十年。",
        story_md="队员们轮流巡河。",
        district=district,
        slug=f"xss-g-{slot}",
    )
    group.members.append(
        GroupMember(name=v(slot, "group.member_name"), post=v(slot, "group.member_post"))
    )
    for record in (honoree, group):
        factories.make_honor(
            record,
            scene.programs["published"],
            period=published.period,
            cycle_id=published.id,
            category_id=scene.category.id,
            published_at=scene.ago(days=1),
            period_start=published.reference_date,
            period_end=published.reference_date + timedelta(days=30),
        )
    factories.make_honor(
        honoree,
        scene.programs["external"],
        period=v(slot, "honor.period_label"),
        source=HonorSource.EXTERNAL,
        published_at=scene.ago(days=1),
    )
    factories.make_honor(
        honoree,
        scene.programs["revoked"],
        period=f"xss-{slot}",
        source=HonorSource.EXTERNAL,
        status=HonorStatus.REVOKED,
        revoked_at=scene.ago(hours=1),
        revoke_reason=v(slot, "honor.revoke_reason"),
    )
    db.session.add(  # a tie-break of the published cycle, shown on its transparency page
        Runoff(
            cycle_id=published.id,
            round=slot + 1,
            places=1,
            nomination_ids=[],
            closed_at=scene.ago(days=2),
            decided_ids=[0],
            decided_by_id=user.id,
            decision_reason=v(slot, "runoff.decision_reason"),
        )
    )
    return {"honoree": honoree.id}


# The history a nomination in each state has behind it.
_PATHS = {
    NominationState.DRAFT: [],
    NominationState.QUALIFIED: [NominationState.SUBMITTED, NominationState.QUALIFIED],
    NominationState.SHORTLISTED: [
        NominationState.SUBMITTED,
        NominationState.QUALIFIED,
        NominationState.SHORTLISTED,
    ],
    NominationState.IN_NOTICE: [
        NominationState.SUBMITTED,
        NominationState.QUALIFIED,
        NominationState.SHORTLISTED,
        NominationState.SELECTED,
        NominationState.IN_NOTICE,
    ],
}


def _candidate(scene: _Scene, slot: int, cycle: str, state, community, district, **extra):
    """A complete nomination of the slot's candidate, with its ID photo and history."""
    data = {name: scene.v(slot, f"nomination.{name}") for name in NOMINATION_FIELDS}
    nomination = Nomination(
        cycle=scene.cycles[cycle],
        category_id=scene.category.id,
        organisation=community,
        channel=Channel.COMMUNITY,
        state=state,
        kind=extra.pop("kind", HonoreeKind.INDIVIDUAL),
        gender=Gender.FEMALE,
        birth_date=date(1970, 1, 1) + timedelta(days=slot),
        location=community,
        district_id=district.id,
        consent_given=True,
        consent_date=date(scene.year, 11, 2),
        guardian_consent=True,
        submitted_at=scene.ago(days=3) if state is not NominationState.DRAFT else None,
        address_enc=crypto.encrypt(scene.v(slot, "nomination.address")),
        **data,
        **extra,
    )
    photo = scene.photo
    nomination.photos.append(
        NominationPhoto(
            kind=PhotoKind.ID_PHOTO,
            path=photo.path,
            thumb_path=photo.thumb_path,
            width=photo.width,
            height=photo.height,
            alt=scene.v(slot, "photo.alt"),
        )
    )
    previous = NominationState.DRAFT
    for step in _PATHS[state]:
        nomination.events.append(
            NominationEvent(at=scene.ago(days=2), from_state=previous, to_state=step)
        )
        previous = step
    db.session.add(nomination)
    db.session.flush()
    return nomination


def _nominations(scene: _Scene, slot: int, district, community, user, root: Path) -> dict:
    """The candidate in public review (vetting checklist, note), in notice, in voting, and
    a group nomination returned for changes through the real transition service."""
    v = scene.v
    review = _candidate(scene, slot, "review", NominationState.QUALIFIED, community, district)
    review.checks.append(
        ConsultationCheck(
            body=ConsultedBody.COMMUNITY,
            result=ConsultResult.NO_OBJECTION,
            note=v(slot, "check.note"),
            checked_by_id=user.id,
        )
    )
    review.notes.append(NominationNote(body=v(slot, "note.body"), author_id=user.id))
    notice = _candidate(
        scene,
        slot,
        "notice",
        NominationState.IN_NOTICE,
        community,
        district,
        notice_ends_at=scene.now + timedelta(days=6),
    )
    vote = _candidate(scene, slot, "vote", NominationState.SHORTLISTED, community, district)
    returned = _candidate(
        scene, slot, "open", NominationState.DRAFT, community, district, kind=HonoreeKind.GROUP
    )
    returned.members.append(
        NominationMember(
            name=v(slot, "nomination.member_name"), post=v(slot, "nomination.member_post")
        )
    )
    attachment = nomination_services.add_attachment(
        returned, data=b"%PDF-1.4\n%%EOF\n", filename=v(slot, "attachment.filename"), root=root
    )
    scene.values[(slot, "attachment.filename")] = attachment.filename  # as the service kept it
    nomination_services.transition_nomination(
        returned, NominationState.SUBMITTED, actor=user, actor_kind=Actor.NOMINATOR
    )
    nomination_services.transition_nomination(
        returned,
        NominationState.RETURNED,
        actor=scene.staff,
        actor_kind=Actor.STAFF,
        reason=v(slot, "event.reason"),
    )
    return {"review": review.id, "notice": notice.id, "vote": vote.id, "returned": returned.id}


def _casework(scene: _Scene, slot: int, district, records: dict) -> dict:
    """Objection, public recommendation, promotion, courtesy ledger and an audit event."""
    v, staff, honoree = scene.v, scene.staff, records["honoree"]
    tag = f"XSS{scene.round_:02d}{slot:02d}"
    objection = Objection(
        reference=f"Y{tag}",
        cycle_id=scene.cycles["notice"].id,
        nomination_id=records["notice"],
        content=v(slot, "objection.content"),
        status=ObjectionStatus.DISMISSED,
        resolution=v(slot, "objection.resolution"),
        contact_enc=crypto.encrypt(v(slot, "objection.contact")),
        resolved_by_id=staff.id,
        resolved_at=scene.ago(hours=2),
    )
    recommendation = PublicRecommendation(
        reference=f"R{tag}",
        channel=Channel.PUBLIC,
        kind=HonoreeKind.INDIVIDUAL,
        candidate_name=v(slot, "recommendation.candidate_name"),
        district=district,
        unit=v(slot, "recommendation.unit"),
        headline=v(slot, "recommendation.headline"),
        story=v(slot, "recommendation.story"),
        recommender_name=v(slot, "recommendation.recommender_name"),
        relationship_note=v(slot, "recommendation.relationship_note"),
        status=RecommendationStatus.REJECTED,
        decided_by_id=staff.id,
        decided_at=scene.ago(hours=3),
        decision_reason=v(slot, "recommendation.decision_reason"),
    )
    year, stopped = scene.year, scene.ago(hours=1)
    db.session.add_all(
        [
            objection,
            recommendation,
            Promotion(
                honoree_id=honoree,
                program_id=scene.programs["external"].id,
                batch_label=v(slot, "promotion.batch_label"),
                recommended_on=date(year, 11, 10),
            ),
            CourtesyCard(
                honoree_id=honoree,
                number=v(slot, "card.number"),
                issued_on=date(year, 1, 15),
                valid_until=date(year + 3, 1, 14),
                status=BenefitStatus.STOPPED,
                stop_reason=v(slot, "card.stop_reason"),
                stopped_at=stopped,
            ),
            Visit(
                honoree_id=honoree,
                visited_on=date(year, 2, 1),
                team=v(slot, "visit.team"),
                gifts=v(slot, "visit.gifts"),
                cash_fen=50000,
            ),
            AidGrant(
                honoree_id=honoree,
                aid_type=AidType.MEDICAL,
                amount_fen=100000,
                fund_source=v(slot, "aid.fund_source"),
                granted_on=date(year, 3, 1),
                status=BenefitStatus.STOPPED,
                stop_reason=v(slot, "aid.stop_reason"),
                stopped_at=stopped,
            ),
            HardshipAssessment(
                honoree_id=honoree,
                assessed_on=date(year, 1, 1),
                level=HardshipLevel.MODERATE,
                notes=v(slot, "hardship.notes"),
            ),
        ]
    )
    db.session.flush()
    record_event(
        "xss.annotated",
        actor=staff,
        object_type="honorees",
        object_id=honoree,
        after={"note": v(slot, "audit.reason")},
        reason=v(slot, "audit.reason"),
    )
    return {"objection": objection.id, "recommendation": recommendation.id}


def _ballots(scene: _Scene, members: list[tuple[CommitteeMember, Nomination]]) -> None:
    """Each member's score ballot, with a justification for every candidate they may judge."""
    for slot, (member, own) in enumerate(members):
        others = [n for _m, n in members if n.id != own.id]
        db.session.add(
            Ballot(
                cycle_id=member.cycle_id,
                member_id=member.id,
                round=0,
                version=1,
                content={
                    "scores": {str(n.id): {"overall": 7} for n in others},
                    "justifications": {
                        str(n.id): scene.v(slot, "ballot.justification") for n in others
                    },
                },
                receipt=f"XSS{scene.round_:02d}{slot:02d}",
            )
        )


# ----------------------------------------------------------------------------- pages

_HONOREE_KEYS = [
    "honoree.name",
    "honoree.headline",
    "honoree.summary",
    "honoree.story_md",
    "honoree.unit",
    "honoree.post",
    "honoree.photo_alt",
    "honor.period_label",
    "district.name",
]
_PUBLIC_NOMINATION = ["nomination.name", "nomination.headline", "nomination.summary"]
_SUMMARY_KEYS = [*CANDIDATE_KEYS, "photo.alt", "org.name", "nomination.address:masked"]
# A group's summary lists its members instead of the personal fields.
_GROUP_SUMMARY_KEYS = [
    *(
        k
        for k in _SUMMARY_KEYS
        if k.removeprefix("nomination.").partition(":")[0] not in {*PERSONAL_FIELDS, "address"}
    ),
    *MEMBER_KEYS,
]
_RECOMMENDATION_KEYS = [
    "recommendation.candidate_name",
    "recommendation.unit",
    "recommendation.headline",
    "recommendation.story",
    "recommendation.recommender_name",
    "recommendation.relationship_note",
    "recommendation.decision_reason",
    "district.name",
]
_LEDGER_KEYS = [
    "honoree.name",
    "card.number",
    "card.stop_reason",
    "visit.team",
    "visit.gifts",
    "aid.fund_source",
    "aid.stop_reason",
    "hardship.notes",
]


def _query(path: str, q: str) -> str:
    return f"{path}?{urlencode({'q': q})}"


def _pages(scene: _Scene, slots: int, ids: dict[str, list[int]]) -> list[Page]:
    """Every response in which the round's values are shown, with what each must show."""
    everyone = range(slots)

    def each(keys: list[str]) -> list[tuple[int, str]]:
        return [(s, k) for s in everyone for k in keys]

    vote, review = scene.cycles["vote"].id, scene.cycles["review"].id
    feed_from = slots - FEED_SIZE // PUBLIC_HONORS  # the feed lists the latest 50 honors
    pages = [
        Page("/"),
        *(
            Page(f"/roll?page={n}")
            for n in range(1, math.ceil(slots * PUBLIC_HONORS / ROLL_PER_PAGE) + 1)
        ),
        Page("/review", expect=each([*_PUBLIC_NOMINATION, "photo.alt", "district.name"])),
        Page("/notice", expect=each(_PUBLIC_NOMINATION)),
        Page("/notice/objection", expect=each(["nomination.name"])),
        Page(
            f"/cycles/xss_pub/{scene.cycles['published'].period}",
            expect=each(["honoree.name", "group.name", "runoff.decision_reason"]),
        ),
        Page("/stats", expect=each(["district.name"])),
        Page(
            "/feed.atom",
            kind="atom",
            expect=[
                (s, k) for s in everyone[feed_from:] for k in ["honoree.name", "honoree.headline"]
            ],
        ),
        Page(
            "/api/v1/honorees?per_page=100",
            kind="json",
            expect=each(
                [
                    "honoree.name",
                    "honoree.headline",
                    "honoree.unit",
                    "honor.period_label",
                    "district.name",
                    "group.name",
                ]
            ),
        ),
        Page("/staff/", who="staff"),
        Page("/staff/nominations/", who="staff"),
        Page("/staff/nominations/?page=2", who="staff"),
        Page(
            "/staff/recommendations/",
            who="staff",
            expect=each(["recommendation.candidate_name", "recommendation.headline"]),
        ),
        Page("/staff/objections/?status=all", who="staff", expect=each(["nomination.name"])),
        Page(f"/staff/aid/report?year={scene.year}", who="staff", expect=each(["aid.fund_source"])),
        Page(
            "/staff/promotions/",
            who="staff",
            expect=each(["honoree.name", "promotion.batch_label"]),
        ),
        Page("/staff/audit/", who="staff"),
        Page("/staff/audit/?action=xss.", who="staff", expect=each(["audit.reason"])),
        Page(f"/staff/cycles/{vote}/committee", who="staff", expect=each(["user.display_name"])),
        Page(
            f"/staff/cycles/{vote}/results",
            who="staff",
            expect=each(["nomination.name"]),
        ),
        Page(f"/staff/review/{review}", who="staff", expect=each(["nomination.name"])),
        Page("/admin/users", who="staff", expect=each(["user.display_name", "org.name"])),
        Page("/staff/organisations/", who="staff", expect=each(["org.name", "district.name"])),
    ]
    for s in everyone:
        for page in _slot_pages(scene, s, slots, {kind: ids[kind][s] for kind in ids}):
            page.slot = s
            pages.append(page)
    return pages


def _slot_pages(scene: _Scene, s: int, slots: int, ids: dict[str, int]) -> list[Page]:
    user, query = f"user:{s}", scene.v(s, "search.query")

    def shows(*keys: str) -> list[tuple[int, str]]:
        return [(s, k) for k in keys]

    return [
        Page(f"/honorees/xss-{s}", expect=shows(*_HONOREE_KEYS)),
        Page(
            f"/honorees/xss-g-{s}",
            expect=shows("group.name", "group.member_name", "group.member_post"),
        ),
        Page(
            f"/review/{ids['review']}",
            expect=shows(*_PUBLIC_NOMINATION, "nomination.story_md", "photo.alt"),
            redundant=True,
        ),
        Page(  # the like's flash message names the candidate
            f"/review/{ids['review']}/like",
            method="POST",
            data={"back": f"/review/{ids['review']}"},
            token_from="/recommend",
            remote_addr=f"198.51.{scene.round_ % 250}.{s + 1}",
            expect=shows("nomination.name"),
        ),
        Page(_query("/roll", query), expect=shows("search.query")),
        Page(_query("/api/v1/honorees", query), kind="json"),
        Page(f"/api/v1/honorees/xss-{s}", kind="json", expect=shows("honoree.name")),
        Page(
            f"/staff/nominations/{ids['review']}",
            who="staff",
            expect=shows(*_SUMMARY_KEYS, "check.note", "note.body", "user.display_name"),
        ),
        Page(
            f"/staff/recommendations/{ids['recommendation']}",
            who="staff",
            expect=shows(*_RECOMMENDATION_KEYS),
        ),
        Page(
            f"/staff/objections/{ids['objection']}",
            who="staff",
            expect=shows(
                "objection.content",
                "objection.resolution",
                "objection.contact:masked",
                "nomination.name",
            ),
        ),
        Page(
            f"/staff/honorees/{ids['honoree']}",
            who="staff",
            expect=shows("honoree.name", "honor.period_label", "honor.revoke_reason"),
        ),
        Page(
            f"/staff/honorees/{ids['honoree']}/courtesy", who="staff", expect=shows(*_LEDGER_KEYS)
        ),
        Page(
            _query("/staff/honorees/", query),
            who="staff",
            expect=shows("search.query"),
            redundant=True,
        ),
        Page(  # filters echoed into the form (too long ones fail validation, still echoed)
            "/staff/audit/?" + urlencode({"action": query, "actor": query, "object_type": query}),
            who="staff",
            expect=shows("search.query"),
            redundant=True,
        ),
        Page("/login?" + urlencode({"next": query}), redundant=True),
        Page(
            _query("/nominations/registry-search", scene.v(s, "honoree.name")[:50]),
            who="staff",
            kind="json",
        ),
        Page(
            f"/admin/users/{ids['user']}",
            who="staff",
            expect=shows("user.display_name"),
            redundant=True,
        ),
        Page(
            f"/nominations/{ids['returned']}",
            who=user,
            expect=shows(
                *_GROUP_SUMMARY_KEYS, "event.reason", "user.display_name", "attachment.filename"
            ),
            redundant=True,
        ),
        Page(  # the form puts every value back into inputs and textareas
            f"/nominations/{ids['returned']}/edit",
            who=user,
            verbatim=True,
            expect=shows(
                *CANDIDATE_KEYS,
                *MEMBER_KEYS,
                *("photo.alt", "attachment.filename", "event.reason", "org.name"),
            ),
        ),
        Page("/inbox", who=user, expect=shows("nomination.name", "event.reason"), redundant=True),
        Page(  # the receipt checked is echoed (trimmed, upper-cased)
            f"/committee/cycles/{scene.cycles['vote'].id}/bulletin?"
            + urlencode({"receipt": query}),
            who=user,
            redundant=True,
        ),
        Page(  # every candidate, the member's recusal and justifications of the others
            f"/committee/cycles/{scene.cycles['vote'].id}",
            who=user,
            expect=[
                *shows("conflict.reason", *(["ballot.justification"] if slots > 1 else [])),
                *((o, k) for o in range(slots) for k in [*_PUBLIC_NOMINATION, "photo.alt"]),
            ],
        ),
        Page(
            "/nominations/preview",
            who=user,
            kind="json",
            method="POST",
            data={"text": scene.v(s, "nomination.story_md")},
            token_from="/inbox",
            expect=shows("nomination.story_md"),
        ),
    ]
