"""Cycle forms for staff: a phase move and the phase dates (entered in Beijing time)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import BaseForm, LocalDateTimeField
from app.programs.labels import DATE_LABELS


def to_minute(value: datetime | None) -> datetime | None:
    """A stored moment as the form can show it: to the minute."""
    return value.replace(second=0, microsecond=0) if value is not None else None


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

    def _sent(self, name: str) -> bool:
        """Whether the date `name` was posted at all (a page may show only some dates)."""
        return bool(getattr(self, name).raw_data)

    def keep_unsent(self, shown: dict[str, datetime | None]) -> None:
        """A date not sent stays as it is: give it the value `shown`."""
        for name, value in shown.items():
            if not self._sent(name):
                getattr(self, name).data = value

    def changed_dates(self, current: dict[str, datetime | None]) -> dict:
        """The dates typed differently from `current`: a date left as shown, or not sent at
        all, is not changed."""
        changes = {}
        for name, value in current.items():
            if not self._sent(name):
                continue
            typed = getattr(self, name).data
            if typed == to_minute(value):
                continue
            changes[name] = typed
        return changes


for _name, _label in DATE_LABELS.items():
    setattr(
        CycleDatesForm,
        _name,
        LocalDateTimeField(_label, validators=[Optional()]),
    )
