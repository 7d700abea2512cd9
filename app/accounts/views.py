"""Login, logout and password change."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services
from app.accounts.forms import LoginForm, PasswordChangeForm
from app.accounts.models import User
from app.core.forms import EmptyForm, attach_error
from app.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Session ids are `<user id>:<session version>`; a bumped version ends old sessions."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdecimal() or not version.isdecimal():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


# What a session may open before replacing a password an administrator set.
PASSWORD_CHANGE_ENDPOINTS = frozenset(
    {"accounts.change_password", "accounts.logout", "static", "core.healthz"}
)


@bp.before_app_request
def _require_new_password():
    """After an admin reset, the login that used the reset password sees nothing else
    (no ballot, no inbox) until it has chosen a new password."""
    if request.endpoint in PASSWORD_CHANGE_ENDPOINTS or not current_user.is_authenticated:
        return None
    if not current_user.must_change_password:
        return None
    if request.method == "GET":
        flash(_("An administrator reset your password: choose a new one to continue."), "info")
    return redirect(url_for("accounts.change_password"))


def _policy() -> services.LockoutPolicy:
    config = current_app.config
    return services.LockoutPolicy(
        threshold=config["LOCKOUT_THRESHOLD"],
        window=timedelta(minutes=config["LOCKOUT_WINDOW_MINUTES"]),
        duration=timedelta(minutes=config["LOCKOUT_DURATION_MINUTES"]),
    )


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.username.data, form.password.data, policy=_policy())
        db.session.commit()
        if result.ok:
            login_user(result.user)
            flash(_("Welcome, %(name)s.", name=result.user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")))
        if result.locked_until is not None:
            minutes = _policy().duration.seconds // 60
            form.form_errors.append(
                _(
                    "Too many failed logins: this account is locked for %(minutes)d minutes, "
                    "until %(time)s.",
                    minutes=minutes,
                    time=format_datetime(result.locked_until, "HH:mm"),
                )
            )
        else:
            form.form_errors.append(_("Wrong username or password."))
        form.password.data = ""
        return render_template("accounts/login.html", form=form), 200
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        services.end_sessions(current_user)
        db.session.commit()
        logout_user()
        flash(_("You have logged out."), "success")
    return redirect(url_for("core.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except services.AccountError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            login_user(current_user)  # the session version changed; keep this session
            flash(_("Your password has been changed. Other sessions were logged out."), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/password.html", form=form)
