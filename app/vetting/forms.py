"""Vetting forms: the queue's filters (GET, no CSRF), the export, the staff decisions, the
checklist, notes, the registry link, bulk qualification and the annual shortlist."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import (
    BaseForm,
    IdListField,
    IntegerField,
    OptionalIdField,
    TextValueField,
    optional_int,
)
from app.core.labels import choices
from app.nominations.forms import ReasonForm
from app.nominations.models import Channel, ConsultedBody, ConsultResult
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


class ExactBooleanField(BooleanField):
    """Ticked only by the value the page's checkbox sends ("y")."""

    def process_formdata(self, valuelist: list) -> None:
        self.data = bool(valuelist) and valuelist[0] == "y"


class ExportForm(BaseForm):
    """The export by POST: full ID numbers and phones only when asked (and allowed)."""

    include_ids = ExactBooleanField(_l("Include full ID numbers and phones (logged)"))


class CheckForm(BaseForm):
    body = SelectField(_l("Consulted body"), choices=choices(ConsultedBody))
    result = SelectField(_l("Result"), choices=choices(ConsultResult))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class NoteForm(BaseForm):
    body = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=2000)])


class RegistryLinkForm(BaseForm):
    """Staff decision: the candidate is this registry record (empty: a new record)."""

    honoree_id = StringField(validators=[Optional(), Length(max=9)])


class BulkQualifyForm(ReasonForm):
    """The ticked nominations of the queue, and the queue page to go back to."""

    ids = IdListField()
    back = TextValueField()


class ShortlistForm(ReasonForm):
    """The year's monthly honorees ticked for an annual cycle, and their category."""

    honoree_ids = IdListField()
    category_id = OptionalIdField()
