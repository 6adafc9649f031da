"""Resumable video uploads over the tus 1.0.0 protocol (core, creation, termination,
expiration), under ``companies/<slug>/ar-content/<unique_id>/uploads/``.

    OPTIONS uploads/            204  Tus-Version, Tus-Extension, Tus-Max-Size
    POST    uploads/            201  Location (absolute), Upload-Expires
            Upload-Length, optional Upload-Metadata (base64 ``filename``, ``title``)
    HEAD    uploads/<id>/       200  Upload-Offset, Upload-Length, Cache-Control: no-store
    PATCH   uploads/<id>/       204  Upload-Offset (+ X-Video-Id when the upload finished)
            Content-Type: application/offset+octet-stream, Upload-Offset, Content-Length
    DELETE  uploads/<id>/       204

Every request but OPTIONS carries ``Tus-Resumable: 1.0.0`` (else 412) and every answer
does too. Errors: 409 wrong offset, 410 expired, 411 no Content-Length, 413 over the
length / size limit / quota, 415 wrong Content-Type; bodies are the documented error body.
Readers (HEAD, OPTIONS) need the viewer role, writers the editor role. PATCH bodies are
never parsed: the view hands the raw request stream to ``videos.uploads``, which writes it
to storage in pieces.
"""

from __future__ import annotations

import base64
import re
from typing import IO, Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arcontent.selectors import content_get
from arvlite.core.roles import Role
from companies.api.quota import QuotaExceeded
from companies.api.scoped import CompanyScopedMixin
from companies.files import StorageQuotaExceededError
from videos import uploads
from videos.models import UploadSession

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,expiration"
OFFSET_STREAM = "application/offset+octet-stream"
_DIGITS = re.compile(r"[0-9]{1,19}")
_METADATA_KEY = re.compile(r"[!-+\--~]+")  # printable ASCII without space and comma


class TusVersionUnsupported(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "tus_version_unsupported"
    default_detail = "Send the header Tus-Resumable: 1.0.0 (the tus protocol version this server speaks)."


class UploadConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "upload_offset_mismatch"


class UploadGone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "upload_expired"


class UploadLengthExceeded(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_length_exceeded"


class LengthRequired(exceptions.APIException):
    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_code = "length_required"
    default_detail = "Send the chunk with a Content-Length header."


class UploadCreatedSerializer(serializers.Serializer[dict[str, Any]]):  # the session's fields and its URL
    upload_id = serializers.UUIDField()
    url = serializers.URLField(help_text="Where to send HEAD, PATCH and DELETE (also the Location header).")
    offset = serializers.IntegerField()
    length = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


def max_upload_bytes() -> int:
    return min(settings.VIDEO_UPLOAD_MAX_BYTES, settings.FILE_UPLOAD_MAX_BYTES)


def _header_int(request: Request, name: str) -> int:
    value = request.headers.get(name)
    if value is None:
        raise exceptions.ValidationError({name: [_("This header is required.")]})
    if not _DIGITS.fullmatch(value.strip()):
        raise exceptions.ValidationError({name: [_("Give a whole number of bytes.")]})
    return int(value.strip())


def parse_metadata(header: str) -> dict[str, str]:
    """tus Upload-Metadata: comma-separated ``key base64(value)`` pairs (a key may come alone)."""
    metadata: dict[str, str] = {}
    for pair in filter(None, (item.strip() for item in header.split(","))):
        key, _space, encoded = pair.partition(" ")
        try:
            if not _METADATA_KEY.fullmatch(key):
                raise ValueError(key)
            metadata[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
            raise exceptions.ValidationError(
                {"Upload-Metadata": [_("Give comma-separated pairs of a key and a base64 value.")]}
            ) from None
    return metadata


def _expiry_headers(session: UploadSession) -> dict[str, str]:
    if session.completed_at is not None:
        return {}
    return {"Upload-Expires": http_date(session.expires_at.timestamp())}


_TUS_VERSION_REFUSED = OpenApiResponse(description="Tus-Resumable missing or not 1.0.0")
_TUS_HEADER = OpenApiParameter(
    "Tus-Resumable", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True, enum=[TUS_VERSION]
)


class TusProtocolView(APIView):
    """The tus 1.0.0 framing every upload endpoint shares: the version header checked on
    each request and echoed on each answer, discovery on OPTIONS, raw (unparsed) bodies.
    Who may call it is up to the subclass."""

    parser_classes: list[Any] = []  # bodies are raw streams, read by the upload service

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication and permissions first
        if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise TusVersionUnsupported()

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        if response.status_code == status.HTTP_412_PRECONDITION_FAILED:
            response["Tus-Version"] = TUS_VERSION
        return response

    def max_size(self) -> int:
        return max_upload_bytes()

    @extend_schema(exclude=True)
    def options(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        """tus discovery: version, extensions and the largest upload accepted."""
        return Response(
            status=status.HTTP_204_NO_CONTENT,
            headers={
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": TUS_EXTENSIONS,
                "Tus-Max-Size": str(self.max_size()),
            },
        )


def upload_length(request: Request) -> int:
    """The Upload-Length of a tus creation request (deferred lengths are refused)."""
    if "Upload-Defer-Length" in request.headers:
        raise exceptions.ValidationError(
            {"Upload-Defer-Length": [_("Give the Upload-Length when creating the upload.")]}
        )
    return _header_int(request, "Upload-Length")


def created_response(session: UploadSession, url: str) -> Response:
    """tus creation's answer: 201 with the session's URL in Location and in the body."""
    body = {
        "upload_id": session.upload_id,
        "url": url,
        "offset": session.offset,
        "length": session.length,
        "expires_at": session.expires_at,
    }
    return Response(
        UploadCreatedSerializer(body).data,
        status=status.HTTP_201_CREATED,
        headers={"Location": url, **_expiry_headers(session)},
    )


def head_response(session: UploadSession) -> Response:
    """tus HEAD: where to resume (410 once the session expired)."""
    try:
        offset = uploads.upload_offset(session=session)
    except uploads.UploadExpiredError as error:
        raise UploadGone(error.messages[0]) from None
    headers = {
        "Upload-Offset": str(offset),
        "Upload-Length": str(session.length),
        "Cache-Control": "no-store",
        **_expiry_headers(session),
    }
    return Response(status=status.HTTP_200_OK, headers=headers)


def patch_response(request: Request, session: UploadSession, actor: Any) -> UploadSession:
    """tus PATCH: hand the raw body to the upload service, mapping its refusals to the
    protocol's statuses. Returns the session as it stands after the chunk."""
    media_type = (request.content_type or "").split(";", 1)[0].strip().lower()
    if media_type != OFFSET_STREAM:
        raise exceptions.UnsupportedMediaType(media_type or "(none)")
    offset = _header_int(request, "Upload-Offset")
    if not _DIGITS.fullmatch(request.META.get("CONTENT_LENGTH") or ""):
        raise LengthRequired()
    try:
        return uploads.upload_append(
            session=session,
            offset=offset,
            # The raw body, never through DRF's parsers; HttpRequest reads like a file.
            chunk=cast(IO[bytes], request._request),
            chunk_length=int(request.META["CONTENT_LENGTH"]),
            actor=actor,
        )
    except uploads.UploadExpiredError as error:
        raise UploadGone(error.messages[0]) from None
    except uploads.UploadConflictError as error:
        raise UploadConflict(error.messages[0], code=error.code) from None
    except uploads.UploadLengthExceededError as error:
        raise UploadLengthExceeded(error.messages[0]) from None
    except StorageQuotaExceededError as error:
        raise QuotaExceeded(error.messages[0]) from None


def offset_headers(session: UploadSession) -> dict[str, str]:
    return {"Upload-Offset": str(session.offset), "Cache-Control": "no-store", **_expiry_headers(session)}


class _TusView(CompanyScopedMixin, TusProtocolView):
    read_role = Role.VIEWER
    write_role = Role.EDITOR


class VideoUploadListView(_TusView):
    """POST: create a resumable upload for a content (tus creation)."""

    @extend_schema(
        summary="Start a resumable video upload (tus creation)",
        description="tus 1.0.0: then HEAD the returned Location for the offset, PATCH chunks "
        "(`Content-Type: application/offset+octet-stream`, `Upload-Offset`), DELETE to cancel. "
        "The size limit and the quota are checked here, before any byte is sent.",
        request=None,
        parameters=[
            _TUS_HEADER,
            OpenApiParameter("Upload-Length", OpenApiTypes.INT, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(
                "Upload-Metadata",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="`filename <base64>,title <base64>`",
            ),
        ],
        responses={
            201: UploadCreatedSerializer,
            412: _TUS_VERSION_REFUSED,
            413: OpenApiResponse(description="Over the size limit (Tus-Max-Size) or the company's quota"),
        },
    )
    def post(self, request: Request, company_slug: str, unique_id: Any) -> Response:
        content = content_get(company=self.company, unique_id=unique_id)
        length = upload_length(request)
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
        try:
            session = uploads.upload_start(
                content=content,
                actor=request.user,
                length=length,
                filename=metadata.get("filename") or metadata.get("name") or "",
                title=metadata.get("title", ""),
            )
        except (StorageQuotaExceededError, uploads.UploadTooLargeError) as error:
            raise QuotaExceeded(error.messages[0]) from None
        url = request.build_absolute_uri(
            reverse(
                "video-upload-detail",
                kwargs={"company_slug": company_slug, "unique_id": unique_id, "upload_id": session.upload_id},
            )
        )
        return created_response(session, url)


class VideoUploadDetailView(_TusView):
    """HEAD: the offset to resume from; PATCH: the next chunk; DELETE: cancel (tus core,
    termination)."""

    def _session(self) -> UploadSession:
        return get_object_or_404(
            UploadSession.objects.filter(company=self.company),
            content__unique_id=self.kwargs["unique_id"],
            upload_id=self.kwargs["upload_id"],
        )

    def head(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return head_response(self._session())

    @extend_schema(
        summary="Send the next chunk of a resumable upload (tus PATCH)",
        description="The body is the raw bytes from `Upload-Offset` on. Answers 204 with the new "
        "`Upload-Offset`; the chunk that completes the upload creates the video and adds "
        "`X-Video-Id`. HEAD on this URL gives `Upload-Offset` and `Upload-Length` to resume from.",
        request={OFFSET_STREAM: OpenApiTypes.BINARY},
        parameters=[
            _TUS_HEADER,
            OpenApiParameter("Upload-Offset", OpenApiTypes.INT, OpenApiParameter.HEADER, required=True),
        ],
        responses={
            204: OpenApiResponse(description="Stored; `Upload-Offset` (and `X-Video-Id` when finished)"),
            409: OpenApiResponse(description="Upload-Offset is not where the upload stands"),
            410: OpenApiResponse(description="The upload expired"),
            411: OpenApiResponse(description="The chunk came without a Content-Length header"),
            413: OpenApiResponse(description="The chunk goes past Upload-Length, or over the quota"),
            412: _TUS_VERSION_REFUSED,
            415: OpenApiResponse(description="Content-Type is not application/offset+octet-stream"),
        },
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = patch_response(request, self._session(), request.user)
        headers = offset_headers(session)
        if session.video_id is not None:
            headers["X-Video-Id"] = str(session.video_id)
        return Response(status=status.HTTP_204_NO_CONTENT, headers=headers)

    @extend_schema(
        summary="Cancel a resumable upload (tus termination); received bytes are deleted",
        parameters=[_TUS_HEADER],
        responses={204: None, 412: _TUS_VERSION_REFUSED},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        uploads.upload_cancel(session=self._session())
        return Response(status=status.HTTP_204_NO_CONTENT)
