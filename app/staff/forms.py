"""Cycle forms for staff: a phase move and the phase dates (entered in Beijing time)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.core.forms import BaseForm
from app.programs.labels import DATE_LABELS

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def plausible_year(form, field) -> None:
    """Beijing time a city cycle can mean; year 1 would overflow when converted to UTC."""
    if field.data is not None and not 1900 <= field.data.year <= 2100:
        raise ValidationError(field.gettext("Not a valid datetime value."))


def to_local_minute(value: datetime | None) -> datetime | None:
    """A stored UTC moment as the form shows it: Beijing time, to the minute."""
    if value is None:
        return None
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None, second=0, microsecond=0)


class MoveForm(BaseForm):
    target = HiddenField(validators=[DataRequired()])


class CycleDatesForm(BaseForm):
    """One optional local date-time field per phase boundary (see DATE_LABELS), and the
    reason for a change (required when a running phase's end moves)."""

    reason = TextAreaField(
        _l("Reason for the change"),
        description=_l(
            "Required when the end of the running phase moves; logged, and shown on the "
            "public notice page when the notice is extended."
        ),
        validators=[Optional(), Length(max=1000)],
    )

    def changed_dates(self, current: dict[str, datetime | None], sent) -> dict:
        """The dates typed differently from `current` (UTC), among the fields `sent`: a
        date left as shown, or not sent at all, is not changed."""
        changes = {}
        for name, value in current.items():
            if name not in sent:
                continue
            typed = getattr(self, name).data
            if typed == to_local_minute(value):
                continue
            changes[name] = typed.replace(tzinfo=LOCAL_TZ).astimezone(UTC) if typed else None
        return changes


for _name, _label in DATE_LABELS.items():
    setattr(
        CycleDatesForm,
        _name,
        DateTimeLocalField(_label, format=LOCAL_FORMAT, validators=[Optional(), plausible_year]),
    )
