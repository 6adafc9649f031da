"""Storage keys: ``<company id>/<kind>/<random>/<safe name>``.

Nothing in a key is guessable or taken from the client as a path: the random part is
128 bits, and the file name is reduced to a few safe characters with an extension chosen
from the sniffed content type.
"""

from __future__ import annotations

import re
import unicodedata
import uuid

MAX_NAME_LENGTH = 80
_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def safe_name(original: str, extension: str) -> str:
    """A file name safe on every backend: the client's base name transliterated to ASCII,
    lower case, without directories or dots at the edges, and our own extension."""
    base = original.replace("\\", "/").rsplit("/", 1)[-1]
    base = base.rsplit(".", 1)[0] if "." in base else base
    ascii_base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("-", ascii_base.lower()).strip("-._")[:MAX_NAME_LENGTH].strip("-._")
    return f"{cleaned or 'file'}.{extension.lstrip('.')}"


def build_key(*, company_id: int, kind: str, original_name: str, extension: str) -> str:
    if not isinstance(company_id, int) or company_id <= 0:
        raise ValueError("A storage key needs the saved company's id.")
    if not re.fullmatch(r"[a-z_]+", kind):
        raise ValueError(f"Unexpected file kind {kind!r}.")
    return f"{company_id}/{kind}/{uuid.uuid4().hex}/{safe_name(original_name, extension)}"


def company_id_of(key: str) -> int | None:
    """The company id a key starts with, or None for anything that is not one of our keys."""
    head, _, _ = key.partition("/")
    return int(head) if head.isascii() and head.isdigit() else None
