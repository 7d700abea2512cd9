"""Translatable labels for program and cycle enums (code names stay in code, words in the UI)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.programs.models import BallotRule, Cadence, Level, NomineeKind
from app.programs.workflow import CyclePhase

PHASE_LABELS = {
    CyclePhase.DRAFT: _l("Draft"),
    CyclePhase.NOMINATING: _l("Nominating"),
    CyclePhase.VETTING: _l("Vetting"),
    CyclePhase.PUBLIC_REVIEW: _l("Public review"),
    CyclePhase.VOTING: _l("Committee voting"),
    CyclePhase.NOTICE: _l("Public notice"),
    CyclePhase.PUBLISHED: _l("Published"),
    CyclePhase.CLOSED: _l("Closed"),
}
LEVEL_LABELS = {Level.CITY: _l("City"), Level.PROVINCE: _l("Province"), Level.NATION: _l("Nation")}
CADENCE_LABELS = {
    Cadence.MONTHLY: _l("Monthly"),
    Cadence.QUARTERLY: _l("Quarterly"),
    Cadence.ANNUAL: _l("Annual"),
    Cadence.BIENNIAL: _l("Every two years"),
    Cadence.IRREGULAR: _l("Irregular"),
}
NOMINEE_LABELS = {
    NomineeKind.INDIVIDUAL: _l("Individuals"),
    NomineeKind.GROUP: _l("Groups"),
    NomineeKind.BOTH: _l("Individuals and groups"),
}
BALLOT_LABELS = {BallotRule.APPROVAL: _l("Approval"), BallotRule.SCORE: _l("Scores")}
# The cycle's phase dates, as the staff dates form and its error messages name them.
DATE_LABELS = {
    "nominations_open_at": _l("Nominations open"),
    "nominations_close_at": _l("Nomination deadline"),
    "review_starts_at": _l("Public review starts"),
    "review_ends_at": _l("Public review ends"),
    "voting_starts_at": _l("Voting starts"),
    "voting_ends_at": _l("Voting ends"),
    "notice_starts_at": _l("Notice starts"),
    "notice_ends_at": _l("Notice ends"),
}


# The code names of these enums are all distinct (a test keeps it so): one table serves all.
TABLES = (PHASE_LABELS, LEVEL_LABELS, CADENCE_LABELS, NOMINEE_LABELS, BALLOT_LABELS)
LABELS = {key: text for table in TABLES for key, text in table.items()}


def label(value: object) -> str:
    """The UI word for any enum value above (falls back to the code name)."""
    return str(LABELS.get(value, value))
