"""Organisation form for the admin area (user forms live with accounts)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.core.forms import BaseForm, optional_int
from app.orgs.models import OrgKind

ORG_KIND_LABELS = {
    OrgKind.CITY: _l("City"),
    OrgKind.DISTRICT: _l("District / county"),
    OrgKind.TOWNSHIP: _l("Township / street"),
    OrgKind.COMMUNITY: _l("Village / community"),
    OrgKind.WORK_UNIT: _l("Work unit"),
    OrgKind.MEDIA: _l("Media outlet"),
    OrgKind.OFFICE: _l("Civilization office"),
}


class OrganisationForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(min=2, max=40)])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in ORG_KIND_LABELS.items()],
    )
    parent_id = SelectField(_l("Parent"), coerce=optional_int)
