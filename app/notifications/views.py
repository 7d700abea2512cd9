"""The inbox: status changes and forwarded recommendations for the logged-in user."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.notifications import services
from app.notifications.models import Notification

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_count() -> dict:
    if not current_user or not current_user.is_authenticated:
        return {"unread_count": 0}
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
    )
    return {"unread_count": count}


@bp.get("/inbox")
@login_required
def inbox():
    messages = db.session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(200)
    ).all()
    return render_template("notifications/inbox.html", messages=messages)


@bp.post("/inbox/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.inbox"))
