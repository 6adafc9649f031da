"""Stored files: writing uploads and generated files to storage with their records,
quota checks, usage, and deletion after commit."""

from __future__ import annotations

import functools
import hashlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Sum
from django.dispatch import Signal
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from arvlite.core.storage.join import join_objects, read_head
from arvlite.core.storage.keys import build_key
from arvlite.core.storage.sniff import ALLOWED_TYPES, HEAD_BYTES, describe_allowed, sniff_mime
from arvlite.core.tenancy import scopes_disabled
from companies.actors import Actor, actor_user
from companies.models import Company, StoredFile

logger = structlog.get_logger(__name__)
HASH_CHUNK_BYTES = 1024 * 1024
QUOTA_THRESHOLDS = (80, 100)

# Sent after commit when an upload takes a company's usage across 80 % or 100 % of its
# quota; the notifications app listens. Arguments: company, threshold, used, quota.
quota_threshold_reached = Signal()


class StorageQuotaExceededError(ValidationError):
    """The upload does not fit in what is left of the company's quota (answers 413)."""

    def __init__(self, *, used: int, quota: int, needed: int) -> None:
        self.used, self.quota, self.needed = used, quota, needed
        super().__init__(
            _(
                "This upload needs %(needed)s but only %(left)s of your %(quota)s storage is left "
                "(%(used)s used). Delete files you no longer need or ask us for a larger quota."
            )
            % {
                "needed": filesizeformat(needed),
                "left": filesizeformat(max(quota - used, 0)),
                "quota": filesizeformat(quota),
                "used": filesizeformat(used),
            },
            code="quota_exceeded",
        )


def storage_used_bytes(*, company: Company) -> int:
    return int(
        StoredFile.objects.with_scopes_disabled()
        .filter(company=company, held_until__isnull=True)
        .aggregate(t=Sum("size"))["t"]
        or 0
    )


def quota_check(*, company: Company, incoming_bytes: int) -> None:
    """Refuse, before anything is written, an upload that would exceed the quota or the
    per-file limit."""
    check_file_size(incoming_bytes)
    used = storage_used_bytes(company=company)
    if used + incoming_bytes > company.storage_quota_bytes:
        raise StorageQuotaExceededError(used=used, quota=company.storage_quota_bytes, needed=incoming_bytes)


def check_file_size(size: int) -> None:
    """Refuse a single file over FILE_UPLOAD_MAX_BYTES."""
    if size > settings.FILE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("Files can be at most %(limit)s.")
                    % {"limit": filesizeformat(settings.FILE_UPLOAD_MAX_BYTES)}
                ]
            }
        )


@dataclass(frozen=True)
class Inspected:
    size: int
    sha256: str
    mime_type: str


def inspect_content(handle: IO[bytes], *, kind: str, generated_mime: str | None = None) -> Inspected:
    """Size, SHA-256 and sniffed type of a file, read once in chunks. A type the kind does
    not allow, or an empty file, is a ValidationError on ``file``. ``generated_mime`` is
    for files the server made itself in a format with no magic bytes (MindAR targets)."""
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    digest = hashlib.sha256(head)
    size = len(head)
    while chunk := handle.read(HASH_CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    mime = _accepted_type(head, kind=kind, generated_mime=generated_mime)
    _check_image_size(handle, mime)
    return Inspected(size=size, sha256=digest.hexdigest(), mime_type=mime)


RASTER_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


def check_image_pixels(handle: IO[bytes]) -> None:
    """The pixel limit of stored images, for images kept outside StoredFile (the logo)."""
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    _check_image_size(handle, sniff_mime(head) or "")


def _check_image_size(handle: IO[bytes], mime: str) -> None:
    """Every raster image stored, whatever route brought it (the generic files endpoint
    too), within PHOTO_MAX_PIXELS: a small file can declare a huge image. Reads the header
    only; Pillow refuses a declared size far above its own limit before reading more."""
    if mime not in RASTER_TYPES:
        return
    handle.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        width = height = settings.PHOTO_MAX_PIXELS  # far above the limit, whatever it declares
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError({"file": [_("This image is damaged or cannot be read.")]}) from error
    finally:
        handle.seek(0)
    if width * height > settings.PHOTO_MAX_PIXELS:
        raise ValidationError(
            {
                "file": [
                    _("Images can have at most %(limit)s megapixels.")
                    % {"limit": f"{settings.PHOTO_MAX_PIXELS / 1_000_000:g}"}
                ]
            }
        )
    try:
        _check_image_structure(handle, mime, width, height)
    finally:
        handle.seek(0)


# EXIF, XMP and an ICC profile of a camera photo take well under this.
JPEG_METADATA_MAX_BYTES = 1024**2
# A zip file ends with its end-of-central-directory record, at most this far from the end.
ZIP_TAIL_BYTES = 22 + 65535


def _check_image_structure(handle: IO[bytes], mime: str, width: int, height: int) -> None:
    """Refuse a raster image whose structure is damaged or hides another file: a PNG with
    bad chunk checksums, no end, compressed picture data far beyond what its size can hold
    (a zlib bomb) or bytes after its end; a JPEG that stops before its end, does not decode
    (checked at 1/8 scale, which costs little) or carries an HTML page or a zip after it.
    Other bytes after a JPEG's end are tolerated (motion photos append their clip)."""
    damaged = ValidationError({"file": [_("This image is damaged or cannot be read.")]})
    hidden = ValidationError({"file": [_("This image has another file hidden in it.")]})
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(max(0, size - ZIP_TAIL_BYTES))
    tail = handle.read()
    if _ends_with_zip(tail, size):
        raise hidden
    handle.seek(0)
    if mime == "image/png":
        idat, end = _png_chunks(handle)
        if end is None or end > size:
            raise damaged
        # Filter byte per row, 8 bytes per pixel at most (RGBA, 16 bits), plus deflate's own
        # overhead for data that does not compress.
        raw = height * (1 + width * 8)
        if idat > raw + raw // 100 + 1024:
            raise damaged
        if size - end > 0:
            raise hidden
        handle.seek(0)
        try:
            with Image.open(handle) as image:
                image.verify()
        except (OSError, SyntaxError, ValueError) as error:
            raise damaged from error
    elif mime == "image/jpeg":
        if _jpeg_metadata_bytes(handle) > JPEG_METADATA_MAX_BYTES:
            raise ValidationError({"file": [_("This image carries more metadata than a photo needs.")]})
        # A JPEG cut short fails the decode below; here only what follows its end matters.
        trailing = tail.rsplit(b"\xff\xd9", 1)[-1].lower() if b"\xff\xd9" in tail else b""
        if b"<script" in trailing or b"<html" in trailing or b"<svg" in trailing:
            raise hidden
        handle.seek(0)
        try:
            with Image.open(handle) as image:
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
        except (OSError, SyntaxError, ValueError) as error:
            raise damaged from error


def _jpeg_metadata_bytes(handle: IO[bytes]) -> int:
    """The bytes of the APPn and COM segments before a JPEG's picture data (EXIF, XMP, ICC
    profiles, comments). Only the segment headers are read."""
    handle.seek(2)
    total = 0
    while True:
        header = handle.read(4)
        if len(header) < 4 or header[0] != 0xFF or header[1] in (0xDA, 0xD9):
            return total
        length = int.from_bytes(header[2:4], "big")
        if 0xE0 <= header[1] <= 0xEF or header[1] == 0xFE:
            total += length
        handle.seek(length - 2, 1)


def _ends_with_zip(tail: bytes, size: int) -> bool:
    """True when the file ends with a zip's end-of-central-directory record whose comment
    length reaches exactly the end of the file (what unzip looks for)."""
    at = tail.rfind(b"PK\x05\x06")
    while at != -1:
        if at + 22 <= len(tail) and at + 22 + int.from_bytes(tail[at + 20 : at + 22], "little") == len(tail):
            return True
        at = tail.rfind(b"PK\x05\x06", 0, at)
    return False


def _png_chunks(handle: IO[bytes]) -> tuple[int, int | None]:
    """The bytes of IDAT data of a PNG, and where its IEND chunk ends (None when the file
    stops before it). Only the chunk headers are read."""
    handle.seek(8)
    idat = 0
    while True:
        header = handle.read(8)
        if len(header) < 8:
            return idat, None
        length = int.from_bytes(header[:4], "big")
        if header[4:8] == b"IDAT":
            idat += length
        handle.seek(length + 4, 1)  # the data and its CRC
        if header[4:8] == b"IEND":
            return idat, handle.tell()


def _accepted_type(head: bytes, *, kind: str, generated_mime: str | None = None) -> str:
    """The type sniffed from a file's first bytes, if ``kind`` accepts it."""
    if not head:
        raise ValidationError({"file": [_("The file is empty.")]})
    mime = generated_mime or sniff_mime(head)
    if mime not in ALLOWED_TYPES[kind]:
        raise ValidationError(
            {
                "file": [
                    _("This file is not an accepted type. Accepted: %(types)s.")
                    % {"types": describe_allowed(kind)}
                ]
            }
        )
    return mime


# Checks of a kind that only an app above this one can make (videos registers the probe of
# a video in its AppConfig.ready). Each is called with the upload, after the type and pixel
# checks and before the quota, and raises ValidationError to refuse it, so every route that
# stores a client's file (the generic files endpoint too) gets the checks of its kind.
CONTENT_CHECKS: dict[str, list[Callable[[IO[bytes]], None]]] = {}


def stored_file_create(
    *,
    company: Company,
    kind: str,
    content: IO[bytes],
    original_name: str = "",
    project: Any = None,
    actor: Actor = None,
    generated_mime: str | None = None,
    held_until: datetime | None = None,
) -> StoredFile:
    """Store ``content`` as a file of ``kind`` for ``company`` and record it.

    Checks type and quota before writing; writes in chunks under a fresh key; records the
    row while holding the company's row lock, so two uploads cannot both squeeze into the
    last free bytes (the loser's file is removed again). Announces crossing 80 % / 100 %.
    A file ``held_until`` a moment (kept for an unpaid order) skips the quota — it is not
    counted — and is removed by ``held_files_expire`` once that moment has passed.
    """
    if kind not in ALLOWED_TYPES:
        raise ValidationError({"kind": [_("Unknown file kind.")]})
    if project is not None and project.company_id != company.pk:
        raise ValidationError({"project": [_("Unknown project.")]})
    inspected = inspect_content(content, kind=kind, generated_mime=generated_mime)
    for check in CONTENT_CHECKS.get(kind, ()):
        check(content)
        content.seek(0)
    if held_until is not None:
        check_file_size(inspected.size)
        return _store_held(company, kind, content, inspected, original_name, actor, held_until)
    quota_check(company=company, incoming_bytes=inspected.size)

    extension = ALLOWED_TYPES[kind][inspected.mime_type]
    key = build_key(company_id=company.pk, kind=kind, original_name=original_name, extension=extension)
    saved_key = default_storage.save(key, File(content, name=key))
    try:
        stored, used_before = _record(company, kind, saved_key, inspected, original_name, project, actor)
    except BaseException:
        default_storage.delete(saved_key)
        raise
    _announce_thresholds(company, used_before, used_before + inspected.size)
    return stored


@dataclass(frozen=True)
class UploadedParts:
    """The objects a resumable upload received, in order, and their total size."""

    keys: Sequence[str]
    size: int


def stored_file_join(
    *,
    company: Company,
    kind: str,
    parts: UploadedParts,
    original_name: str = "",
    project: Any = None,
    actor: Actor = None,
    held_until: datetime | None = None,
) -> StoredFile:
    """Store the ``parts`` of a resumable upload, joined in order, as one file of ``kind``
    and record it.

    The same checks as ``stored_file_create`` (type from the first bytes, size, quota, the
    company's row lock when recording) are made before anything is written, but the bytes
    are not read through this process where storage joins them itself (S3): the SHA-256 is
    then left empty for the video processing to fill in. A missing part, or parts that no
    longer add up to their size, raise FileNotFoundError with nothing written or
    recorded. The parts are left as they are.
    """
    if kind not in ALLOWED_TYPES:
        raise ValidationError({"kind": [_("Unknown file kind.")]})
    if project is not None and project.company_id != company.pk:
        raise ValidationError({"project": [_("Unknown project.")]})
    size = parts.size
    mime = _accepted_type(read_head(default_storage, parts.keys, HEAD_BYTES), kind=kind)
    check_file_size(size)
    if held_until is None:
        quota_check(company=company, incoming_bytes=size)
    key = build_key(
        company_id=company.pk, kind=kind, original_name=original_name, extension=ALLOWED_TYPES[kind][mime]
    )
    joined = join_objects(default_storage, parts.keys, key)
    try:
        if joined.size != size:
            raise FileNotFoundError(f"the parts hold {joined.size} bytes, not {size}")
        inspected = Inspected(size=size, sha256=joined.sha256, mime_type=mime)
        if held_until is not None:
            return _file_row(
                company, kind, joined.key, inspected, original_name, actor, held_until=held_until
            )
        stored, used_before = _record(company, kind, joined.key, inspected, original_name, project, actor)
    except BaseException:
        default_storage.delete(joined.key)
        raise
    _announce_thresholds(company, used_before, used_before + size)
    return stored


@transaction.atomic
def _record(
    company: Company,
    kind: str,
    key: str,
    inspected: Inspected,
    original_name: str,
    project: Any,
    actor: Actor,
) -> tuple[StoredFile, int]:
    locked = Company.objects.select_for_update().get(pk=company.pk)
    used = storage_used_bytes(company=locked)
    if used + inspected.size > locked.storage_quota_bytes:
        raise StorageQuotaExceededError(used=used, quota=locked.storage_quota_bytes, needed=inspected.size)
    stored = _file_row(locked, kind, key, inspected, original_name, actor, project=project)
    return stored, used


def _store_held(
    company: Company,
    kind: str,
    content: IO[bytes],
    inspected: Inspected,
    original_name: str,
    actor: Actor,
    held_until: datetime,
) -> StoredFile:
    extension = ALLOWED_TYPES[kind][inspected.mime_type]
    key = build_key(company_id=company.pk, kind=kind, original_name=original_name, extension=extension)
    saved_key = default_storage.save(key, File(content, name=key))
    try:
        return _file_row(company, kind, saved_key, inspected, original_name, actor, held_until=held_until)
    except BaseException:
        default_storage.delete(saved_key)
        raise


def _file_row(
    company: Company,
    kind: str,
    key: str,
    inspected: Inspected,
    original_name: str,
    actor: Actor,
    **extra: Any,
) -> StoredFile:
    """The record of a stored object, as inspected before it was written."""
    return StoredFile.objects.create(
        company=company,
        kind=kind,
        key=key,
        size=inspected.size,
        sha256=inspected.sha256,
        mime_type=inspected.mime_type,
        original_name=original_name[:255],
        created_by=actor_user(actor),
        **extra,
    )


@transaction.atomic
def stored_file_adopt(*, stored_file: StoredFile, project: Any = None, actor: Actor = None) -> StoredFile:
    """Take a held file into the company's storage (its order was paid): from now on it
    counts, so the quota is checked — under the company's row lock, like a new file."""
    locked = Company.objects.select_for_update().get(pk=stored_file.company_id)
    row = StoredFile.objects.with_scopes_disabled().select_for_update().get(pk=stored_file.pk)
    if row.held_until is None:
        return row
    used = storage_used_bytes(company=locked)
    if used + row.size > locked.storage_quota_bytes:
        raise StorageQuotaExceededError(used=used, quota=locked.storage_quota_bytes, needed=row.size)
    row.held_until = None
    row.project = project
    row.save(update_fields=["held_until", "project"])
    _announce_thresholds(locked, used, used + row.size)
    return row


def held_files_expire(*, now: datetime | None = None) -> int:
    """Delete held files past their ``held_until`` (objects go after commit). Periodic and
    across companies: nobody paid for them, so nothing else refers to them."""
    with scopes_disabled():  # a sweep over every company
        expired = StoredFile.objects.filter(held_until__lt=now or timezone.now())
        count = 0
        for stored in expired.iterator():
            with transaction.atomic():
                stored_file_delete(stored_file=stored)
            count += 1
    return count


def _announce_thresholds(company: Company, before: int, after: int) -> None:
    quota = company.storage_quota_bytes or 1
    for threshold in QUOTA_THRESHOLDS:
        limit = quota * threshold / 100
        if before < limit <= after:
            transaction.on_commit(
                functools.partial(
                    quota_threshold_reached.send,
                    sender=StoredFile,
                    company=company,
                    threshold=threshold,
                    used=after,
                    quota=quota,
                )
            )


def stored_file_delete(*, stored_file: StoredFile) -> None:
    """Delete the record now and the file once the transaction commits (kept on rollback)."""
    stored_file.delete()  # the post_delete receiver schedules the file's removal


def delete_file_after_commit(key: str) -> None:
    """Remove a stored object once the surrounding transaction commits; nothing on rollback."""

    def remove() -> None:
        try:
            default_storage.delete(key)
        except Exception:
            logger.warning("storage.delete_failed", key=key, exc_info=True)

    transaction.on_commit(remove)


@dataclass(frozen=True)
class Usage:
    used_bytes: int
    quota_bytes: int
    by_kind: Sequence[Mapping[str, Any]]
    by_project: Sequence[Mapping[str, Any]]

    @property
    def percent(self) -> float:
        return round(100 * self.used_bytes / self.quota_bytes, 1) if self.quota_bytes else 100.0


def storage_usage(*, company: Company) -> Usage:
    """What the company stores: total, per kind and per project (largest first)."""
    rows = StoredFile.objects.with_scopes_disabled().filter(company=company, held_until__isnull=True)
    by_kind = list(rows.values("kind").annotate(bytes=Sum("size"), files=Count("id")).order_by("-bytes"))
    by_project = list(
        rows.values("project_id", "project__name")
        .annotate(bytes=Sum("size"), files=Count("id"))
        .order_by("-bytes")
    )
    return Usage(
        used_bytes=sum(row["bytes"] for row in by_kind),
        quota_bytes=company.storage_quota_bytes,
        by_kind=by_kind,
        by_project=[
            {
                "project_id": r["project_id"],
                "project_name": r["project__name"],
                "bytes": r["bytes"],
                "files": r["files"],
            }
            for r in by_project
        ],
    )
