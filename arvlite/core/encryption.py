"""Secrets kept in the database (payment providers' keys) are encrypted with Fernet.

Keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys, the first one
encrypts, all decrypt — add a new key in front to rotate). Without it a key is derived
from SECRET_KEY, which is fine for development; production sets its own so that rotating
SECRET_KEY does not lose the stored secrets.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _box(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"arvlite-field-encryption:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _box(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    return _current().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    """The plain text, or "" for an empty value. A token no key opens raises
    ``InvalidToken`` (a removed key): the caller says the secret must be entered again."""
    return _current().decrypt(token.encode()).decode() if token else ""


__all__ = ["InvalidToken", "decrypt", "encrypt"]
