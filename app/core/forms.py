"""Form helpers shared by every domain: the clean request, the CSRF-only button form and
error placement."""

from __future__ import annotations

import re
from datetime import UTC

import wtforms
from flask import Request, has_request_context, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property
from wtforms import FieldList, FormField, SelectMultipleField, widgets

from app.core.clock import LOCAL_TZ
from app.core.converters import MAX_ID

# C0 controls but tab, newline and carriage return: PostgreSQL refuses NUL outright, and
# none of them belongs in a name, a story or a password.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Digits an integer field takes at most: beyond a float's range WTForms' NumberRange raises
# OverflowError (a 500) instead of reporting the field.
MAX_INTEGER_DIGITS = 15


class IntegerField(wtforms.IntegerField):
    """WTForms' IntegerField that reports an over-long number as not a valid integer."""

    def process_formdata(self, valuelist: list) -> None:
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > MAX_INTEGER_DIGITS:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        super().process_formdata(valuelist)


class LocalDateTimeField(wtforms.DateTimeLocalField):
    """A date and time typed in Beijing time, to the minute: `data` is an aware UTC datetime
    (or None), shown back in Beijing time; what was typed stays in the box when refused."""

    FORMAT = "%Y-%m-%dT%H:%M"

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, format=self.FORMAT, **kwargs)

    def process_formdata(self, valuelist: list) -> None:
        super().process_formdata(valuelist)
        if self.data is None:
            return
        # Beijing times a city register can mean; year 1 would overflow when converted.
        if not 1900 <= self.data.year <= 2100:
            self.data = None
            raise ValueError(
                self.invalid_value_message or self.gettext("Not a valid datetime value.")
            )
        self.data = self.data.replace(tzinfo=LOCAL_TZ).astimezone(UTC)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(LOCAL_TZ).strftime(self.FORMAT) if self.data else ""


def strip_control_chars(value: object) -> object:
    return _CONTROL_CHARS.sub("", value) if isinstance(value, str) else value


def _clean(values: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        (key, strip_control_chars(value))
        for key, value in values.items(multi=True)
        if isinstance(key, str)
    )


class CleanRequest(Request):
    """Query and form values without C0 control characters, for the views that read
    request.args or request.form directly as much as for the forms (PostgreSQL refuses a
    NUL in any text parameter: a 500); and without the parts werkzeug files under the key
    None (a multipart part whose header has no usable name)."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _clean(Request.args.fget(self))

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _clean(self.__dict__["form"])
        files = self.__dict__["files"]
        if not all(isinstance(key, str) for key in files):
            self.__dict__["files"] = ImmutableMultiDict(
                (key, value) for key, value in files.items(multi=True) if isinstance(key, str)
            )


class BaseForm(FlaskForm):
    """Every form of the app: control characters are removed from all text input."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if not issubclass(unbound_field.field_class, (FieldList, FormField)):
                filters = unbound_field.kwargs.get("filters", ())
                unbound_field.kwargs["filters"] = [strip_control_chars, *filters]
            return unbound_field.bind(form=form, **options)

        def wrap_formdata(self, form, formdata):
            """Form data only: Flask-WTF would also read a JSON body, whose lists and
            objects crash the fields (the forms are posted as form data, never as JSON)."""
            if has_request_context() and request.is_json:
                return None
            return super().wrap_formdata(form, formdata)


class EmptyForm(BaseForm):
    """Carries only the CSRF token: for POST buttons (logout, deactivate...)."""


def _texts(valuelist: list) -> list[str]:
    """The text values of a field (a file posted under the same name is not one)."""
    return [v for v in valuelist if isinstance(v, str)]


class IdListField(wtforms.Field):
    """Record ids ticked in a list of checkboxes: values that are not an id are skipped,
    never reported (a tampered box leaves the others standing)."""

    def process_formdata(self, valuelist: list) -> None:
        self.data = [int(v) for v in _texts(valuelist) if v.isdecimal() and len(v) < 10]


class OptionalIdField(wtforms.Field):
    """One record id chosen in a hand-written select: None when absent or not an id."""

    def process_formdata(self, valuelist: list) -> None:
        raw = next(iter(_texts(valuelist)), "")
        self.data = int(raw) if raw.isdecimal() and len(raw) < 10 else None


class TextValueField(wtforms.HiddenField):
    """A value the page sends as is (a button's name, a hidden field): the first text
    value, None when absent."""

    def process_formdata(self, valuelist: list) -> None:
        texts = _texts(valuelist)
        if texts:
            self.data = texts[0]


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
    WTForms reports on the field (never a 500), and so does a number no id column holds
    (the database would refuse it as out of range)."""
    if value in (None, "", "None"):
        return None
    number = int(value)  # type: ignore[arg-type]
    if abs(number) > MAX_ID:
        raise ValueError("out of the id range")
    return number
