"""The `flask honors ...` command group; each domain contributes its commands."""

from __future__ import annotations

from flask.cli import AppGroup

honors_cli = AppGroup("honors", help="Luohe Honor Registry commands.")

from app.accounts import cli as _accounts_cli  # noqa: E402,F401  (registers commands)
from app.core import cli as _core_cli  # noqa: E402,F401
from app.demo import cli as _demo_cli  # noqa: E402,F401
from app.importer import cli as _importer_cli  # noqa: E402,F401
from app.notifications import cli as _notifications_cli  # noqa: E402,F401
from app.programs import cli as _programs_cli  # noqa: E402,F401
from app.roll import cli as _roll_cli  # noqa: E402,F401
