"""What the dashboard calls each audit action."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "account.created": _l("Account created"),
    "account.password_changed": _l("Password changed"),
    "account.updated": _l("Account updated"),
    "ballot.submitted": _l("Ballot cast"),
    "category.created": _l("Category created"),
    "committee.chair_decision": _l("Chair's tie-break decision recorded"),
    "committee.chair_set": _l("Committee chair named"),
    "committee.flag_cleared": _l("Conflict flag cleared"),
    "committee.frozen": _l("Committee roster frozen"),
    "committee.member_added": _l("Committee member appointed"),
    "committee.member_removed": _l("Committee member removed"),
    "committee.recused": _l("Committee member recused"),
    "committee.reminded": _l("Committee members reminded to vote"),
    "committee.results_applied": _l("Committee results applied"),
    "committee.runoff_closed": _l("Runoff closed"),
    "committee.runoff_opened": _l("Runoff opened"),
    "committee.voting_closed": _l("Voting closed"),
    "courtesy.aid_granted": _l("Aid granted"),
    "courtesy.assessed": _l("Hardship assessed"),
    "courtesy.benefits_stopped": _l("Benefits stopped"),
    "courtesy.card_issued": _l("Courtesy card issued"),
    "courtesy.visit": _l("Visit recorded"),
    "cycle.created": _l("Cycle created"),
    "cycle.dates_changed": _l("Cycle dates changed"),
    "cycle.notice_ended": _l("Public notice ended"),
    "cycle.published": _l("List published"),
    "cycle.transition": _l("Cycle moved to its next phase"),
    "honor.external_recorded": _l("External honor recorded"),
    "honor.revoked": _l("Honor revoked"),
    "honoree.consent_withdrawn": _l("Consent withdrawn"),
    "honoree.corrected": _l("Registry record corrected"),
    "honoree.merged": _l("Registry records merged"),
    "import.applied": _l("Import applied"),
    "likes.voided": _l("Likes voided"),
    "nomination.check": _l("Vetting check recorded"),
    "nomination.created": _l("Nomination created"),
    "nomination.note": _l("Vetting note added"),
    "nomination.registry_linked": _l("Nomination linked to a registry record"),
    "nomination.shortlisted_from_year": _l("Candidate shortlisted from the year's honorees"),
    "nomination.transition": _l("Nomination status changed"),
    "nominations.exported": _l("Nominations exported"),
    "objection.resolved": _l("Objection resolved"),
    "organisation.created": _l("Organisation created"),
    "program.created": _l("Program created"),
    "promotion.outcome": _l("Promotion outcome recorded"),
    "promotion.recommended": _l("Honoree recommended upward"),
    "recommendation.accepted": _l("Public recommendation accepted"),
    "recommendation.rejected": _l("Public recommendation rejected"),
}
OTHER_ACTION = _l("Other change")


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, OTHER_ACTION))
