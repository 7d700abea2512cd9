"""The instance folder, the SQLite database, uploads and backups hold personal data: folders
0700 and files 0600, even when the process started with the usual umask 022 (issue 12)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import config as app_config
from app import create_app
from app.core import uploads
from app.extensions import db
from tests import factories


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    """Start like a shell-launched server (022), and give the test process its umask back."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _app(instance: Path, database: Path):
    config = app_config.TestConfig()
    config.INSTANCE_PATH = instance
    app = create_app(config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        db.create_all()
        db.session.execute(sa.text("CREATE TABLE probe (x INTEGER)"))
        db.session.execute(sa.text("INSERT INTO probe VALUES (1)"))
        db.session.commit()
    return app


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_new_instance_folder_database_and_keys_are_private(tmp_path, usual_umask):
    instance = tmp_path / "srv" / "instance"
    database = instance / "honors.sqlite3"
    app = _app(instance, database)
    try:
        assert _mode(instance) == 0o700
        assert _mode(tmp_path / "srv") == 0o700
        with app.app_context():  # WAL: the -wal/-shm files exist while a connection is open
            db.session.execute(sa.text("SELECT x FROM probe")).all()
            files = sorted(p.name for p in instance.iterdir())
            assert files == [
                "field_key",
                "hash_key",
                "honors.sqlite3",
                "honors.sqlite3-shm",
                "honors.sqlite3-wal",
            ]
            assert {name: _mode(instance / name) for name in files} == dict.fromkeys(files, 0o600)
    finally:
        _dispose(app)


def test_world_readable_instance_of_an_older_version_is_tightened(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "honors.sqlite3"
    database.touch(mode=0o644)
    (instance / "uploads").mkdir(mode=0o755)
    (instance / "backups").mkdir(mode=0o755)
    assert (_mode(instance), _mode(database)) == (0o755, 0o644)
    app = _app(instance, database)
    try:
        assert _mode(instance) == 0o700
        assert _mode(database) == 0o600
        assert _mode(instance / "uploads") == 0o700
        assert _mode(instance / "backups") == 0o700
    finally:
        _dispose(app)


def test_uploaded_photos_and_attachments_are_private(tmp_path, usual_umask):
    root = tmp_path / "instance" / "uploads"
    photo = uploads.store_photo(factories.jpeg_bytes(), root)
    pdf, _type = uploads.store_attachment(b"%PDF-1.4\n%test\n", root)
    image, _type = uploads.store_attachment(factories.jpeg_bytes(), root)
    written = [photo.path, photo.thumb_path, pdf, image]
    assert {name: _mode(root / name) for name in written} == dict.fromkeys(written, 0o600)
    folders = [tmp_path / "instance", root, root / "photos", root / "attachments"]
    assert {str(f): _mode(f) for f in folders} == {str(f): 0o700 for f in folders}


def test_backup_file_and_its_new_folder_are_private(runner, tmp_path, usual_umask):
    target = tmp_path / "backups" / "nightly" / "honors.backup"
    result = runner.invoke(args=["honors", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700
    assert _mode(target.parent.parent) == 0o700


def test_backup_over_a_world_readable_file_makes_it_private(runner, tmp_path, usual_umask):
    target = tmp_path / "honors.backup"
    target.write_bytes(b"")
    target.chmod(0o644)
    result = runner.invoke(args=["honors", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert _mode(target) == 0o600
    assert target.stat().st_size > 0
