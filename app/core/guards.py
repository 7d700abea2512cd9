"""Area guards: a whole blueprint is protected once, never route by route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user

from app.extensions import login_manager


def require(predicate: Callable[[Any], bool]) -> Callable[[], Any]:
    """A before_request hook: anonymous → login page, lacking permission → 403."""

    def guard() -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not predicate(current_user):
            abort(403)
        return None

    return guard
