"""Vetting use cases of the secretariat: qualify, return, refuse, withdraw, the 征求意见
checklist, internal notes, the registry link, the annual shortlist, leaving vetting.

Nomination.state changes only through `nominations.services.transition_nomination`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import (
    Channel,
    ConsultationCheck,
    ConsultedBody,
    ConsultResult,
    Nomination,
    NominationNote,
)
from app.nominations.services import (
    NominationError,
    NominationRefusedError,
    eligibility_problems,
    registry_link_problem,
    set_registry_link,
    transition_nomination,
)
from app.nominations.workflow import (
    CHECKLIST_PHASES,
    CHECKLIST_STATES,
    REGISTRY_LINKABLE,
    SHORTLIST_PHASES,
    STAFF_DECISIONS,
    Actor,
    NominationState,
)
from app.orgs.models import Organisation
from app.programs.models import Cadence, Cycle
from app.programs.services import require_phase
from app.programs.workflow import CyclePhase
from app.registry.models import Honoree
from app.vetting import queries


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
    """An internal note of the secretariat (never shown to the nominator), audited."""
    note = NominationNote(body=body, author_id=getattr(actor, "id", None))
    nomination.notes.append(note)
    db.session.flush()
    record_event("nomination.note", actor=actor, obj=nomination)
    return note


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
    set_registry_link(nomination, honoree, actor=actor, reason=reason)


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
    pool = {h.id: h for h in queries.year_honorees(cycle)}
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
