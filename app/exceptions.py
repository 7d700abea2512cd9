"""The base of every refusal a service reports to the user."""

from __future__ import annotations


class RefusedError(Exception):
    """A refused change: `message` is shown to the user, next to form field `field` if any."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
