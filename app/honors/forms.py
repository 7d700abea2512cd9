"""Forms of the publication pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import Optional

from app.core.forms import BaseForm, LocalDateTimeField


class PublishForm(BaseForm):
    """Publication of a cycle's list: now, or at a release time."""

    release_at = LocalDateTimeField(
        _l("Release time (Beijing time)"),
        validators=[Optional()],
        invalid_value_message=_l("Enter the release time as date and time."),
    )
