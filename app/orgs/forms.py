"""Organisation forms: create, edit, move, the list filters (GET, no CSRF), the import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import Form, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import BaseForm, IntegerField, optional_int
from app.core.labels import choices
from app.orgs.models import OrgKind

KIND_CHOICES = choices(OrgKind)


class OrganisationForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(min=2, max=40)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    parent_id = SelectField(_l("Parent"), coerce=optional_int)


class OrganisationEditForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(min=2, max=40)])


class MoveForm(BaseForm):
    parent_id = SelectField(_l("New parent"), coerce=optional_int)


class OrgFilterForm(Form):
    """Filters live in the URL so a filtered list can be bookmarked. Their ids differ from
    the names: the page also holds the new organisation's form (its own `kind`)."""

    q = StringField(_l("Name or code"), id="filter-q", validators=[Optional(), Length(max=100)])
    kind = SelectField(
        _l("Kind"),
        id="filter-kind",
        choices=[SelectChoice("", _l("All")), *KIND_CHOICES],
        validate_choice=False,
    )
    district_id = SelectField(
        _l("District"), id="filter-district", coerce=optional_int, validate_choice=False
    )
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)], default=1)


class ImportForm(BaseForm):
    file = FileField(_l("Workbook (.xlsx)"))


class ImportConfirmForm(BaseForm):
    token = StringField(validators=[DataRequired(), Length(max=64)])
