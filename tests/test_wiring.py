"""What app/wiring.py plugs into the layers below, and in which order."""

from __future__ import annotations

import sqlalchemy as sa

from app import wiring
from app.core import cache, public_data
from app.honors import services as honors
from app.programs import services as programs
from app.programs.workflow import CyclePhase
from app.registry import queries as registry_queries
from app.registry.models import GroupMember, Honor, Honoree
from app.roll import search


def _names(hooks) -> list[str]:
    return [f"{hook.__module__}.{hook.__name__}" for hook in hooks]


def test_cycle_preconditions_registered_in_order(app):
    preconditions = programs.registered_hooks()["preconditions"]

    assert {phase: _names(checks) for phase, checks in preconditions.items()} == {
        CyclePhase.NOMINATING: ["app.programs.services._program_ready"],
        CyclePhase.VETTING: ["app.programs.services._deadline_passed"],
        CyclePhase.PUBLIC_REVIEW: [
            "app.programs.services._review_end_ahead",
            "app.vetting.services.vetting_finished",
        ],
        CyclePhase.VOTING: [
            "app.vetting.services.vetting_finished",
            "app.committee.roster.committee_ready",
        ],
        CyclePhase.NOTICE: ["app.committee.results.results_applied"],
        CyclePhase.PUBLISHED: [
            "app.programs.services._notice_over",
            "app.notice.services.notice_clear",
        ],
        CyclePhase.CLOSED: ["app.nominations.services.nothing_to_decide"],
    }


def test_cycle_effects_and_scheduled_tasks_registered_in_order(app):
    hooks = programs.registered_hooks()

    assert {phase: _names(effects) for phase, effects in hooks["effects"].items()} == {
        CyclePhase.NOMINATING: ["app.nominations.reminders.call_for_nominations"],
        CyclePhase.VOTING: ["app.committee.roster.freeze_roster"],
        CyclePhase.NOTICE: ["app.committee.results.into_notice"],
    }
    assert _names(hooks["scheduled"]) == [
        "app.committee.ballots.close_due_votes",
        "app.committee.reminders.remind_ballots",
        "app.nominations.reminders.remind_drafts_task",
        "app.notice.services.note_ended_notices",
        "app.review.services.prune_like_budgets",
    ]


def test_revocation_effects_registered(app):
    assert _names(honors.revoke_hooks()) == ["app.courtesy.services.stop_benefits"]


def test_public_data_watches_honors_members_and_public_registry_fields(app):
    assert public_data.watched() == {
        Honor: frozenset(),
        GroupMember: frozenset(),
        Honoree: frozenset(wiring.HONOREE_PRIVATE_FIELDS),
    }
    assert cache._next_release is registry_queries.next_release


def test_aggregates_warmed_after_a_change_are_the_figures_the_stats_and_the_roll(app):
    assert _names(cache.warmers()) == [
        "app.honors.queries.headline_figures",
        "app.stats.queries.warm",
        "app.roll.queries.warm",
    ]


def test_search_index_ddl_follows_the_registry_table(app):
    assert sa.event.contains(Honoree.__table__, "after_create", search.after_create)
    assert sa.event.contains(Honoree.__table__, "before_drop", search.before_drop)


def test_wiring_twice_registers_each_hook_once(app):
    before = programs.registered_hooks()

    wiring.wire()
    wiring.wire()

    assert programs.registered_hooks() == before
    assert len(honors.revoke_hooks()) == 1
