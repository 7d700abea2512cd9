"""/recommend for the public: the recommendation form."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.extensions import db, limiter
from app.nominations.models import Channel
from app.orgs import queries as org_queries
from app.orgs.models import Organisation
from app.recommendations import services
from app.recommendations.forms import RecommendForm
from app.registry.models import HonoreeKind

bp = Blueprint("recommend", __name__)


@bp.route("/recommend", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", methods=["POST"])
def recommend():
    form = RecommendForm()
    form.district_id.choices = [SelectChoice("", _("— not sure —"))] + [
        SelectChoice(str(d.id), d.name) for d in org_queries.districts()
    ]
    if form.validate_on_submit():
        district = (
            db.session.get(Organisation, form.district_id.data) if form.district_id.data else None
        )
        recommendation = services.file_recommendation(
            channel=Channel(form.channel.data),
            kind=HonoreeKind(form.kind.data),
            candidate_name=form.candidate_name.data.strip(),
            district=district,
            unit=(form.unit.data or "").strip() or None,
            headline=form.headline.data.strip(),
            story=form.story.data.strip(),
            recommender_name=form.recommender_name.data.strip(),
            recommender_phone=form.recommender_phone.data.strip(),
            relationship_note=(form.relationship_note.data or "").strip() or None,
        )
        db.session.commit()
        return render_template("recommendations/thanks.html", reference=recommendation.reference)
    if form.is_submitted():
        form.recommender_phone.data = ""  # never echo a phone number back into the page
    return render_template("recommendations/form.html", form=form)
