"""Error pages in both languages; JSON for /api and /healthz callers."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from app.exceptions import WindowClosedError
from app.extensions import db

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has moved.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    410: (_l("Page removed"), _l("This page has been removed and is no longer available.")),
    413: (
        _l("Upload too large"),
        _l("The file you sent is larger than allowed. Please choose a smaller file."),
    ),
    429: (
        _l("Too many requests"),
        _l("You have sent too many requests. Please wait a moment and try again."),
    ),
    500: (
        _l("Server error"),
        _l("Something went wrong on our side. The error has been logged; please try again later."),
    ),
    503: (
        _l("Service unavailable"),
        _l("The service is busy or under maintenance. Please try again in a moment."),
    ),
}
CSRF_MESSAGE = _l(
    "Your form expired or was sent from elsewhere. Please reload the page and try again."
)


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith(("/api/", "/healthz")):
        return jsonify(error=str(title), message=str(detail or message)), code
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(WindowClosedError)
    def window_closed(error: WindowClosedError):
        # A phase's action after (or before) its dates: a polite page naming the date.
        db.session.rollback()
        if request.path.startswith("/api/"):
            return jsonify(error="window_closed", message=str(error.message)), 409
        return render_template(
            "errors/window_closed.html",
            code=409,
            title=_l("This stage is closed"),
            message=error.message,
            closed_at=error.closed_at,
            opens_at=error.opens_at,
        ), 409

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in MESSAGES:
            return error
        return render_error(code)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        db.session.rollback()
        app.logger.warning("database unavailable: %s", error.__class__.__name__)
        return render_error(ServiceUnavailable.code)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        return render_error(500)
