"""Form helpers shared by every domain: the CSRF-only button form and error placement."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, SelectMultipleField, widgets

# C0 controls but tab, newline and carriage return: PostgreSQL refuses NUL outright, and
# none of them belongs in a name, a story or a password.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_chars(value: object) -> object:
    return _CONTROL_CHARS.sub("", value) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form of the app: control characters are removed from all text input."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if not issubclass(unbound_field.field_class, (FieldList, FormField)):
                filters = unbound_field.kwargs.get("filters", ())
                unbound_field.kwargs["filters"] = [strip_control_chars, *filters]
            return unbound_field.bind(form=form, **options)


class EmptyForm(BaseForm):
    """Carries only the CSRF token: for POST buttons (logout, deactivate...)."""


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def attach_error(form: FlaskForm, field: str | None, message: object) -> None:
    """Put a service's refusal next to the field it concerns (or on the form)."""
    target = getattr(form, field, None) if field else None
    if target is not None:
        target.errors = [*target.errors, str(message)]
    else:
        form.form_errors.append(str(message))


def optional_int(value: object) -> int | None:
    """SelectField coerce for an optional id: "" → None; junk raises ValueError, which
    WTForms reports on the field (never a 500)."""
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[arg-type]
