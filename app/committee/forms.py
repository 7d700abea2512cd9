"""Committee forms: the ballot, a recusal, the chair's decision, roster and results actions.

Their fields never refuse input themselves: junk reads as "nothing chosen" and the
committee services give the refusal (next to the field it concerns), as before.
"""

from __future__ import annotations

from wtforms import Field, StringField

from app.committee.ballots import BallotInput
from app.core.forms import BaseForm


class IdField(Field):
    """A row id, or None when the value is not a plausible id."""

    def process_formdata(self, valuelist: list) -> None:
        raw = valuelist[0] if valuelist else ""
        self.data = int(raw) if raw.isdecimal() and len(raw) < 10 else None


class IdListField(Field):
    """Ticked row ids; values that are not plausible ids are dropped."""

    def process_formdata(self, valuelist: list) -> None:
        self.data = [int(v) for v in valuelist if v.isdecimal() and len(v) < 10]

    def _value(self) -> list[int]:
        return self.data or []


class ScoreField(Field):
    """A whole score as typed (0 to 99; the service checks 0 to 10), or None."""

    def process_formdata(self, valuelist: list) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = int(raw) if raw.isdecimal() and len(raw) <= 2 else None


class TickField(Field):
    """A checkbox posted with the value "y"."""

    def process_formdata(self, valuelist: list) -> None:
        self.data = bool(valuelist) and valuelist[0] == "y"


def _text(limit: int, *, strip: bool = False):
    def cut(value: str | None) -> str:
        value = value or ""
        return (value.strip() if strip else value)[:limit]

    return cut


class BallotForm(BaseForm):
    """A ballot: ticked approvals, or a score per candidate and criterion
    (`score-<id>-<criterion>`) with a justification (`why-<id>`): see `ballot_form`."""

    approve = IdListField()

    def ballot_input(self, pool: list, criteria: list[str] | None) -> BallotInput:
        """What the member chose; `criteria` None for an approval ballot."""
        data = BallotInput()
        if criteria is None:
            data.approvals = self.approve.data or []
            return data
        for nomination in pool:
            data.scores[nomination.id] = {
                criterion: self[f"score-{nomination.id}-{criterion}"].data for criterion in criteria
            }
            data.justifications[nomination.id] = self[f"why-{nomination.id}"].data
        return data


def ballot_form(pool: list, criteria: list[str] | None) -> BallotForm:
    """The ballot form for these candidates; `criteria` None for an approval ballot."""

    class ScoreBallotForm(BallotForm):
        pass

    for nomination in pool if criteria is not None else []:
        for criterion in criteria:
            setattr(ScoreBallotForm, f"score-{nomination.id}-{criterion}", ScoreField())
        setattr(
            ScoreBallotForm, f"why-{nomination.id}", StringField(filters=[_text(1000)], default="")
        )
    return ScoreBallotForm()


class ConflictForm(BaseForm):
    """A recusal on a candidate, or ("clear") the confirmation that a flag is no conflict."""

    reason = StringField(filters=[_text(1000, strip=True)], default="")
    action = StringField()


class ChairDecisionForm(BaseForm):
    """The chair's choice among the candidates a runoff left tied, with the reason."""

    chosen = IdListField()
    reason = StringField(filters=[_text(2000)], default="")


class RosterForm(BaseForm):
    """Add a member (optionally as chair), remove one or make one chair."""

    action = StringField()
    id = IdField()
    chair = TickField()


class ResultsActionForm(BaseForm):
    """A staff action on the vote: close, remind, apply, open or close a runoff."""

    action = StringField()
