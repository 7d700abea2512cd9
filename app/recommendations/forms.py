"""The public recommendation form and the staff acceptance form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.core.forms import BaseForm, optional_int
from app.core.labels import choices
from app.registry.models import HonoreeKind


class RecommendForm(BaseForm):
    channel = RadioField(
        _l("Who is recommending"),
        choices=[
            SelectChoice("public", _l("I recommend someone else")),
            SelectChoice("self", _l("I recommend myself")),
        ],
        default="public",
    )
    kind = RadioField(
        _l("Candidate"),
        choices=choices(HonoreeKind),
        default="individual",
    )
    candidate_name = StringField(
        _l("Name of the person or group"), validators=[DataRequired(), Length(max=100)]
    )
    district_id = SelectField(_l("District"), coerce=optional_int, validators=[Optional()])
    unit = StringField(_l("Work unit or village"), validators=[Optional(), Length(max=100)])
    headline = StringField(
        _l("In one sentence: what did they do?"), validators=[DataRequired(), Length(max=70)]
    )
    story = TextAreaField(_l("Their story"), validators=[DataRequired(), Length(min=20, max=5000)])
    recommender_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=60)])
    recommender_phone = StringField(
        _l("Your phone (kept private)"),
        validators=[
            DataRequired(),
            Length(max=20),
            Regexp(r"^[0-9+\- ]{5,20}$", message=_l("Digits, spaces, + and - only.")),
        ],
    )
    relationship_note = StringField(
        _l("Your relationship to them"), validators=[Optional(), Length(max=60)]
    )
    truthful = BooleanField(
        _l("What I wrote is true to the best of my knowledge"),
        validators=[DataRequired(message=_l("Please confirm."))],
    )


class AcceptForm(BaseForm):
    cycle_id = SelectField(
        _l("Cycle"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a cycle."))],
    )
    category_id = SelectField(
        _l("Category"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a category."))],
    )
    organisation_id = SelectField(
        _l("Forward to organisation"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose an organisation."))],
    )


class RejectForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
