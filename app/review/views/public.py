"""/review for the public: the candidates, their photos and likes."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from app.core.errors import render_error
from app.core.files import send_image
from app.core.forms import EmptyForm
from app.core.retry import commit_with_retry
from app.core.urls import local_target
from app.extensions import db
from app.nominations.models import Nomination, NominationPhoto, PhotoKind
from app.review import queries, services
from app.review.forms import LikeForm

bp = Blueprint("review", __name__)

VISITOR_KEY = "visitor"


def visitor_id() -> str:
    """A random id kept in the signed session cookie: the 'visitor' of the like rules."""
    if VISITOR_KEY not in session:
        session[VISITOR_KEY] = secrets.token_hex(16)
        session.permanent = True
    return session[VISITOR_KEY]


# A like refused as locked (SQLite: its 5 s busy timeout passed while other writers kept
# taking the lock) is tried again until this long has passed (core.retry), then answers 503.
LIKE_RETRY_SECONDS = 10


def like_rule() -> services.LikeRule:
    config = current_app.config
    return services.LikeRule(
        per_address_minute=config["LIKES_PER_ADDRESS_MINUTE"],
        per_address_hour=config["LIKES_PER_ADDRESS_HOUR"],
        per_address_candidate_day=config["LIKES_PER_ADDRESS_CANDIDATE_DAY"],
    )


@bp.get("/review")
def index():
    visitor = visitor_id()
    cycles = [
        (
            cycle,
            queries.candidates(cycle),
            queries.counts(cycle.id),
            queries.liked_today(cycle.id, visitor),
        )
        for cycle in queries.review_cycles()
    ]
    return render_template("review/index.html", cycles=cycles, form=EmptyForm(), rule=like_rule())


def _public_candidate(nomination_id: int) -> Nomination:
    nomination = queries.public_candidate(nomination_id)
    if nomination is None:
        abort(404)
    return nomination


@bp.get("/review/<int:nomination_id>")
def candidate(nomination_id: int):
    nomination = _public_candidate(nomination_id)
    visitor = visitor_id()
    return render_template(
        "review/candidate.html",
        nomination=nomination,
        cycle=nomination.cycle,
        count=queries.counts(nomination.cycle_id).get(nomination.id, 0),
        liked=nomination.id in queries.liked_today(nomination.cycle_id, visitor),
        form=EmptyForm(),
        rule=like_rule(),
    )


@bp.post("/review/<int:nomination_id>/like")
def like(nomination_id: int):
    # The limits live in the database (services.LikeRule), not in the per-worker limiter.
    nomination = _public_candidate(nomination_id)
    name, anchor = nomination.name, f"#candidate-{nomination.id}"  # the commit expires it
    form = LikeForm()
    if form.validate_on_submit():
        visitor, ip, rule = visitor_id(), request.remote_addr or "-", like_rule()
        try:
            commit_with_retry(
                lambda: services.add_like(
                    db.session.get(Nomination, nomination_id), visitor_id=visitor, ip=ip, rule=rule
                ),
                seconds=LIKE_RETRY_SECONDS,
            )
        except services.LikeLimitError as error:
            db.session.rollback()
            response = make_response(render_error(429, str(error.message)))
            response.headers["Retry-After"] = str(error.retry_after)
            return response
        except services.LikeError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(_("Thank you: your like for %(name)s is counted.", name=name), "success")
    back = local_target(form.back.data, url_for("review.index"), under="/review")
    return redirect(back + anchor)


@bp.get("/review/photos/<int:photo_id>")
def photo(photo_id: int):
    found = db.session.get(NominationPhoto, photo_id)
    if found is None or found.kind is not PhotoKind.ID_PHOTO:
        abort(404)
    _public_candidate(found.nomination_id)
    return send_image(Path(current_app.instance_path) / "uploads" / found.thumb_path, max_age=300)
