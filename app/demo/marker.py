"""Whether the demo data set is loaded: the footer's "demo data" disclaimer."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

from app.accounts.models import User
from app.core.cache import public_version
from app.core.public_data import VERSION_MEMO
from app.extensions import db

# The demo loader's first account (app/demo/data.py USERS): a real site never has it.
DEMO_MARKER_USERNAME = "demo-admin"
DEMO_MEMO = "honors_demo_loaded"


def demo_loaded() -> bool:
    """Whether the demo data set is in the database, remembered per process with the public
    data version it was read under and asked again when a page has read a newer version
    (loading the demo bumps it): no page makes a query for it but the process's first.
    A database that cannot answer (an error page during an outage) shows no disclaimer."""
    remembered = current_app.extensions.get(DEMO_MEMO)
    known = g.get("public_version") or (current_app.extensions.get(VERSION_MEMO) or (0, None))[1]
    if remembered is not None and (known is None or remembered[0] == known):
        return remembered[1]
    try:
        version = public_version()
        loaded = bool(
            db.session.scalar(sa.select(sa.exists().where(User.username == DEMO_MARKER_USERNAME)))
        )
    except SQLAlchemyError:
        return False
    current_app.extensions[DEMO_MEMO] = (version, loaded)
    return loaded
