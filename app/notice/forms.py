"""Forms of the notice pages: a public objection, and its resolution by the staff."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import BaseForm


class ObjectionForm(BaseForm):
    nomination_id = SelectField(_l("Candidate"), coerce=int, validate_choice=True)
    content = TextAreaField(
        _l("Your objection"), validators=[DataRequired(), Length(min=10, max=5000)]
    )
    evidence = FileField(_l("Evidence (PDF or image, optional)"))
    contact = StringField(
        _l("How to reach you (optional, kept private)"), validators=[Optional(), Length(max=100)]
    )


class ResolveForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("dismiss", _l("Dismiss")), SelectChoice("uphold", _l("Uphold"))],
        validators=[DataRequired()],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    promote = BooleanField(_l("Promote the next-ranked candidate above the threshold"))
