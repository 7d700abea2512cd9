"""Staff publication pages: publish a cycle (now or scheduled), revoke an honor, record a
consent withdrawal, print any certificate (corrections and merges of a record are
app/registry/views.py)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
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
from app.honors import services
from app.honors.forms import HonoreeActionForm, PublishForm
from app.honors.views.public import certificate_response
from app.programs.models import Cycle
from app.programs.workflow import TransitionError
from app.registry import services as registry
from app.registry.forms import FIELD_LABELS
from app.registry.models import Honor, Honoree, HonorStatus

bp = Blueprint("honors_admin", __name__)


@bp.route("/cycles/<int:cycle_id>/publish", methods=["GET", "POST"])
def publish(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    form = PublishForm()
    error = None
    if form.validate_on_submit():
        release_at = form.release_at.data
        try:
            honors = services.publish_cycle(cycle, actor=current_user, release_at=release_at)
        except (TransitionError, services.PublicationError) as problem:
            db.session.rollback()
            error = str(getattr(problem, "message", problem))
        else:
            db.session.commit()
            flash(_("%(n)d honors published.", n=len(honors)), "success")
            return redirect(url_for("staff.cycle", cycle_id=cycle.id))
    elif form.release_at.errors:
        error = str(form.release_at.errors[0])
    return render_template("honors/publish.html", cycle=cycle, error=error, form=form)


@bp.route("/honorees/<int:honoree_id>", methods=["GET", "POST"])
def manage_honoree(honoree_id: int):
    record = db.get_or_404(Honoree, honoree_id)
    form = HonoreeActionForm()
    if request.method == "POST" and form.validate_on_submit():
        reason = form.reason.data
        try:
            if form.withdraws_consent:
                services.withdraw_consent(record, reason=reason, actor=current_user)
            else:
                honor_id = form.honor_id_value
                honor = db.session.get(Honor, honor_id) if honor_id is not None else None
                if honor is None or honor.honoree_id != record.id:
                    abort(404)
                services.revoke_honor(honor, reason=reason, actor=current_user)
        except services.PublicationError as problem:
            db.session.rollback()
            flash(str(problem.message), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
        return redirect(url_for("staff.honors_admin.manage_honoree", honoree_id=record.id))
    return render_template(
        "honors/manage.html",
        honoree=record,
        form=EmptyForm(),
        corrections=registry.correction_log(record),
        field_labels=FIELD_LABELS,
    )


@bp.get("/honors/<int:honor_id>/certificate.pdf")
def staff_certificate(honor_id: int):
    """Staff may print the certificate of any honor (e.g. before the release time)."""
    honor = db.get_or_404(Honor, honor_id)
    if honor.status is HonorStatus.REVOKED:
        abort(410)
    return certificate_response(honor)
