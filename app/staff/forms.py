"""Cycle forms for staff: a phase move and the phase dates (entered in Beijing time)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField
from wtforms.validators import DataRequired, Optional, ValidationError

from app.core.forms import BaseForm

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
DATE_LABELS = {
    "nominations_open_at": _l("Nominations open"),
    "nominations_close_at": _l("Nomination deadline"),
    "review_starts_at": _l("Public review starts"),
    "review_ends_at": _l("Public review ends"),
    "voting_starts_at": _l("Voting starts"),
    "voting_ends_at": _l("Voting ends"),
    "notice_starts_at": _l("Notice starts"),
    "notice_ends_at": _l("Notice ends"),
}


def plausible_year(form, field) -> None:
    """Beijing time a city cycle can mean; year 1 would overflow when converted to UTC."""
    if field.data is not None and not 1900 <= field.data.year <= 2100:
        raise ValidationError(field.gettext("Not a valid datetime value."))


class MoveForm(BaseForm):
    target = HiddenField(validators=[DataRequired()])


class CycleDatesForm(BaseForm):
    """One optional local date-time field per phase boundary (see DATE_LABELS)."""


for _name, _label in DATE_LABELS.items():
    setattr(
        CycleDatesForm,
        _name,
        DateTimeLocalField(_label, format=LOCAL_FORMAT, validators=[Optional(), plausible_year]),
    )
