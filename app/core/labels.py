"""Enums that carry their UI words: `LabelledEnum` (each member's `label`, translated lazily),
`label(value)`, the Jinja global templates name an enum value with, and `choices()` for
the select fields that offer enum members."""

from __future__ import annotations

import enum
from functools import cache

from flask_babel import LazyString
from wtforms import SelectChoice


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose `labels()` classmethod maps every member to its lazy_gettext word."""

    @classmethod
    def labels(cls) -> dict[LabelledEnum, LazyString]:
        raise NotImplementedError(cls.__name__)

    @property
    def label(self) -> LazyString:
        return _table(type(self))[self]


@cache
def _table(kind: type[LabelledEnum]) -> dict[LabelledEnum, LazyString]:
    # Built once per enum: the lazy strings are translated only when rendered.
    return kind.labels()


def label(value: object) -> str:
    """The UI word of a labelled enum member; any other value as it is ("" for None)."""
    if isinstance(value, LabelledEnum):
        return str(value.label)
    return "" if value is None else str(value)


def choices(members) -> list[SelectChoice]:
    """A select or radio field's choices: the members' values and labels, in that order."""
    return [SelectChoice(member.value, member.label) for member in members]
