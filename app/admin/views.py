"""Admin pages: users (create, roles, organisation, deactivate).

Organisations are managed by staff too: app/orgs/views.py.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import queries as account_queries
from app.accounts import services as account_services
from app.accounts.forms import UserCreateForm, UserEditForm
from app.accounts.models import Role, User
from app.accounts.permissions import can_manage_accounts
from app.core.forms import attach_error
from app.core.guards import require
from app.extensions import db
from app.notifications import queries as notification_queries
from app.notifications.services import notify
from app.orgs import queries as org_queries
from app.orgs.models import Organisation

bp = Blueprint("admin", __name__)
bp.before_request(require(can_manage_accounts))


def _org(org_id: int | None) -> Organisation | None:
    return db.session.get(Organisation, org_id) if org_id else None


def _with_org_choices(form):
    form.organisation_id.choices = org_queries.organisation_choices(_("— none —"))
    return form


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
def users():
    return render_template(
        "admin/users.html",
        users=account_queries.list_users(),
        undeliverable=notification_queries.undeliverable_count(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = _with_org_choices(UserCreateForm())
    if form.validate_on_submit():
        try:
            user = account_services.create_user(
                username=form.username.data,
                display_name=form.display_name.data,
                password=form.password.data,
                roles=[Role(value) for value in form.roles.data],
                organisation=_org(form.organisation_id.data),
                email=form.email.data,
                actor=current_user,
            )
        except account_services.AccountError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _with_org_choices(UserEditForm(obj=user))
    if form.validate_on_submit():
        try:
            account_services.update_user(
                user,
                display_name=form.display_name.data,
                roles=[Role(value) for value in form.roles.data],
                organisation=_org(form.organisation_id.data),
                is_active=form.is_active.data,
                new_password=form.new_password.data or None,
                email=form.email.data,
                actor=current_user,
            )
        except account_services.AccountError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            if user.must_change_password and form.new_password.data:
                # Mail and inbox: the member learns of the reset even if it was not theirs.
                notify(
                    [user],
                    subject=_("Your password was reset by an administrator"),
                    body=_(
                        "Your next login must choose a new password. If you did not ask "
                        "for this reset, tell the secretariat at once."
                    ),
                )
            db.session.commit()
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)
