"""The audit log page for staff and admins: who, when, what, before/after, filterable.

It reads the events the audit package records and the accounts that acted, so it sits with
the staff pages above both (README "Layout"); blueprint `audit` at `/staff/audit`."""

from __future__ import annotations

from datetime import UTC, datetime, time

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from wtforms import DateField, Form, StringField
from wtforms.validators import Length, Optional

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db

bp = Blueprint("audit", __name__)
PER_PAGE = 50


class AuditFilterForm(Form):
    action = StringField(validators=[Optional(), Length(max=80)])
    actor = StringField(validators=[Optional(), Length(max=40)])
    object_type = StringField(validators=[Optional(), Length(max=40)])
    object_id = StringField(validators=[Optional(), Length(max=10)])
    since = DateField(validators=[Optional()])
    until = DateField(validators=[Optional()])


@bp.get("/")
def log():
    form = AuditFilterForm(request.args)
    form.validate()
    stmt = (
        sa.select(AuditEvent, User.username)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if form.action.data and not form.action.errors:
        stmt = stmt.where(AuditEvent.action.startswith(form.action.data.strip(), autoescape=True))
    if form.actor.data and not form.actor.errors:
        wanted = form.actor.data.strip().lower()
        stmt = stmt.where(sa.or_(User.username == wanted, AuditEvent.via == wanted))
    if form.object_type.data and not form.object_type.errors:
        stmt = stmt.where(AuditEvent.object_type == form.object_type.data.strip())
    if (form.object_id.data or "").isdecimal() and len(form.object_id.data) < 10:
        stmt = stmt.where(AuditEvent.object_id == int(form.object_id.data))
    if form.since.data and not form.since.errors:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(form.since.data, time.min, UTC))
    if form.until.data and not form.until.errors:
        # The whole last day; time.max rather than the next midnight, which overflows
        # for 9999-12-31.
        stmt = stmt.where(AuditEvent.at <= datetime.combine(form.until.data, time.max, UTC))
    page = request.args.get("page", "1")
    page = int(page) if page.isdecimal() and len(page) < 7 else 1
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = db.session.execute(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "audit/log.html",
        form=form,
        rows=rows,
        page=page,
        total=total,
        pages=max(1, -(-total // PER_PAGE)),
        args=args,
    )
