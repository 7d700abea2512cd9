"""Where the domains plug into the layers below them, in one place.

A lower package offers a hook and never imports the domain that uses it: `programs` runs
the cycle's preconditions, on-enter effects and dated tasks; `honors` runs the effects of a
revocation; `core` keeps the public data version and the page cache. The app factory calls
`wire()`; `tests/test_wiring.py` pins what is registered and in which order (the order is
the order in which refusals are listed and effects run).
"""

from __future__ import annotations

import sqlalchemy as sa


def wire() -> None:
    """Register every cross-domain hook. Idempotent: each registry keeps a hook once."""
    from app.committee import ballots as committee_ballots
    from app.committee import reminders as committee_reminders
    from app.committee import results as committee_results
    from app.committee import roster as committee_roster
    from app.core import cache, public_data
    from app.courtesy import services as courtesy
    from app.honors import queries as honors_queries
    from app.honors import services as honors
    from app.nominations import reminders as nomination_reminders
    from app.nominations import services as nominations
    from app.notice import services as notice
    from app.programs import services as programs
    from app.programs.workflow import CyclePhase
    from app.registry import queries as registry_queries
    from app.registry.models import GroupMember, Honor, Honoree
    from app.review import services as review
    from app.roll import queries as roll_queries
    from app.roll import search
    from app.stats import queries as stats_queries
    from app.vetting import services as vetting

    # Before a cycle enters a phase: who must have finished what (programs' own checks
    # come first, registered where they are defined).
    programs.precondition(CyclePhase.PUBLIC_REVIEW, CyclePhase.VOTING)(vetting.vetting_finished)
    programs.precondition(CyclePhase.CLOSED)(nominations.nothing_to_decide)
    programs.precondition(CyclePhase.VOTING)(committee_roster.committee_ready)
    programs.precondition(CyclePhase.NOTICE)(committee_results.results_applied)
    programs.precondition(CyclePhase.PUBLISHED)(notice.notice_clear)

    # Right after a cycle enters a phase, in the same transaction.
    programs.on_enter(CyclePhase.NOMINATING)(nomination_reminders.call_for_nominations)
    programs.on_enter(CyclePhase.VOTING)(committee_roster.freeze_roster)
    programs.on_enter(CyclePhase.NOTICE)(committee_results.into_notice)

    # `flask honors schedule`, after the cycles' own dated moves.
    programs.on_schedule(committee_ballots.close_due_votes)
    programs.on_schedule(committee_reminders.remind_ballots)
    programs.on_schedule(nomination_reminders.remind_drafts_task)
    programs.on_schedule(notice.note_ended_notices)
    programs.on_schedule(review.prune_like_budgets)

    # A revoked honor stops the courtesy benefits it carried.
    honors.on_revoke(courtesy.stop_benefits)

    # Public data: any change of these rows bumps the version the page cache is keyed by.
    public_data.watch(Honor)
    public_data.watch(GroupMember)
    public_data.watch(Honoree, private=HONOREE_PRIVATE_FIELDS)
    cache.set_next_release(registry_queries.next_release)
    # Aggregates over the public data, computed after each committed change of it.
    cache.warms(honors_queries.headline_figures)
    cache.warms(stats_queries.warm)
    cache.warms(roll_queries.warm)

    # The registry search index is built with the registry table (create_all in tests);
    # on SQLite its triggers call a Python function registered on every connection.
    for event, hook in (("after_create", search.after_create), ("before_drop", search.before_drop)):
        if not sa.event.contains(Honoree.__table__, event, hook):
            sa.event.listen(Honoree.__table__, event, hook)
    if not sa.event.contains(sa.engine.Engine, "connect", search.register_sqlite_function):
        sa.event.listen(sa.engine.Engine, "connect", search.register_sqlite_function)


# Registry fields that no public page, export or API shows: changing them keeps the cache.
HONOREE_PRIVATE_FIELDS = (
    "id_number_enc",
    "id_number_hash",
    "phone_enc",
    "address_enc",
    "consent_collected_by",
    "updated_at",
    "honors",  # a relationship: the Honor rows themselves are watched
)
