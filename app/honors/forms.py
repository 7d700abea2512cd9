"""Forms of the publication pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import Optional

from app.core.forms import BaseForm, LocalDateTimeField


class PublishForm(BaseForm):
    """Publication of a cycle's list: now, or at a release time."""

    release_at = LocalDateTimeField(
        _l("Release time (Beijing time)"),
        validators=[Optional()],
        invalid_value_message=_l("Enter the release time as date and time."),
    )


def _first(limit: int):
    """A filter keeping the first `limit` characters of what was typed."""
    return lambda value: value[:limit] if isinstance(value, str) else value


class HonoreeActionForm(BaseForm):
    """A button of the staff honoree page: revoke one honor (`honor_id`), or record a
    withdrawal of consent (`action=withdraw_consent`), with the reason typed."""

    action = HiddenField()
    honor_id = HiddenField()
    reason = StringField(filters=[_first(2000)], default="")

    @property
    def withdraws_consent(self) -> bool:
        return self.action.data == "withdraw_consent"

    @property
    def honor_id_value(self) -> int | None:
        """The honor posted, or None when no usable id was sent."""
        raw = self.honor_id.data or ""
        return int(raw) if raw.isdecimal() and len(raw) < 10 else None
