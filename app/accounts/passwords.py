"""Password hashing with argon2id; parameters come from the app config at start-up."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
_dummy_hash = _hasher.hash("timing-equaliser")


def configure(*, time_cost: int, memory_cost: int, parallelism: int) -> None:
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _dummy_hash = _hasher.hash("timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# One-time passwords are random (about 70 bits, app/orgs/services.py), so the hash need not
# slow a guesser down: a light argon2id lets an import give 500 accounts one in seconds
# instead of minutes. needs_rehash() upgrades it at login; the forced change replaces it.
_one_time_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def hash_one_time_password(password: str) -> str:
    return _one_time_hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-ish time check; an unknown user still pays for one verification."""
    try:
        return _hasher.verify(password_hash or _dummy_hash, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
