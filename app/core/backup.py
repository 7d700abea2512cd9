"""Consistent online backups and restores of the database (SQLite backup API or pg_dump)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess  # noqa: S404  # nosec B404 # fixed argument lists, no shell
from pathlib import Path

from sqlalchemy.engine import URL

from app.core.private import make_private_dir, open_private


class BackupError(Exception):
    pass


def _libpq_url(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed")
    return found


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a page-by-page copy of one consistent snapshot."""
    origin = sqlite3.connect(source)
    destination = sqlite3.connect(target)
    try:
        origin.backup(destination)
    finally:
        destination.close()
        origin.close()


def backup(url: URL, target: Path) -> None:
    """Write a consistent copy while the application keeps writing (mode 0600: it holds
    every personal record)."""
    make_private_dir(target.parent)
    open_private(target)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(url.database), target)
        return
    subprocess.run(  # noqa: S603  # nosec B603 # arguments, not a shell string
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            "--dbname",
            _libpq_url(url),
        ],
        check=True,
        capture_output=True,
    )


def restore(url: URL, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup`."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, Path(url.database))
        return
    subprocess.run(  # noqa: S603  # nosec B603 # arguments, not a shell string
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _libpq_url(url),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
