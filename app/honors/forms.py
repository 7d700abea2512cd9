"""Registry forms for staff: a correction of a record's public fields, a merge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import BaseForm, LocalDateTimeField, optional_int
from app.nominations.services import STORY_MAX


class CorrectionForm(BaseForm):
    """The record's public fields, shown as they are; every field changed is logged with
    the one reason given."""

    name = StringField(_l("Name (or group name)"), validators=[DataRequired(), Length(max=100)])
    headline = StringField(_l("Headline"), validators=[Optional(), Length(max=70)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=500)])
    story_md = TextAreaField(_l("Story"), validators=[Optional(), Length(max=STORY_MAX)])
    unit = StringField(_l("Work unit"), validators=[Optional(), Length(max=100)])
    post = StringField(_l("Post"), validators=[Optional(), Length(max=60)])
    district_id = SelectField(_l("District"), coerce=optional_int, validators=[Optional()])
    organisation_id = SelectField(
        _l("District → township → community"), coerce=optional_int, validators=[Optional()]
    )
    photo = FileField(_l("New photo"))
    photo_alt = StringField(_l("Description (alt text)"), validators=[Length(max=200)])
    reason = TextAreaField(
        _l("Reason for the correction"),
        description=_l("Kept in the correction log with each changed field."),
        validators=[
            DataRequired(message=_l("Give the reason for the correction.")),
            Length(max=1000),
        ],
    )


class PublishForm(BaseForm):
    release_at = LocalDateTimeField(
        _l("Release time (Beijing time)"),
        validators=[Optional()],
        invalid_value_message=_l("Enter the release time as date and time."),
    )


class MergeForm(BaseForm):
    """Confirmation of a previewed merge: the record merged into the one on the page."""

    source_id = HiddenField(validators=[DataRequired()])


# The correction log names each field as the correction form labels it.
FIELD_LABELS = {
    name: getattr(CorrectionForm, name).args[0]
    for name in (
        "name",
        "headline",
        "summary",
        "story_md",
        "unit",
        "post",
        "district_id",
        "organisation_id",
        "photo",
        "photo_alt",
    )
}
FIELD_LABELS["photo"] = _l("Photo")
