"""Forms of the courtesy ledger: one per kind of entry (card, visit, aid, assessment).

The ledger page refuses an entry with one message for the whole form (flashed), as it
always has: `refusal()` names it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import wtforms
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired

from app.core.forms import BaseForm
from app.courtesy.models import AidType, HardshipLevel

# The most a single amount may be, in yuan.
MAX_YUAN = Decimal("100000000")


class IsoDateField(wtforms.Field):
    """A date typed as YYYY-MM-DD (any ISO 8601 date); `data` is a date or None."""

    widget = wtforms.widgets.DateInput()

    def process_formdata(self, valuelist: list) -> None:
        self.data = None
        try:
            self.data = date.fromisoformat(valuelist[0] if valuelist else "")
        except ValueError:
            raise ValueError(self.gettext("Not a valid date value.")) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""


class FenField(wtforms.Field):
    """An amount typed in yuan (empty means 0); `data` is in fen (1/100 yuan) or None."""

    widget = wtforms.widgets.TextInput()

    def process_formdata(self, valuelist: list) -> None:
        self.data = None
        try:
            value = Decimal((valuelist[0] if valuelist else "0") or "0")
        except InvalidOperation:
            raise ValueError(self.gettext("Not a valid decimal value.")) from None
        if not value.is_finite() or value < 0 or value > MAX_YUAN:
            raise ValueError(self.gettext("Not a valid decimal value."))
        self.data = int(value * 100)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return str(Decimal(self.data) / 100) if self.data is not None else ""


def _stripped(limit: int):
    """A filter: what was typed without surrounding blanks, at most `limit` characters."""
    return lambda value: value.strip()[:limit] if isinstance(value, str) else value


class LedgerEntryForm(BaseForm):
    """What every entry has: its kind and its date."""

    kind = HiddenField()
    date = IsoDateField()
    message = _l("Unknown entry.")

    def refusal(self) -> str:
        """The message of a refused entry: the date first, then the entry's own."""
        if self.date.errors:
            return str(_l("Give a valid date."))
        return str(self.message)


class CardForm(LedgerEntryForm):
    number = StringField(validators=[DataRequired()], filters=[_stripped(30)])
    valid_until = IsoDateField()
    message = _l("Give the card number and its expiry date.")


class VisitForm(LedgerEntryForm):
    team = StringField(validators=[DataRequired()], filters=[_stripped(100)])
    gifts = StringField(filters=[_stripped(200)], default="")
    cash = FenField()
    message = _l("Give the visiting team and a valid amount.")


class AidForm(LedgerEntryForm):
    aid_type = SelectField(choices=[kind.value for kind in AidType])
    amount = FenField()
    fund = StringField(validators=[DataRequired()], filters=[_stripped(60)])
    message = _l("Give the aid type, a valid amount and the fund.")


class AssessmentForm(LedgerEntryForm):
    level = SelectField(choices=[level.value for level in HardshipLevel])
    notes = StringField(filters=[_stripped(2000)], default="")
    message = _l("Choose a hardship level.")


ENTRY_FORMS: dict[str, type[LedgerEntryForm]] = {
    "card": CardForm,
    "visit": VisitForm,
    "aid": AidForm,
    "assessment": AssessmentForm,
}


def entry_form() -> LedgerEntryForm:
    """The form of the kind of entry posted (the base form for an unknown kind)."""
    kind = LedgerEntryForm().kind.data or ""
    return ENTRY_FORMS.get(kind, LedgerEntryForm)()
