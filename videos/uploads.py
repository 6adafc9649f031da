"""Resumable video uploads (tus 1.0.0): upload sessions, the received bytes kept as part
objects in media storage, and the video made from them when the last byte arrives.

How the bytes are kept
    A PATCH body is written to storage while it is read, as objects of at most
    ``PART_MAX_BYTES`` under fresh keys ``<company id>/video/<random>/part-<index>.part``
    (``build_key``), listed in order in ``UploadSession.chunk_keys``. Nothing stays in
    process memory and any web node can take the next chunk. When ``offset`` reaches
    ``length`` ``videos.services.video_create`` joins the parts into the original
    (``companies.files.stored_file_join``): on S3 by S3 itself, a multipart upload of
    server-side part copies, so no byte comes back through the web process and the last
    PATCH of a 1 GiB upload returns in about a second; on local disk, or with parts under
    S3's 5 MiB minimum (clients sending small chunks), by streaming them into the new
    file. The parts are removed after commit. Only the bytes that really arrived count:
    a body cut off halfway keeps what came and the offset says exactly that. (Under an ASGI
    server Django receives the whole body before the view runs, so there a dropped
    connection loses that chunk entirely and the client sends it again.)

Parts and the storage clean-up
    Parts are not StoredFile rows, so ``companies.cleanup_storage`` removes any part older
    than STORAGE_CLEANUP_GRACE_SECONDS. That is the safety net for parts whose session is
    gone without us (content or company deleted mid-upload); ``expire_uploads`` removes
    the others with their sessions. It also means that an upload paused for longer than
    the grace period (UPLOAD_SESSION_HOURS allows more) can lose its oldest parts. That
    is detected, never glued into a broken file: parts are written in order, so the
    clean-up takes the first part first and checking it is enough. HEAD then reports
    offset 0 and the next PATCH starts the session over; a part found missing while
    joining answers a conflict and starts over too. Set STORAGE_CLEANUP_GRACE_SECONDS to
    at least UPLOAD_SESSION_HOURS hours when paused uploads must survive the clean-up.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import IO, cast

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from arcontent.models import ARContent
from arvlite.core.storage.keys import build_key
from arvlite.core.storage.s3 import SINGLE_PUT_MAX_BYTES
from arvlite.core.tenancy import scopes_disabled
from companies.actors import Actor, actor_user
from companies.files import (
    StorageQuotaExceededError,
    UploadedParts,
    check_file_size,
    delete_file_after_commit,
    quota_check,
    stored_file_join,
)
from companies.models import Company, StoredFile
from videos.models import UploadSession
from videos.services import check_video_playable, check_video_size, video_create

logger = structlog.get_logger(__name__)

# Largest part object. Bounds memory where a backend reads a whole object at once (the S3
# backend buffers an opened object in memory, and sends one of this size in a single PUT)
# however large the client's PATCH bodies are.
PART_MAX_BYTES = SINGLE_PUT_MAX_BYTES
READ_BYTES = 1024**2  # read from the request and copy between files in pieces of this size


class UploadConflictError(ValidationError):
    """The client's Upload-Offset is not where the upload stands (tus answers 409)."""

    def __init__(self, message: str, *, offset: int, code: str = "upload_offset_mismatch") -> None:
        self.offset = offset
        super().__init__(message, code=code)


class UploadPartsLostError(UploadConflictError):
    """Received parts were removed from storage; the upload starts again at byte 0."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The bytes received earlier are no longer stored (the upload was paused too "
                "long). The upload starts again from byte 0."
            ),
            offset=0,
            code="upload_parts_lost",
        )


class UploadLengthExceededError(ValidationError):
    """The chunk would go past the length announced at creation (413)."""


class UploadTooLargeError(ValidationError):
    """The announced length is over VIDEO_UPLOAD_MAX_BYTES or FILE_UPLOAD_MAX_BYTES (413)."""


class UploadExpiredError(ValidationError):
    """The session is past its expiry and no longer takes bytes (410)."""


class _RefusedError(Exception):
    """video_create refused the finished file: the upload can never succeed."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(str(error))
        self.error = error


def upload_start(
    *, content: ARContent, actor: Actor, length: int, filename: str, title: str
) -> UploadSession:
    """Open a resumable upload of ``length`` bytes for ``content``, kept UPLOAD_SESSION_HOURS.

    Refused before any byte is accepted: archived content or an empty upload
    (ValidationError), over VIDEO_UPLOAD_MAX_BYTES or FILE_UPLOAD_MAX_BYTES
    (UploadTooLargeError), over what is left of the company's quota
    (StorageQuotaExceededError). The quota is checked again when the video is stored.
    """
    if content.status == ARContent.Status.ARCHIVED:
        raise ValidationError(_("Archived content is read-only."))
    if length <= 0:
        raise ValidationError({"length": [_("An upload needs at least one byte.")]})
    # Bytes promised to open uploads count as used: parts are not file rows yet.
    pending = (
        UploadSession.objects.with_scopes_disabled()
        .filter(
            company=content.company,
            content__isnull=False,  # held uploads count only once their order is paid
            completed_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .aggregate(total=Sum("length"))["total"]
        or 0
    )
    try:
        check_video_size(length)
        quota_check(company=content.company, incoming_bytes=length + pending)
    except StorageQuotaExceededError:
        raise
    except ValidationError as error:
        raise UploadTooLargeError(error) from None
    return UploadSession.objects.create(
        company=content.company,
        content=content,
        upload_id=uuid.uuid4(),
        length=length,
        filename=_base_name(filename),
        title=title.strip()[:200],
        created_by=actor_user(actor),
        expires_at=timezone.now() + timedelta(hours=settings.UPLOAD_SESSION_HOURS),
    )


def upload_start_held(*, company: Company, length: int, filename: str, hold_until: datetime) -> UploadSession:
    """Open a held upload: a video sent with a storefront order before it is paid. It has
    no content and counts against no quota; when complete its bytes become a held file
    (``held_file``, kept until ``hold_until``) that the paid order gives to its content.
    The size limits apply as usual; the held bytes per company are capped by
    STOREFRONT_HELD_BYTES_MAX so unpaid uploads cannot fill the storage."""
    if length <= 0:
        raise ValidationError({"length": [_("An upload needs at least one byte.")]})
    try:
        check_video_size(length)
        check_file_size(length)
    except ValidationError as error:
        raise UploadTooLargeError(error) from None
    now = timezone.now()
    with scopes_disabled():  # held bytes across the company's open sessions and files
        open_bytes = (
            UploadSession.objects.filter(
                company=company, content__isnull=True, completed_at__isnull=True, expires_at__gt=now
            ).aggregate(total=Sum("length"))["total"]
            or 0
        )
        held_bytes = (
            StoredFile.objects.filter(company=company, held_until__gt=now).aggregate(total=Sum("size"))[
                "total"
            ]
            or 0
        )
    if open_bytes + held_bytes + length > settings.STOREFRONT_HELD_BYTES_MAX:
        raise UploadTooLargeError(
            ValidationError(_("This shop cannot take more uploads right now. Please try again later."))
        )
    return UploadSession.objects.create(
        company=company,
        content=None,
        upload_id=uuid.uuid4(),
        length=length,
        filename=_base_name(filename),
        expires_at=min(hold_until, now + timedelta(hours=settings.UPLOAD_SESSION_HOURS)),
        hold_until=hold_until,
    )


def upload_offset(*, session: UploadSession) -> int:
    """Where the client continues (tus HEAD): the recorded offset, or 0 when the received
    parts have been removed from storage meanwhile (the next PATCH starts over).
    An expired session raises UploadExpiredError."""
    _refuse_expired(session)
    return 0 if _first_part_missing(session) else session.offset


def upload_append(
    *, session: UploadSession, offset: int, chunk: IO[bytes], chunk_length: int, actor: Actor = None
) -> UploadSession:
    """Store the next ``chunk_length`` bytes read from ``chunk`` at ``offset``; on the last
    byte, make the video (``upload_finish``) in the same transaction.

    The session row is locked while the bytes are written, so two requests can never both
    write at one offset. ``offset`` must equal the session's (else UploadConflictError) and
    the chunk must not pass the length (UploadLengthExceededError); an expired session
    raises UploadExpiredError. A body that ends early or breaks off keeps what arrived.
    If the finished file is refused (not a video, content archived...), the session and
    its parts are deleted and the ValidationError raised; over the quota at that point the
    last chunk is rolled back instead, so the upload can resume once space is freed.
    ``actor`` is who sends the chunk (the video's creator if it is the last one; default,
    and for API keys: who started the upload).
    """
    if chunk_length < 0:
        raise ValidationError({"chunk_length": [_("A chunk cannot have a negative length.")]})
    _refuse_expired(session)
    if _first_part_missing(session):
        _restart(session, only_if_parts_lost=True)
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(session)
            _refuse_expired(locked)
            if offset != locked.offset:
                message = _(
                    "The upload is at byte %(expected)s, not %(given)s. Ask for the offset and continue."
                )
                raise UploadConflictError(
                    message % {"expected": locked.offset, "given": offset}, offset=locked.offset
                )
            if offset + chunk_length > locked.length:
                raise UploadLengthExceededError(
                    _("This chunk would end at byte %(end)s, past the upload's length of %(length)s bytes.")
                    % {"end": offset + chunk_length, "length": locked.length}
                )
            received = _store_parts(locked, chunk, chunk_length, written)
            if received:
                locked.offset += received
                locked.chunk_keys = [*locked.chunk_keys, *written]
                locked.save(update_fields=["offset", "chunk_keys"])
            if locked.offset == locked.length and locked.completed_at is None:
                locked = _finish_or_refuse(locked, actor)
    except BaseException as error:
        _delete_now(written)  # never recorded (rolled back)
        if isinstance(error, UploadPartsLostError):
            _restart(session, only_if_parts_lost=False)
        elif isinstance(error, _RefusedError):
            upload_cancel(session=session)
            raise error.error from None
        raise
    return locked


@transaction.atomic
def upload_finish(*, session: UploadSession, actor: Actor = None) -> UploadSession:
    """Make the video from a fully received upload: ``video_create`` joins the parts in
    order into the original (type, size and quota checked there; processing queued after
    commit), mark the session complete and remove the parts after
    commit. A complete session is returned as it is; a missing part raises
    UploadPartsLostError."""
    locked = _lock(session)
    if locked.completed_at is not None:
        return locked
    if locked.offset != locked.length:
        raise ValidationError(
            _("The upload is not complete: %(offset)s of %(length)s bytes received.")
            % {"offset": locked.offset, "length": locked.length}
        )
    if locked.content is None:
        return _finish_held(locked)
    try:
        video = video_create(
            content=locked.content,
            actor=actor_user(actor) or locked.created_by,
            parts=_parts(locked),
            filename=locked.filename,
            title=locked.title,
        )
    except FileNotFoundError:
        raise UploadPartsLostError() from None
    for key in locked.chunk_keys:
        delete_file_after_commit(key)
    locked.chunk_keys = []
    locked.completed_at = timezone.now()
    locked.video = video
    locked.save(update_fields=["chunk_keys", "completed_at", "video"])
    logger.info("upload.finished", upload_id=str(locked.upload_id), video_id=video.pk, size=locked.length)
    return locked


def _finish_held(locked: UploadSession) -> UploadSession:
    """A held upload's bytes become one held file (type sniffed and the video probed: only
    a usable video is kept)."""
    try:
        check_video_playable(parts=_parts(locked))
        held = stored_file_join(
            company=locked.company, kind=StoredFile.Kind.VIDEO, parts=_parts(locked),
            original_name=locked.filename, held_until=locked.hold_until or locked.expires_at,
        )  # fmt: skip
    except FileNotFoundError:
        raise UploadPartsLostError() from None
    for key in locked.chunk_keys:
        delete_file_after_commit(key)
    locked.chunk_keys = []
    locked.completed_at = timezone.now()
    locked.held_file = held
    locked.save(update_fields=["chunk_keys", "completed_at", "held_file"])
    logger.info("upload.held", upload_id=str(locked.upload_id), file_id=held.pk, size=locked.length)
    return locked


@transaction.atomic
def upload_cancel(*, session: UploadSession) -> None:
    """Terminate an upload: the session goes now, its parts after commit. The video of a
    completed upload stays."""
    locked = UploadSession.objects.select_for_update(of=("self",)).filter(pk=session.pk).first()
    if locked is None:
        return
    for key in locked.chunk_keys:
        delete_file_after_commit(key)
    locked.delete()


def expire_uploads(*, now: datetime | None = None) -> int:
    """Delete sessions past their expiry, completed or not, with their parts (periodic job,
    across companies). Sessions locked by a request in flight are left for the next run.
    Returns how many were deleted."""
    cutoff = now or timezone.now()
    removed = 0
    with scopes_disabled():
        expired = list(UploadSession.objects.filter(expires_at__lte=cutoff).values_list("pk", flat=True))
        for pk in expired:
            with transaction.atomic():
                session = (
                    UploadSession.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=pk, expires_at__lte=cutoff)
                    .first()
                )
                if session is None:
                    continue
                for key in session.chunk_keys:
                    delete_file_after_commit(key)
                session.delete()
            removed += 1
    logger.info("uploads.expired", removed=removed)
    return removed


# --- internals ----------------------------------------------------------------------------


def _base_name(filename: str) -> str:
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]


def _lock(session: UploadSession) -> UploadSession:
    return (
        UploadSession.objects.select_for_update(of=("self",))
        .select_related("company", "content__company", "content__project", "created_by")
        .get(pk=session.pk)
    )


def _refuse_expired(session: UploadSession) -> None:
    if session.expires_at <= timezone.now():
        raise UploadExpiredError(_("This upload has expired. Start a new one."), code="upload_expired")


def _first_part_missing(session: UploadSession) -> bool:
    # Parts are written in order and the clean-up removes what is older than its grace
    # period, so lost parts always include the first one.
    return bool(session.chunk_keys) and not default_storage.exists(session.chunk_keys[0])


def _restart(session: UploadSession, *, only_if_parts_lost: bool) -> None:
    """Forget what was received: offset 0, the remaining parts removed after commit."""
    with transaction.atomic():
        locked = _lock(session)
        if only_if_parts_lost and not _first_part_missing(locked):
            return  # another request restarted it already
        for key in locked.chunk_keys:
            delete_file_after_commit(key)
        logger.warning("upload.parts_lost", upload_id=str(locked.upload_id), offset=locked.offset)
        locked.offset, locked.chunk_keys = 0, []
        locked.save(update_fields=["offset", "chunk_keys"])


def _finish_or_refuse(session: UploadSession, actor: Actor) -> UploadSession:
    try:
        return upload_finish(session=session, actor=actor)
    except (UploadPartsLostError, StorageQuotaExceededError):
        raise
    except ValidationError as error:
        raise _RefusedError(error) from error


def _delete_now(keys: list[str]) -> None:
    for key in keys:
        try:
            default_storage.delete(key)
        except Exception:
            logger.warning("upload.part_delete_failed", key=key, exc_info=True)


class _Body:
    """At most ``limit`` bytes of a request body, counted as they arrive. A read error (the
    client went away) ends the body; what arrived before it is kept."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.remaining = limit
        self.received = 0
        self.interrupted = False

    def read(self, size: int) -> bytes:
        if self.remaining <= 0:
            return b""
        try:
            data = self.stream.read(min(size, self.remaining))
        except OSError:  # Django's UnreadablePostError, a reset connection
            self.interrupted = True
            self.remaining = 0
            return b""
        if not data:
            self.remaining = 0  # the body ended before its Content-Length
        self.received += len(data)
        self.remaining -= len(data)
        return data


class _Part:
    """The next at most PART_MAX_BYTES of a body, as a forward-only file that storage
    backends read in pieces. ``read(n)`` returns exactly n bytes until the end, because
    boto3 sizes its multipart pieces by what one read returns."""

    closed = False

    def __init__(self, body: _Body, first: bytes) -> None:
        self.body = body
        self.pending = first
        self.left = PART_MAX_BYTES - len(first)

    def read(self, size: int | None = -1) -> bytes:
        wanted = len(self.pending) + self.left if size is None or size < 0 else size
        out = bytearray(self.pending[:wanted])
        self.pending = self.pending[wanted:]
        while len(out) < wanted and self.left > 0:
            data = self.body.read(min(READ_BYTES, wanted - len(out), self.left))
            if not data:
                self.left = 0
                break
            out += data
            self.left -= len(data)
        return bytes(out)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        pass


def _store_parts(session: UploadSession, chunk: IO[bytes], chunk_length: int, written: list[str]) -> int:
    """Write the body as part objects (keys appended to ``written`` as each is saved);
    returns the bytes that arrived."""
    body = _Body(chunk, chunk_length)
    while first := body.read(READ_BYTES):
        index = len(session.chunk_keys) + len(written)
        key = build_key(
            company_id=session.company_id,
            kind=StoredFile.Kind.VIDEO,
            original_name=f"part-{index:06d}",
            extension="part",
        )
        # _Part is file-like enough for storage (read, closed), not a full IO.
        part = cast(IO[bytes], _Part(body, first))
        written.append(default_storage.save(key, File(part, name=key)))
    if body.interrupted:
        logger.info(
            "upload.body_interrupted",
            upload_id=str(session.upload_id),
            received=body.received,
            announced=chunk_length,
        )
    return body.received


def _parts(session: UploadSession) -> UploadedParts:
    return UploadedParts(keys=tuple(session.chunk_keys), size=session.length)
