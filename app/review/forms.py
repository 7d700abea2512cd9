"""Forms of the review pages: a like button, and voiding likes from the anomaly report."""

from __future__ import annotations

from datetime import UTC, datetime

from wtforms import HiddenField, StringField

from app.core.forms import BaseForm


def _first(limit: int):
    """A filter keeping the first `limit` characters of what was typed."""
    return lambda value: value[:limit] if isinstance(value, str) else value


class LikeForm(BaseForm):
    """The like button; `back` is the page it was pressed on (checked by the view)."""

    back = HiddenField()


class VoidLikesForm(BaseForm):
    """Void a burst of likes (`net_hash` and `minute`) or one address's likes (`ip_hash`)."""

    reason = StringField(filters=[_first(2000)], default="")
    net_hash = HiddenField()
    minute = HiddenField()
    ip_hash = HiddenField()

    @property
    def minute_utc(self) -> datetime | None:
        """The minute of the burst (ISO 8601 as the report writes it), or None."""
        if not self.minute.data:
            return None
        try:
            return datetime.fromisoformat(self.minute.data).astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: year 1 with an offset
            return None
