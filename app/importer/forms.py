"""Form of the historical import page."""

from __future__ import annotations

from wtforms import HiddenField

from app.core.forms import BaseForm


class ImportForm(BaseForm):
    """The upload (read from request.files by the view) and the button pressed: `mode` is
    "check" for a dry run, "import" to import."""

    mode = HiddenField()

    @property
    def dry_run(self) -> bool:
        return self.mode.data != "import"
