"""The public data version, bumped by the session whenever public data changes.

Cached public pages are keyed by this version (app/core/cache.py). Domains declare which of
their models are public with `watch()` (wired in app/wiring.py); a flush listener then bumps
the version in the same transaction as any insert, delete or change of a public field of
such a model, and an execute listener does the same for bulk INSERT/UPDATE/DELETE
statements on their tables. No service calls the bump by hand, so none can forget it.

Once per transaction: a publication of ten honors in several flushes bumps the version once.
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db_types import UTCDateTime, intpk, utcnow
from app.extensions import db

VERSION_MEMO = "honors_public_version"
CHANGED_FLAG = "public_data_changed"  # g: this context bumped (app/core/cache.py warms after)
_BUMPED_IN = "public_data_bumped_in"  # session.info: the transaction that bumped


class PublicDataVersion(db.Model):
    """One row: bumped by every change of public data, so cached pages are never stale."""

    __tablename__ = "public_data_version"

    id: Mapped[intpk]
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Watched model -> the attribute keys whose change is not public (None: every change counts).
_WATCHED: dict[type, frozenset[str]] = {}


def watch(model: type, *, private: tuple[str, ...] = ()) -> None:
    """Any insert or delete of `model`, and any change of one of its attributes other than
    `private`, changes public data."""
    _WATCHED[model] = frozenset(private)


def watched() -> dict[type, frozenset[str]]:
    """What is watched (for the wiring test)."""
    return dict(_WATCHED)


def bump(session: Session | None = None) -> int:
    """Raise the version by one (taking its row lock on PostgreSQL) and forget the version
    this process remembered. Called by the listeners; by hand only where public output
    changes without a watched row (none today)."""
    session = session or db.session
    with session.no_autoflush:
        row = session.scalar(
            sa.select(PublicDataVersion).where(PublicDataVersion.id == 1).with_for_update()
        )
        if row is None:
            row = PublicDataVersion(id=1, version=0)
            session.add(row)
        row.version = (row.version or 0) + 1
        row.changed_at = utcnow()
    forget_public_version()
    if has_app_context():
        setattr(g, CHANGED_FLAG, True)
    return row.version


def forget_public_version() -> None:
    """After a bump: this request and this process read the new version at once."""
    if has_app_context():
        g.pop("public_version", None)
        current_app.extensions.pop(VERSION_MEMO, None)


def _spec(obj: object) -> frozenset[str] | None:
    for cls in type(obj).__mro__:
        if cls in _WATCHED:
            return _WATCHED[cls]
    return None


def _changes_public(obj: object, session: Session) -> bool:
    private = _spec(obj)
    if private is None:
        return False
    if obj in session.new or obj in session.deleted:
        return True
    state = sa.inspect(obj)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in private)


def _bump_once(session: Session) -> None:
    """Bump unless this transaction (or one enclosing it) already did."""
    bumped_in = session.info.get(_BUMPED_IN)
    transaction = session.get_transaction()
    current = session.get_nested_transaction() or transaction
    if bumped_in is not None and bumped_in.is_active:
        ancestor = current
        while ancestor is not None:
            if ancestor is bumped_in:
                return
            ancestor = ancestor.parent
    session.info[_BUMPED_IN] = current
    bump(session)


@sa.event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    if not _WATCHED:
        return
    if any(
        _changes_public(obj, session) for obj in chain(session.new, session.dirty, session.deleted)
    ):
        _bump_once(session)


@sa.event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state) -> None:
    """Bulk INSERT/UPDATE/DELETE statements on a watched table never pass the flush."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and any(cls in _WATCHED for cls in mapper.class_.__mro__):
        _bump_once(state.session)


@sa.event.listens_for(Session, "after_transaction_end")
def _transaction_end(session: Session, transaction) -> None:
    if session.info.get(_BUMPED_IN) is transaction:
        del session.info[_BUMPED_IN]
