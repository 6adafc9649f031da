"""Links to stored files. S3: the bucket's own presigned GET link. Local disk: a link to
the /files/ view carrying an expiry and an HMAC of key and expiry."""

from __future__ import annotations

import hmac
import time
from typing import Protocol, cast
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.crypto import salted_hmac

SIGNATURE_SALT = "arvlite.core.storage.access"


class _SigningStorage(Protocol):
    """django-storages' S3Storage (untyped): url() signs a link with these arguments."""

    def url(self, name: str, parameters: dict[str, str] | None = None, expire: int | None = None) -> str: ...


def is_s3() -> bool:
    return settings.STORAGE_BACKEND == "s3"


def signature(key: str, expires: int) -> str:
    return salted_hmac(SIGNATURE_SALT, f"{key}|{expires}", algorithm="sha256").hexdigest()


def signature_is_valid(key: str, expires: int, given: str) -> bool:
    return hmac.compare_digest(signature(key, expires), given)


def file_url(key: str, *, expires_in: int | None = None, download_name: str | None = None) -> str:
    """An absolute link that works for ``expires_in`` seconds without any sign-in."""
    lifetime = expires_in or settings.FILE_URL_EXPIRY_SECONDS
    if is_s3():
        parameters = {}
        if download_name:
            parameters["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
        storage = cast(_SigningStorage, default_storage)
        return str(storage.url(key, parameters=parameters or None, expire=lifetime))
    expires = int(time.time()) + lifetime
    query = {"expires": expires, "signature": signature(key, expires)}
    if download_name:
        query["download"] = "1"
    return f"{settings.PUBLIC_URL}{settings.MEDIA_URL}{quote(key)}?{urlencode(query)}"
