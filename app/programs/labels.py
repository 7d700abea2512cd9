"""The cycle's phase dates as the staff dates form and its error messages name them (the
enums' words live on the enums: app/core/labels.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The cycle's phase dates, as the staff dates form and its error messages name them.
DATE_LABELS = {
    "nominations_open_at": _l("Nominations open"),
    "nominations_close_at": _l("Nomination deadline"),
    "review_starts_at": _l("Public review starts"),
    "review_ends_at": _l("Public review ends"),
    "voting_starts_at": _l("Voting starts"),
    "voting_ends_at": _l("Voting ends"),
    "notice_starts_at": _l("Notice starts"),
    "notice_ends_at": _l("Notice ends"),
}
