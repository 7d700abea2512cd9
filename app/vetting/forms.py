"""Queue filters (GET, no CSRF) and the export option."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from app.core.forms import IntegerField, optional_int
from app.core.labels import choices
from app.nominations.models import Channel
from app.nominations.workflow import NominationState


class QueueFilterForm(Form):
    """Filters live in the URL so a filtered queue can be bookmarked and exported."""

    cycle_id = SelectField(_l("Cycle"), coerce=optional_int, validate_choice=False)
    state = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("All"))]
        + choices(s for s in NominationState if s is not NominationState.DRAFT),
        validate_choice=False,
    )
    district_id = SelectField(_l("District"), coerce=optional_int, validate_choice=False)
    category_id = SelectField(_l("Category"), coerce=optional_int, validate_choice=False)
    channel = SelectField(
        _l("Channel"),
        choices=[SelectChoice("", _l("All"))] + choices(Channel),
        validate_choice=False,
    )
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)], default=1)
    include_ids = BooleanField(_l("Include full ID numbers and phones (logged)"))
