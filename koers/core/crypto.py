"""Encryption at rest for network credentials (tokens, app passwords, webhook secrets).

Keys come from ``KOERS_ENCRYPTION_KEYS`` (comma-separated Fernet keys, newest first), or one key
generated once into the data dir. Rotation: put a new key in front, keep the old ones, run
``MultiFernet.rotate`` over stored values (see ``rotate``), then drop the old key.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored secret can't be read with the configured keys (wrong or removed key)."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "KOERS_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)."
        ) from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.KOERS_ENCRYPTION_KEYS))


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "A stored credential can't be decrypted with the configured keys."
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the newest key (it must be readable with one of the keys)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "A stored credential can't be decrypted with the configured keys."
        ) from None
