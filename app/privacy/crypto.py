"""Field encryption (Fernet) and keyed hashes (HMAC-SHA256) with keys kept in instance/.

Sensitive values (ID number, phone, address) are stored encrypted; duplicates are found
through a keyed hash of the normalised value, so the database never holds either in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app.core.private import make_private_dir

_fernet: MultiFernet | None = None
_hash_key: bytes | None = None


def _load_or_create(path: Path, make: callable) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    make_private_dir(path.parent)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(value)
    return value


def configure(instance_path: Path, field_keys: str | None = None, hash_key: str | None = None):
    """Load keys from the environment or instance/ (generated on first run).

    `field_keys` may list several comma-separated Fernet keys: the first encrypts, all
    decrypt, which is how a key is rotated.
    """
    global _fernet, _hash_key
    if field_keys:
        keys = [key.strip().encode() for key in field_keys.split(",") if key.strip()]
    else:
        keys = [_load_or_create(Path(instance_path) / "field_key", Fernet.generate_key)]
    _fernet = MultiFernet([Fernet(key) for key in keys])
    if hash_key:
        _hash_key = hash_key.encode()
    else:
        _hash_key = _load_or_create(
            Path(instance_path) / "hash_key", lambda: base64.urlsafe_b64encode(os.urandom(32))
        )


def _require(value):
    if value is None:
        raise RuntimeError("privacy.crypto.configure() was not called")
    return value


def encrypt(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return _require(_fernet).encrypt(value.encode()).decode()


def decrypt(token: str | None) -> str | None:
    if not token:
        return None
    try:
        return _require(_fernet).decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def keyed_hash(value: str | None) -> str | None:
    """Stable, non-reversible lookup key for a normalised sensitive value."""
    if not value:
        return None
    return hmac.new(_require(_hash_key), value.encode(), hashlib.sha256).hexdigest()
