"""Files that hold personal data (the instance folder, the SQLite database, uploads,
backups, key files) are readable by the service's own user only: folders 0700, files 0600.

The process umask (set by create_app) covers what other code creates there (SQLite's file
and its -wal/-shm, pg_dump's output); the helpers below say it explicitly where we write,
and tighten what an older version left world-readable.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private_dir(path: Path) -> Path:
    """Create `path` and its missing parents as 0700 folders (existing ones are left alone:
    a backup may go to a folder the operator chose)."""
    missing = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        folder.chmod(DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened
    return Path(path)


def open_private(path: Path) -> None:
    """Create `path` empty as 0600 if missing, else make it 0600: before anything is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to a new or truncated file readable by this user only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)
        handle.write(data)


def _tighten(path: Path) -> None:
    """0700/0600 for a folder/file of ours; others' files (a shared mount) stay as they are."""
    try:
        if path.is_symlink() or path.stat().st_uid != os.geteuid():
            return
        path.chmod(DIR_MODE if path.is_dir() else FILE_MODE)
    except OSError:
        return


def secure_instance(instance: Path, sqlite_file: str | None) -> None:
    """Make the instance folder private from now on and tighten what it already holds at
    its top level (the database and its -wal/-shm, key files, uploads/ and backups/).

    Files deep inside uploads/ written by an older version stay as they were, but nobody
    else can reach them through a 0700 folder.
    """
    os.umask(PRIVATE_UMASK)
    make_private_dir(instance)
    _tighten(instance)
    for child in instance.iterdir():
        _tighten(child)
    if sqlite_file:
        for suffix in ("", "-wal", "-shm", "-journal"):
            candidate = Path(sqlite_file + suffix)
            if candidate.exists():
                _tighten(candidate)
