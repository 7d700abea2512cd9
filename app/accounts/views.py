"""Login, logout and password change."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services, throttle
from app.accounts.forms import LoginForm, PasswordChangeForm
from app.accounts.models import User
from app.core.forms import EmptyForm, attach_error
from app.core.urls import local_target
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


def _policy() -> throttle.ThrottlePolicy:
    config = current_app.config
    return throttle.ThrottlePolicy(
        free_failures=config["LOGIN_FREE_FAILURES"],
        first_delay=timedelta(seconds=config["LOGIN_FIRST_DELAY_SECONDS"]),
        max_delay=timedelta(seconds=config["LOGIN_MAX_DELAY_SECONDS"]),
        memory=timedelta(hours=config["LOGIN_FAILURE_MEMORY_HOURS"]),
        per_address_hour=config["LOGIN_FAILURES_PER_ADDRESS_HOUR"],
    )


def _safe_next(target: str | None) -> str:
    return local_target(target, url_for("home.index"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        ticket = services.start_login(
            form.username.data, ip=request.remote_addr or "-", policy=_policy()
        )
        db.session.commit()  # concurrent attempts see this one before its hash is checked
        result = services.finish_login(ticket, form.password.data, policy=_policy())
        db.session.commit()
        if result.ok:
            # A new session at login: nothing set before it (the CSRF secret included)
            # survives, so a session planted by someone else is worth nothing.
            session.clear()
            login_user(result.user)
            flash(_("Welcome, %(name)s.", name=result.user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")))
        if result.retry_after is not None:
            form.form_errors.append(str(services.throttled_message(result.retry_after)))
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
    return redirect(url_for("home.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                ip=request.remote_addr or "-",
                policy=_policy(),
            )
        except services.AccountError as error:
            # Keep the failure the throttle recorded; nothing else was changed.
            db.session.commit()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            login_user(current_user)  # the session version changed; keep this session
            flash(_("Your password has been changed. Other sessions were logged out."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/password.html", form=form)
