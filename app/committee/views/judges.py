"""The committee members' pages (/committee): ballot, conflicts, photos, bulletin, results."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, OperationalError

from app.accounts.permissions import can_vote
from app.committee import ballots, queries, roster, workflow
from app.committee import results as committee_results
from app.committee.forms import ChairDecisionForm, ConflictForm, ballot_form
from app.committee.models import CommitteeMember, ConflictStatus
from app.committee.permissions import can_read_ballot, can_see_results
from app.committee.views.results_page import render_results
from app.core.files import send_image
from app.core.guards import require
from app.core.retry import commit_with_retry
from app.db_types import utcnow
from app.exceptions import WindowClosedError
from app.extensions import db
from app.nominations.models import Nomination, NominationPhoto
from app.programs.models import BallotRule, Cycle
from app.programs.rules import cycle_rules

bp = Blueprint("committee", __name__)
bp.before_request(require(can_vote))


def _member_or_403(cycle: Cycle):
    member = queries.membership(cycle, current_user)
    if member is None:
        abort(403)
    return member


@bp.get("/")
def index():
    rows = db.session.execute(
        sa.select(Cycle, CommitteeMember)
        .join(CommitteeMember, CommitteeMember.cycle_id == Cycle.id)
        .where(CommitteeMember.user_id == current_user.id)
        .order_by(Cycle.reference_date.desc())
    ).all()
    return render_template("committee/index.html", rows=rows)


def _criteria(cycle: Cycle) -> list[str] | None:
    """The criteria a ballot scores, or None when it approves (a runoff always does)."""
    rules = cycle_rules(cycle)
    if queries.open_round(cycle) or rules.ballot_rule is BallotRule.APPROVAL:
        return None
    return rules.criterion_codes or ["overall"]


@bp.route("/cycles/<int:cycle_id>", methods=["GET", "POST"])
def ballot(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    member = _member_or_403(cycle)
    round_ = queries.open_round(cycle)
    pool = queries.candidates(cycle, round_)
    error = None
    typed = None
    criteria = _criteria(cycle)
    form = ballot_form(pool, criteria)
    if form.validate_on_submit():
        typed = form.ballot_input(pool, criteria)
        try:
            receipt = _submit_with_retry(cycle.id, member.id, typed)
        except workflow.CommitteeError as problem:
            if isinstance(problem, WindowClosedError):
                raise  # the polite page naming the date
            db.session.rollback()
            error = str(problem.message)
        else:
            flash(_("Ballot saved. Your receipt code: %(code)s", code=receipt), "success")
            return redirect(url_for("committee.ballot", cycle_id=cycle.id))
    mine = queries.my_ballot(cycle, member, round_)
    hidden = mine is not None and not can_read_ballot(current_user, mine)
    current = typed or (ballots.BallotInput() if hidden else _from_ballot(mine))
    return render_template(
        "committee/ballot.html",
        cycle=cycle,
        member=member,
        pool=pool,
        round=round_,
        runoff=queries.current_runoff(cycle) if round_ else None,
        conflicts=queries.conflicts_of(member),
        error=error,
        current=current,
        mine=mine,
        hidden=hidden,
        accepting=queries.ballots_open(cycle, utcnow()),
        criteria=cycle_rules(cycle).score_criteria
        or [{"code": "overall", "name_zh": "综合评分", "name_en": "Overall", "weight": 1}],
        score_rule=not round_ and cycle_rules(cycle).ballot_rule is BallotRule.SCORE,
        ConflictStatus=ConflictStatus,
        roster_size=len(queries.roster(cycle)),
        form=form,
    )


# Retrying stops after this long: a database locked for longer (SQLite waits 5 s per try)
# answers the 503 page at once instead of holding the request for minutes.
BALLOT_RETRY_SECONDS = 5


def _submit_with_retry(cycle_id: int, member_id: int, data: ballots.BallotInput) -> str:
    """Submit and commit; a concurrent submission of the same member (SQLite's busy
    snapshot, a lost insert race) is retried from a fresh transaction."""

    def submit() -> str:
        cycle = db.session.get(Cycle, cycle_id)
        member = db.session.get(CommitteeMember, member_id)
        ballot = ballots.submit_ballot(cycle, member, data, secret=current_app.config["SECRET_KEY"])
        return ballot.receipt

    try:
        return commit_with_retry(
            submit, seconds=BALLOT_RETRY_SECONDS, retry_on=(OperationalError, IntegrityError)
        )
    except IntegrityError as error:
        raise workflow.CommitteeError(
            _l("The ballot could not be saved; please try again.")
        ) from error


def _from_ballot(ballot) -> ballots.BallotInput:
    if ballot is None:
        return ballots.BallotInput()
    content = ballot.content
    return ballots.BallotInput(
        approvals=list(content.get("approvals", [])),
        scores={int(k): v for k, v in content.get("scores", {}).items()},
        justifications={int(k): v for k, v in content.get("justifications", {}).items()},
    )


@bp.post("/cycles/<int:cycle_id>/conflicts/<int:nomination_id>")
def conflict(cycle_id: int, nomination_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    member = _member_or_403(cycle)
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.cycle_id != cycle.id:
        abort(404)
    form = ConflictForm()
    reason = form.reason.data
    try:
        if form.action.data == "clear":
            roster.clear_flag(member, nomination, reason=reason)
        else:
            roster.declare_conflict(member, nomination, reason=reason)
    except workflow.CommitteeError as problem:
        if isinstance(problem, WindowClosedError):
            raise  # recusals are frozen at the close: the polite page naming the date
        db.session.rollback()
        flash(str(problem.message), "error")
    else:
        db.session.commit()
        flash(_("Recorded."), "success")
    return redirect(url_for("committee.ballot", cycle_id=cycle.id) + "#conflicts")


@bp.get("/cycles/<int:cycle_id>/photos/<int:photo_id>")
def photo(cycle_id: int, photo_id: int):
    """Candidate photos for the members of this cycle's committee only."""
    cycle = db.get_or_404(Cycle, cycle_id)
    _member_or_403(cycle)
    found = db.session.execute(
        sa.select(NominationPhoto)
        .join(Nomination, Nomination.id == NominationPhoto.nomination_id)
        .where(
            NominationPhoto.id == photo_id,
            Nomination.cycle_id == cycle.id,
            Nomination.state.in_(workflow.SHORTLIST_STATES),
        )
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    return send_image(
        Path(current_app.instance_path) / "uploads" / found.thumb_path, max_age=0, private=True
    )


@bp.get("/cycles/<int:cycle_id>/bulletin")
def bulletin(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    member = _member_or_403(cycle)
    raw_round = request.args.get("round", "0")
    round_ = int(raw_round) if raw_round.isdecimal() and len(raw_round) < 4 else 0
    codes = queries.bulletin(cycle, round_)
    check = (request.args.get("receipt") or "").strip().upper()[:40]
    mine = queries.my_ballot(cycle, member, round_)
    return render_template(
        "committee/bulletin.html",
        cycle=cycle,
        codes=codes,
        check=check,
        found=check in codes if check else None,
        mine=mine,
        round=round_,
    )


@bp.route("/cycles/<int:cycle_id>/results", methods=["GET", "POST"])
def chair_results(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    member = _member_or_403(cycle)
    if not can_see_results(current_user, member):
        abort(403)
    form = ChairDecisionForm()
    if form.validate_on_submit():
        try:
            committee_results.record_chair_decision(
                cycle, form.chosen.data, reason=form.reason.data, actor=current_user
            )
        except workflow.CommitteeError as problem:
            db.session.rollback()
            flash(str(problem.message), "error")
        else:
            db.session.commit()
            flash(_("The chair's decision is recorded."), "success")
        return redirect(url_for("committee.chair_results", cycle_id=cycle.id))
    return render_results(cycle, chair=True)
