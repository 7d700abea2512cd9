"""The base of every refusal a service reports to the user."""

from __future__ import annotations

from datetime import datetime


class RefusedError(Exception):
    """A refused change: `message` is shown to the user, next to form field `field` if any."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class WindowClosedError(RefusedError):
    """An action refused because its phase's window is not open at `now`.

    `message` names the date that passed (or has not come yet); `closed_at` / `opens_at`
    carry that date for the polite page that views render when they do not catch it.
    """

    def __init__(
        self,
        message: object,
        *,
        closed_at: datetime | None = None,
        opens_at: datetime | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, field)
        self.closed_at = closed_at
        self.opens_at = opens_at
