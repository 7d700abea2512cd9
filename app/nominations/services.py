"""Nomination use cases: drafts, uploads, eligibility, submission, vetting, transitions.

`transition_nomination` is the only writer of Nomination.state.
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
from app.nominations.models import (
    Channel,
    ConsultationCheck,
    ConsultedBody,
    ConsultResult,
    Nomination,
    NominationAttachment,
    NominationEvent,
    NominationMember,
    NominationNote,
    NominationPhoto,
    PhotoKind,
)
from app.nominations.workflow import (
    ACTIVE,
    CHECKLIST_PHASES,
    CHECKLIST_STATES,
    REGISTRY_LINKABLE,
    SHORTLIST_PHASES,
    STAFF_DECISIONS,
    Actor,
    NominationState,
    NominationTransitionError,
    check_transition,
)
from app.notifications.services import Digest, notify, organisation_nominators
from app.orgs.models import Organisation, OrgKind
from app.privacy import crypto, id_numbers
from app.programs.models import Cadence, Category, Cycle, NomineeKind, Program, program_feeds
from app.programs.periods import period_label
from app.programs.services import require_phase, when_label
from app.programs.workflow import CyclePhase
from app.registry.models import (
    ADULT_AGE,
    STORY_MAX,
    Gender,
    Honor,
    Honoree,
    HonoreeKind,
    HonorStatus,
    age_on,
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
        _set_registry_link(
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


def link_registry_record(
    nomination: Nomination, honoree: Honoree | None, *, actor, reason: str | None = None
) -> None:
    """Staff decision in vetting: the candidate is registry record `honoree`, or (None)
    a person not yet in the registry. Checked against ID numbers, audited."""
    if nomination.state not in REGISTRY_LINKABLE:
        raise NominationError(
            _l("The registry record can be decided only between submission and publication.")
        )
    problem = registry_link_problem(nomination, honoree)
    if problem is not None:
        raise NominationError(problem, "honoree_id")
    if honoree is nomination.honoree:
        return
    _set_registry_link(nomination, honoree, actor=actor, reason=reason)


def _set_registry_link(
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


def is_minor(nomination: Nomination) -> bool:
    birth = nomination.birth_date
    return bool(birth) and age_on(birth, nomination.cycle.reference_date) < ADULT_AGE


def needs_guardian_consent(nomination: Nomination) -> bool:
    """Whether the candidate is younger than the program's guardian-consent age (14..18)."""
    birth = nomination.birth_date
    limit = nomination.cycle.program.guardian_consent_below_age
    return bool(birth) and age_on(birth, nomination.cycle.reference_date) < limit


def completeness_problems(nomination: Nomination) -> list[tuple[str | None, object]]:
    """Required fields for submission, each with its field name."""
    required = _l("Required before submitting.")
    problems: list[tuple[str | None, object]] = []
    individual = nomination.kind is HonoreeKind.INDIVIDUAL
    fields = [
        "name",
        "location_id",
        "headline",
        "summary",
        "story_md",
        "unit_opinion",
        "consent_collected_by",
        "consent_date",
    ]
    if individual:
        fields += ["gender", "birth_date"]
        # A pupil gives a school and grade where the program asks for them, not a work unit.
        if nomination.cycle.program.pupils_give_school and is_minor(nomination):
            fields += ["school", "grade"]
        else:
            fields += ["unit"]
    problems += [(f, required) for f in fields if not getattr(nomination, f)]
    if not nomination.consent_given:
        problems.append(("consent_given", _l("Consent to publish must be recorded.")))
    if (
        individual
        and needs_guardian_consent(nomination)
        and not (nomination.guardian_consent and nomination.guardian_name)
    ):
        problems.append(("guardian_consent", _l("A minor needs a guardian's consent.")))
    if not individual and not nomination.members:
        problems.append(("members", _l("List the group's members.")))
    if not any(p.kind is PhotoKind.ID_PHOTO for p in nomination.photos):
        problems.append(("id_photo", _l("Upload an ID photo.")))
    if len(nomination.story_md) > STORY_MAX:
        problems.append(("story_md", _l("The story is too long.")))
    return problems


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
    """SPEC §4 rules checked against the registry and the cycle's other nominations."""
    program = nomination.cycle.program
    problems: list[tuple[str | None, object]] = []
    kind = nomination.kind
    if (program.nominee_kind is NomineeKind.INDIVIDUAL and kind is HonoreeKind.GROUP) or (
        program.nominee_kind is NomineeKind.GROUP and kind is HonoreeKind.INDIVIDUAL
    ):
        problems.append(("kind", _l("This program does not accept this kind of candidate.")))
    if kind is HonoreeKind.INDIVIDUAL and nomination.birth_date:
        age = age_on(nomination.birth_date, nomination.cycle.reference_date)
        low, high = program.age_min, program.age_max
        if (low is not None and age < low) or (high is not None and age > high):
            problems.append(
                (
                    "birth_date",
                    _l(
                        "Aged %(age)d on %(day)s; this program accepts ages %(low)s–%(high)s.",
                        age=age,
                        day=nomination.cycle.reference_date.isoformat(),
                        low=low if low is not None else "",
                        high=high if high is not None else "",
                    ),
                )
            )
    if program.categories and nomination.category_id not in {
        link.category_id for link in program.categories
    }:
        problems.append(("category_id", _l("Choose one of this program's categories.")))
    matches = _registry_matches(nomination)
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
        if held:
            problems.append(
                (
                    None,
                    _l(
                        "Already honored as %(program)s (%(period)s): not eligible again.",
                        program=held[0].name_zh,
                        period=period_label(held[1]),
                    ),
                )
            )
    if duplicates_in_cycle(nomination, limit=1):
        # Who nominated them is another organisation's business: staff see it in vetting.
        problems.append((None, _l("This person was already nominated in this cycle.")))
    return problems


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
    problems = completeness_problems(nomination) + eligibility_problems(nomination)
    if problems:
        raise NominationRefusedError(problems)
    transition_nomination(
        nomination,
        NominationState.SUBMITTED,
        actor=actor,
        actor_kind=_actor_kind(not as_staff),
        now=now,
    )


def _require_decision(nomination: Nomination, target: NominationState) -> None:
    """A staff decision belongs to the vetting phases and to the nomination's own state."""
    states, phases = STAFF_DECISIONS[target]
    require_phase(nomination.cycle, phases, NominationError)
    if nomination.state not in states:
        raise NominationError(_l("This action is not possible in the nomination's state."))


def decide_nomination(
    nomination: Nomination, target: NominationState, *, actor, reason: str
) -> None:
    """Staff return, refuse or withdraw a nomination under vetting (reason required)."""
    _require_decision(nomination, target)
    transition_nomination(nomination, target, actor=actor, actor_kind=Actor.STAFF, reason=reason)


def qualify_nomination(nomination: Nomination, *, actor) -> None:
    """Vetting passed: eligibility is checked again against today's registry."""
    _require_decision(nomination, NominationState.QUALIFIED)
    problems = eligibility_problems(nomination)
    if problems:
        raise NominationRefusedError(problems)
    transition_nomination(
        nomination, NominationState.QUALIFIED, actor=actor, actor_kind=Actor.STAFF
    )


def bulk_qualify(nominations: list[Nomination], *, actor) -> dict[int, list]:
    """Qualify each nomination that passes; returns the refusals by nomination id."""
    refused: dict[int, list] = {}
    for nomination in nominations:
        try:
            qualify_nomination(nomination, actor=actor)
        except NominationRefusedError as error:
            refused[nomination.id] = [m for _f, m in error.problems]
        except NominationError as error:
            refused[nomination.id] = [error.message]
    return refused


def record_check(
    nomination: Nomination, *, body: ConsultedBody, result: ConsultResult, note: str, actor
) -> ConsultationCheck:
    """Add or update one line of the 征求意见 checklist (while the nomination is vetted)."""
    require_phase(nomination.cycle, CHECKLIST_PHASES, NominationError)
    if nomination.state not in CHECKLIST_STATES:
        raise NominationError(_l("This action is not possible in the nomination's state."))
    check = next((c for c in nomination.checks if c.body is body), None)
    before = {"result": check.result.value, "note": check.note} if check else None
    if check is None:
        check = ConsultationCheck(body=body, result=result)
        nomination.checks.append(check)
    check.result, check.note = result, note
    check.checked_by_id, check.checked_at = getattr(actor, "id", None), utcnow()
    db.session.flush()
    record_event(
        "nomination.check",
        actor=actor,
        obj=nomination,
        before=before,
        after={"body": body.value, "result": result.value, "note": note},
    )
    return check


def add_note(nomination: Nomination, *, body: str, actor) -> NominationNote:
    note = NominationNote(body=body, author_id=getattr(actor, "id", None))
    nomination.notes.append(note)
    db.session.flush()
    record_event("nomination.note", actor=actor, obj=nomination)
    return note


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


def vetting_finished(cycle: Cycle, now: datetime) -> object | None:
    """Leaving vetting: every submitted nomination decided, at least one qualified."""
    rows = db.session.execute(
        sa.select(Nomination.state, sa.func.count())
        .where(Nomination.cycle_id == cycle.id)
        .group_by(Nomination.state)
    )
    counts = {state: n for state, n in rows}
    if cycle.state is not CyclePhase.VETTING:
        return None
    if counts.get(NominationState.SUBMITTED):
        return _l(
            "%(n)d nominations have not been vetted yet.", n=counts[NominationState.SUBMITTED]
        )
    if not counts.get(NominationState.QUALIFIED):
        return _l("No nomination has qualified.")
    return None


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


def year_honorees(cycle: Cycle) -> list[Honoree]:
    """Registry records with a published honor of a monthly local program in the cycle's year
    (the pool an annual program such as 感动漯河年度人物 shortlists from)."""
    year = cycle.reference_date.year
    stmt = (
        sa.select(Honoree)
        .join(Honor, Honor.honoree_id == Honoree.id)
        .join(Program, Honor.program_id == Program.id)
        .where(
            Program.cadence == Cadence.MONTHLY,
            Program.external.is_(False),
            Honor.status == HonorStatus.PUBLISHED,
            Honor.period_start.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .order_by(Honoree.name)
    )
    return list(db.session.scalars(stmt).unique())


def shortlist_from_year(
    cycle: Cycle,
    honoree_ids: list[int],
    *,
    category_id: int,
    organisation: Organisation,
    actor,
) -> list[Nomination]:
    """Staff shortlist monthly honorees of the year into an annual cycle (as submitted
    nominations linked to their registry record, vetted like any other), while it takes or
    vets nominations: never once public review or the committee's vote has begun."""
    if cycle.program.cadence is not Cadence.ANNUAL:
        raise NominationError(_l("Only annual programs shortlist from the monthly lists."))
    require_phase(cycle, SHORTLIST_PHASES, NominationError)
    if category_id not in {link.category_id for link in cycle.program.categories}:
        raise NominationError(_l("Choose a category."), "category_id")
    pool = {h.id: h for h in year_honorees(cycle)}
    outside = [i for i in honoree_ids if i not in pool]
    if outside:
        raise NominationError(
            _l("Only honorees of this year's monthly lists can be shortlisted."), "honoree_ids"
        )
    created = []
    for honoree_id in honoree_ids:
        honoree = pool[honoree_id]
        already = db.session.scalar(
            sa.select(Nomination.id).where(
                Nomination.cycle_id == cycle.id, Nomination.honoree_id == honoree.id
            )
        )
        if already:
            continue
        nomination = Nomination(
            cycle=cycle,
            category_id=category_id,
            organisation=organisation,
            channel=Channel.COUNTY_OFFICE,
            kind=honoree.kind,
            honoree=honoree,
            name=honoree.name,
            gender=honoree.gender,
            birth_date=honoree.birth_date,
            unit=honoree.unit,
            post=honoree.post,
            location_id=honoree.organisation_id,
            district_id=honoree.district_id,
            headline=honoree.headline,
            summary=honoree.summary,
            story_md=honoree.story_md,
            unit_opinion=str(_l("Shortlisted from the monthly lists.")),
            consent_given=honoree.consent_given,
            consent_collected_by=honoree.consent_collected_by,
            consent_date=honoree.consent_at,
            id_number_enc=honoree.id_number_enc,
            id_number_hash=honoree.id_number_hash,
            phone_enc=honoree.phone_enc,
            address_enc=honoree.address_enc,
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(nomination)
        db.session.flush()
        transition_nomination(
            nomination,
            NominationState.SUBMITTED,
            actor=actor,
            actor_kind=Actor.STAFF,
            reason=str(_l("Annual shortlist")),
        )
        created.append(nomination)
    record_event(
        "nomination.shortlisted_from_year",
        actor=actor,
        obj=cycle,
        after={"honorees": [n.honoree_id for n in created]},
    )
    return created
