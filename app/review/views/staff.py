"""/staff/review/<cycle> for the staff: the anomaly report and voiding likes."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.core.forms import EmptyForm
from app.extensions import db
from app.programs.models import Cycle
from app.review import queries, services
from app.review.forms import VoidLikesForm

bp = Blueprint("review_admin", __name__)


@bp.route("/review/<int:cycle_id>", methods=["GET", "POST"])
def report(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    form = VoidLikesForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            voided = services.void_likes(
                cycle,
                reason=form.reason.data,
                actor=current_user,
                net_hash=form.net_hash.data or None,
                minute=form.minute_utc,
                ip_hash=form.ip_hash.data or None,
            )
        except services.LikeError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("%(n)d likes voided.", n=voided), "success")
        return redirect(url_for("staff.review_admin.report", cycle_id=cycle.id))
    return render_template(
        "review/report.html",
        cycle=cycle,
        report=queries.anomaly_report(cycle),
        counts=queries.counts(cycle.id),
        names=queries.candidate_names(cycle),
        form=EmptyForm(),
    )
