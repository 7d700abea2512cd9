"""Login, password and user administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from app.accounts.models import Role
from app.core.forms import BaseForm, MultiCheckboxField, optional_int
from app.core.labels import choices

EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=128)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=128)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class _UserFields(BaseForm):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=60)])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=choices(Role),
        validators=[DataRequired(message=_l("Choose at least one role."))],
    )
    organisation_id = SelectField(_l("Organisation"), coerce=optional_int, validate_choice=True)
    # Where the member's notifications are mailed (staff: notices ended, objections).
    email = StringField(
        _l("Email"),
        validators=[
            Optional(),
            Length(max=120),
            Regexp(EMAIL_RE, message=_l("Not a valid email address.")),
        ],
    )


class UserCreateForm(_UserFields):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=40)])
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(min=10, max=128)]
    )


class UserEditForm(_UserFields):
    is_active = BooleanField(_l("Account active"))
    new_password = PasswordField(
        _l("Set a new password (optional)"), validators=[Optional(), Length(min=10, max=128)]
    )
