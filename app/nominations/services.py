"""Nomination use cases: drafts, uploads, submission, the registry checks, state transitions.

`transition_nomination` is the only writer of Nomination.state and `set_registry_link` of
Nomination.honoree before publication; vetting (`app.vetting.services`) calls both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.core import uploads
from app.db_types import utcnow
from app.exceptions import RefusedError, WindowClosedError
from app.extensions import db
from app.nominations import eligibility
from app.nominations.models import (
    Channel,
    Nomination,
    NominationAttachment,
    NominationEvent,
    NominationMember,
    NominationPhoto,
    PhotoKind,
)
from app.nominations.workflow import (
    ACTIVE,
    Actor,
    NominationState,
    NominationTransitionError,
    check_transition,
)
from app.notifications.queries import organisation_nominators
from app.notifications.services import Digest, notify
from app.orgs.models import Organisation, OrgKind
from app.privacy import crypto, id_numbers
from app.programs.models import Category, Cycle, Program, program_feeds
from app.programs.periods import period_label
from app.programs.services import when_label
from app.programs.workflow import CyclePhase
from app.registry.models import (
    Gender,
    Honor,
    Honoree,
    HonoreeKind,
    HonorStatus,
)

MAX_LIFE_PHOTOS = 5
MAX_ATTACHMENTS = 20


class NominationError(RefusedError):
    """A nomination change refused (formats, deadline, state, uploads)."""


class NominationWindowError(WindowClosedError, NominationError):
    """A nomination created or submitted after the cycle's deadline."""


class NominationRefusedError(Exception):
    """Several refusals at once, each (field or None, message)."""

    def __init__(self, problems: list[tuple[str | None, object]]) -> None:
        super().__init__("; ".join(str(m) for _f, m in problems))
        self.problems = problems


@dataclass
class CandidateData:
    """What the nominator typed; sensitive values in clear (encrypted on save)."""

    kind: HonoreeKind
    category_id: int
    name: str = ""
    gender: Gender | None = None
    birth_date: date | None = None
    ethnicity: str | None = None
    political_status: str | None = None
    education: str | None = None
    unit: str | None = None
    post: str | None = None
    school: str | None = None
    grade: str | None = None
    location_id: int | None = None
    address: str | None = None
    phone: str | None = None
    id_number: str | None = None
    # The nominator's hint "same person as registry record X": never a link (staff decide).
    suggested_slug: str | None = None
    members: list[tuple[str, str | None]] = field(default_factory=list)
    recommender_name: str | None = None
    headline: str = ""
    summary: str = ""
    story_md: str = ""
    unit_opinion: str = ""
    consent_given: bool = False
    consent_collected_by: str | None = None
    consent_date: date | None = None
    guardian_consent: bool = False
    guardian_name: str | None = None


def _deadline(cycle: Cycle) -> str:
    return when_label(cycle.nominations_close_at)


def open_cycles(now: datetime | None = None) -> list[Cycle]:
    """Cycles taking nominations now (phase `nominating`, deadline not passed)."""
    now = now or utcnow()
    stmt = (
        sa.select(Cycle)
        .join(Program)
        .where(Cycle.state == CyclePhase.NOMINATING, Cycle.nominations_close_at > now)
        .order_by(Program.sort_order, Cycle.reference_date)
    )
    return list(db.session.scalars(stmt))


def create_nomination(
    *,
    cycle: Cycle,
    organisation: Organisation,
    channel: Channel,
    data: CandidateData,
    actor,
    now: datetime | None = None,
) -> Nomination:
    """Start a draft in an open cycle for the actor's organisation."""
    now = now or utcnow()
    if cycle.state is not CyclePhase.NOMINATING:
        raise NominationError(_l("This cycle is not taking nominations."), "cycle_id")
    if cycle.nominations_close_at and cycle.nominations_close_at <= now:
        raise NominationWindowError(
            _l("Submission closed: the deadline was %(deadline)s.", deadline=_deadline(cycle)),
            closed_at=cycle.nominations_close_at,
            field="cycle_id",
        )
    nomination = Nomination(
        cycle=cycle,
        organisation=organisation,
        channel=channel,
        kind=data.kind,
        category_id=data.category_id,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(nomination)
    save_draft(nomination, data, actor=actor)
    record_event(
        "nomination.created",
        actor=actor,
        obj=nomination,
        after={"cycle_id": cycle.id, "channel": channel.value},
    )
    return nomination


def _category_of(program: Program, category_id: int) -> Category:
    for link in program.categories:
        if link.category_id == category_id:
            return link.category
    raise NominationError(_l("Choose one of this program's categories."), "category_id")


def save_draft(nomination: Nomination, data: CandidateData, *, actor) -> None:
    """Store the typed data; checks formats, not completeness (drafts may be partial)."""
    identity_before = _identity(nomination)
    _category_of(nomination.cycle.program, data.category_id)
    nomination.category_id = data.category_id
    nomination.kind = data.kind
    id_value = None
    if data.id_number:
        try:
            parsed = id_numbers.parse(data.id_number)
        except id_numbers.IdNumberError as error:
            raise NominationError(ID_ERRORS[error.code], "id_number") from error
        if data.birth_date and data.birth_date != parsed.birth_date:
            raise NominationError(
                _l(
                    "The birth date differs from the one in the ID number (%(date)s).",
                    date=parsed.birth_date.isoformat(),
                ),
                "birth_date",
            )
        id_value = parsed.value
        data.birth_date = data.birth_date or parsed.birth_date
    nomination.suggested_honoree = _suggested_record(nomination, data)
    location = db.session.get(Organisation, data.location_id) if data.location_id else None
    if data.location_id and (location is None or location.kind not in PLACE_KINDS):
        raise NominationError(_l("Choose a district, township or community."), "location_id")

    individual = data.kind is HonoreeKind.INDIVIDUAL
    for name in (
        "name",
        "unit",
        "post",
        "recommender_name",
        "headline",
        "summary",
        "story_md",
        "unit_opinion",
        "consent_collected_by",
        "consent_date",
        "consent_given",
        "guardian_consent",
        "guardian_name",
    ):
        setattr(nomination, name, getattr(data, name))
    for name in (
        "gender",
        "birth_date",
        "ethnicity",
        "political_status",
        "education",
        "school",
        "grade",
    ):
        setattr(nomination, name, getattr(data, name) if individual else None)
    nomination.location = location
    nomination.district_id = location.district_id if location else None
    nomination.address_enc = crypto.encrypt(data.address) if individual else None
    nomination.phone_enc = crypto.encrypt(data.phone)
    nomination.id_number_enc = crypto.encrypt(id_value) if individual else None
    nomination.id_number_hash = crypto.keyed_hash(id_value) if individual else None
    nomination.members = (
        [NominationMember(name=n, post=p, sort_order=i) for i, (n, p) in enumerate(data.members)]
        if not individual
        else []
    )
    db.session.flush()
    if nomination.honoree is not None and _identity(nomination) != identity_before:
        # Staff linked the person as they were described then; a new description needs
        # a new decision (publication would otherwise credit the record with someone else).
        set_registry_link(
            nomination,
            None,
            actor=actor,
            reason=str(_l("The candidate's name, birth date or ID number changed.")),
        )


def _identity(nomination: Nomination) -> tuple:
    """What says who the candidate is (a registry link was decided on these)."""
    return (nomination.kind, nomination.name, nomination.birth_date, nomination.id_number_hash)


def _suggested_record(nomination: Nomination, data: CandidateData) -> Honoree | None:
    """The nominator's hint, checked against what the public roll shows (no other record
    can be named, so the field reveals nothing the roll does not)."""
    slug = (data.suggested_slug or "").strip()[:80]
    if not slug:
        return None
    current = nomination.suggested_honoree
    if current is not None and current.slug == slug:
        return current  # an earlier hint stays, even if its record has left the roll since
    honoree = db.session.scalar(sa.select(Honoree).where(Honoree.slug == slug, Honoree.is_public))
    if honoree is None:
        raise NominationError(
            _l("No record on the public honor roll has this number."), "suggested_slug"
        )
    if honoree.kind is not data.kind:
        raise NominationError(
            _l("That registry record is of the other kind (person/group)."), "suggested_slug"
        )
    return honoree


def registry_record_by_id_number(nomination: Nomination) -> Honoree | None:
    """The registry record with this candidate's ID number (the same person, by law)."""
    if not nomination.id_number_hash:
        return None
    return db.session.scalars(
        sa.select(Honoree)
        .where(Honoree.id_number_hash == nomination.id_number_hash)
        .order_by(Honoree.id)
        .limit(1)
    ).first()


def registry_link_problem(nomination: Nomination, honoree: Honoree | None) -> object | None:
    """Why `honoree` cannot be this candidate's record (None: it can). A new record
    (`honoree` None) is refused when the ID number already names a record."""
    by_id = registry_record_by_id_number(nomination)
    if honoree is None:
        if by_id is not None:
            return _l(
                "The ID number is that of registry record %(slug)s: it is the same person.",
                slug=by_id.slug,
            )
        return None
    if honoree.kind is not nomination.kind:
        return _l("That registry record is of the other kind (person/group).")
    if (
        honoree.id_number_hash
        and nomination.id_number_hash
        and honoree.id_number_hash != nomination.id_number_hash
    ):
        return _l("The ID numbers differ: that registry record is another person.")
    if by_id is not None and by_id.id != honoree.id:
        return _l(
            "The ID number is that of registry record %(slug)s: it is the same person.",
            slug=by_id.slug,
        )
    return None


def set_registry_link(
    nomination: Nomination, honoree: Honoree | None, *, actor, reason: str | None
) -> None:
    """The one writer of Nomination.honoree before publication; every change is audited."""
    before = nomination.honoree
    nomination.honoree = honoree
    db.session.flush()
    record_event(
        "nomination.registry_linked" if honoree is not None else "nomination.registry_unlinked",
        actor=actor,
        obj=nomination,
        before={"honoree": before.slug if before else None},
        after={"honoree": honoree.slug if honoree else None},
        reason=reason or None,
    )


PLACE_KINDS = frozenset({OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY})
ID_ERRORS = {
    "shape": _l("An ID number has 18 characters: 17 digits and a digit or X."),
    "birth_date": _l("The birth date inside this ID number is not a real date."),
    "check_digit": _l("The check digit is wrong: please re-check the number."),
}


def _registry_matches(nomination: Nomination) -> list[int]:
    """Registry records that are this candidate: the linked one, same ID, or name + birth date."""
    ids = {nomination.honoree_id} if nomination.honoree_id else set()
    if nomination.id_number_hash:
        ids |= set(
            db.session.scalars(
                sa.select(Honoree.id).where(Honoree.id_number_hash == nomination.id_number_hash)
            )
        )
    elif nomination.kind is HonoreeKind.INDIVIDUAL and nomination.name and nomination.birth_date:
        ids |= set(
            db.session.scalars(
                sa.select(Honoree.id).where(
                    Honoree.name == nomination.name, Honoree.birth_date == nomination.birth_date
                )
            )
        )
    return sorted(ids)


def _program_and_higher(program: Program) -> set[int]:
    """This program and every program it feeds, transitively (漯河好人 → 河南好人榜 → …)."""
    seen = {program.id}
    frontier = {program.id}
    while frontier:
        nxt = (
            set(
                db.session.scalars(
                    sa.select(program_feeds.c.target_id).where(
                        program_feeds.c.program_id.in_(frontier)
                    )
                )
            )
            - seen
        )
        seen |= nxt
        frontier = nxt
    return seen


def eligibility_problems(nomination: Nomination) -> list[tuple[str | None, object]]:
    """SPEC §4 rules checked against the registry and the cycle's other nominations: the
    pure rules of `eligibility`, fed with what the database holds."""
    program = nomination.cycle.program
    matches = _registry_matches(nomination)
    held = None
    if program.cooldown and matches:
        held = db.session.execute(
            sa.select(Program, Honor.period_label)
            .join(Honor, Honor.program_id == Program.id)
            .where(
                Honor.honoree_id.in_(matches),
                Honor.status == HonorStatus.PUBLISHED,
                Honor.program_id.in_(_program_and_higher(program)),
            )
            .limit(1)
        ).first()
    return (
        eligibility.program_problems(nomination)
        + eligibility.cooldown_problems(tuple(held) if held else None)
        + eligibility.duplicate_problems(duplicates_in_cycle(nomination, limit=1))
    )


def duplicates_in_cycle(nomination: Nomination, limit: int | None = None) -> list[Nomination]:
    """The cycle's other active nominations of the same person (ID number, else the
    registry record staff linked, else name + birth date)."""
    stmt = sa.select(Nomination).where(
        Nomination.cycle_id == nomination.cycle_id,
        Nomination.id != nomination.id,
        Nomination.state.in_(ACTIVE),
    )
    if nomination.id_number_hash:
        stmt = stmt.where(Nomination.id_number_hash == nomination.id_number_hash)
    elif nomination.honoree_id:
        stmt = stmt.where(Nomination.honoree_id == nomination.honoree_id)
    elif nomination.kind is HonoreeKind.INDIVIDUAL and nomination.name and nomination.birth_date:
        stmt = stmt.where(
            Nomination.name == nomination.name, Nomination.birth_date == nomination.birth_date
        )
    else:
        return []
    return list(db.session.scalars(stmt.order_by(Nomination.id).limit(limit)))


def _actor_kind(nominator: bool) -> Actor:
    return Actor.NOMINATOR if nominator else Actor.STAFF


def transition_nomination(
    nomination: Nomination,
    target: NominationState,
    *,
    actor,
    actor_kind: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> None:
    """The only writer of Nomination.state: checks the move, logs it, tells the nominator."""
    try:
        check_transition(nomination.state, target, actor_kind, reason)
    except NominationTransitionError as error:
        if str(error) == "reason required":
            raise NominationError(_l("Give a reason."), "reason") from error
        raise NominationError(
            _l("This action is not possible in the nomination's state.")
        ) from error
    before = nomination.state
    nomination.state = target
    if target is NominationState.SUBMITTED:
        nomination.submitted_at = now or utcnow()
    nomination.events.append(
        NominationEvent(
            actor_id=getattr(actor, "id", None),
            from_state=before,
            to_state=target,
            reason=reason,
        )
    )
    db.session.flush()
    record_event(
        "nomination.transition",
        actor=actor,
        obj=nomination,
        before={"state": before.value},
        after={"state": target.value},
        reason=reason,
    )
    if actor_kind is not Actor.NOMINATOR:
        notify(
            organisation_nominators(nomination.organisation_id),
            subject=str(
                _l(
                    "Nomination of %(name)s: %(state)s",
                    name=nomination.name or "—",
                    state=target.label,
                )
            ),
            body=reason or "",
            link=f"/nominations/{nomination.id}",
            digest=_state_digest(nomination, target),
            now=now,
        )


def _state_digest(nomination: Nomination, target: NominationState) -> Digest:
    """Moves of a cycle's nominations to one state fold into one unread inbox entry."""
    cycle = nomination.cycle

    def subject(count: int) -> str:
        return str(
            _l(
                "%(count)s nominations of %(program)s %(period)s: %(state)s",
                count=count,
                program=cycle.program.name_zh,
                period=period_label(cycle.period),
                state=target.label,
            )
        )

    return Digest(
        key=f"nomination:{nomination.cycle_id}:{target.value}",
        subject=subject,
        link="/nominations/",
    )


def submit_nomination(
    nomination: Nomination, *, actor, as_staff: bool = False, now: datetime | None = None
) -> None:
    """Submit (or resubmit) before the deadline, complete and eligible."""
    now = now or utcnow()
    cycle = nomination.cycle
    resubmission = nomination.state is NominationState.RETURNED
    open_phases = (
        {CyclePhase.NOMINATING, CyclePhase.VETTING} if resubmission else {CyclePhase.NOMINATING}
    )
    deadline_passed = (
        not resubmission and cycle.nominations_close_at and now >= cycle.nominations_close_at
    )
    if cycle.state not in open_phases or deadline_passed:
        raise NominationWindowError(
            _l("Submission closed: the deadline was %(deadline)s.", deadline=_deadline(cycle)),
            closed_at=cycle.nominations_close_at,
        )
    problems = eligibility.completeness_problems(nomination) + eligibility_problems(nomination)
    if problems:
        raise NominationRefusedError(problems)
    transition_nomination(
        nomination,
        NominationState.SUBMITTED,
        actor=actor,
        actor_kind=_actor_kind(not as_staff),
        now=now,
    )


def add_photo(
    nomination: Nomination, *, data: bytes, kind: PhotoKind, alt: str, root: Path
) -> NominationPhoto:
    """Verify, strip and store a photo (one ID photo, replacing any earlier one)."""
    life = [p for p in nomination.photos if p.kind is PhotoKind.LIFE]
    if kind is PhotoKind.LIFE and len(life) >= MAX_LIFE_PHOTOS:
        raise NominationError(_l("At most 5 life photos."), "life_photos")
    stored = uploads.store_photo(data, root)
    if kind is PhotoKind.ID_PHOTO:
        for old in [p for p in nomination.photos if p.kind is PhotoKind.ID_PHOTO]:
            remove_photo(nomination, old, root=root)
    photo = NominationPhoto(
        kind=kind,
        path=stored.path,
        thumb_path=stored.thumb_path,
        width=stored.width,
        height=stored.height,
        alt=alt,
        sort_order=len(life) if kind is PhotoKind.LIFE else 0,
    )
    nomination.photos.append(photo)
    db.session.flush()
    return photo


def remove_photo(nomination: Nomination, photo: NominationPhoto, *, root: Path) -> None:
    nomination.photos.remove(photo)
    uploads.remove_files(root, photo.path, photo.thumb_path)
    db.session.flush()


def check_attachment_room(nomination: Nomination, adding: int) -> None:
    """Refuse, before any file is stored, attachments past MAX_ATTACHMENTS per nomination."""
    if len(nomination.attachments) + adding > MAX_ATTACHMENTS:
        raise NominationError(
            _l("At most %(n)d attachments per nomination.", n=MAX_ATTACHMENTS), "attachments"
        )


def add_attachment(
    nomination: Nomination, *, data: bytes, filename: str, root: Path
) -> NominationAttachment:
    check_attachment_room(nomination, 1)
    relative, content_type = uploads.store_attachment(data, root)
    attachment = NominationAttachment(
        filename=_safe_filename(filename),
        path=relative,
        content_type=content_type,
        size=len(data),
    )
    nomination.attachments.append(attachment)
    db.session.flush()
    return attachment


def remove_attachment(
    nomination: Nomination, attachment: NominationAttachment, *, root: Path
) -> None:
    nomination.attachments.remove(attachment)
    uploads.remove_files(root, attachment.path)
    db.session.flush()


def _safe_filename(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\:*?"<>|')
    return (cleaned.strip() or "attachment")[-120:]


# Nominations that leave nothing to decide: a cycle holding only these may close unlisted.
SETTLED_WITHOUT_CANDIDATE = (
    NominationState.DRAFT,
    NominationState.NOT_QUALIFIED,
    NominationState.WITHDRAWN,
)


def nothing_to_decide(cycle: Cycle, now: datetime) -> object | None:
    """Closing a cycle before publication: only when no nomination awaits a decision or
    stands as a candidate (a published cycle closes whatever its nominations)."""
    if cycle.state not in (CyclePhase.DRAFT, CyclePhase.VETTING):
        return None
    live = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Nomination)
        .where(
            Nomination.cycle_id == cycle.id,
            Nomination.state.not_in(SETTLED_WITHOUT_CANDIDATE),
        )
    )
    if live:
        return _l(
            "%(n)d nominations await a decision or are candidates: a cycle closes without a "
            "list only when none is left.",
            n=live,
        )
    return None
