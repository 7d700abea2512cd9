"""Cycle forms for staff: a phase move and the phase dates (entered in Beijing time)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField
from wtforms.validators import DataRequired, Optional

from app.core.forms import BaseForm

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class MoveForm(BaseForm):
    target = HiddenField(validators=[DataRequired()])


class CycleDatesForm(BaseForm):
    nominations_open_at = DateTimeLocalField(
        _l("Nominations open"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    nominations_close_at = DateTimeLocalField(
        _l("Nomination deadline"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    review_starts_at = DateTimeLocalField(
        _l("Public review starts"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    review_ends_at = DateTimeLocalField(
        _l("Public review ends"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    voting_starts_at = DateTimeLocalField(
        _l("Voting starts"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    voting_ends_at = DateTimeLocalField(
        _l("Voting ends"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    notice_starts_at = DateTimeLocalField(
        _l("Notice starts"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    notice_ends_at = DateTimeLocalField(
        _l("Notice ends"), format=LOCAL_FORMAT, validators=[Optional()]
    )
