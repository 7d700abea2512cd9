"""The inbox: status changes and forwarded recommendations for the logged-in user."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.notifications import queries, services

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_count() -> dict:
    if not current_user or not current_user.is_authenticated:
        return {"unread_count": 0}
    return {"unread_count": queries.unread_count(current_user)}


@bp.get("/inbox")
@login_required
def inbox():
    return render_template("notifications/inbox.html", messages=queries.inbox(current_user))


@bp.post("/inbox/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.inbox"))
