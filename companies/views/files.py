"""The authorising view in front of local media: nothing under MEDIA_ROOT is reachable
except through it. (With S3, links point at the bucket, presigned.)"""

from __future__ import annotations

import time

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_safe

from arvlite.core.security_headers import STORED_FILE_POLICY
from arvlite.core.storage.access import signature_is_valid
from arvlite.core.storage.keys import company_id_of
from arvlite.core.storage.ranges import ranged_response
from arvlite.core.tenancy import scopes_disabled
from companies.models import Company, Membership, StoredFile


def _allowed(request: HttpRequest, key: str) -> bool:
    expires, given = request.GET.get("expires", ""), request.GET.get("signature", "")
    company_id = company_id_of(key)
    if company_id is None:
        return False
    if expires.isascii() and expires.isdigit() and given:
        return (
            int(expires) >= time.time()
            and signature_is_valid(key, int(expires), given)
            # links handed out before a company was deactivated stop working with it
            and Company.objects.filter(pk=company_id, status=Company.Status.ACTIVE).exists()
        )
    user = request.user
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, company_id=company_id, company__status=Company.Status.ACTIVE
    ).exists()  # a deactivated company's files are out of reach, like its pages


@require_safe
def serve_file(request: HttpRequest, key: str) -> HttpResponseBase:
    """A signed, unexpired link, or a signed-in member of the key's company, gets the file
    with Range support. Anything else is 404, whether or not the file exists."""
    if company_id_of(key) is None or not _allowed(request, key):
        raise Http404
    with scopes_disabled():  # access was decided above from the signature or membership
        stored = StoredFile.objects.filter(key=key).only("size", "mime_type", "original_name").first()
    if stored is None or not default_storage.exists(key):
        raise Http404
    response = ranged_response(
        open_file=lambda: default_storage.open(key, "rb"),
        size=stored.size,
        content_type=stored.mime_type,
        range_header=request.headers.get("Range"),
    )
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{key.rsplit("/", 1)[-1]}"'
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = STORED_FILE_POLICY  # an uploaded file never runs as a page
    if request.method == "HEAD":
        return _headers_only(response)
    return response


def _headers_only(response: HttpResponseBase) -> HttpResponse:
    if hasattr(response, "streaming_content"):
        response.close()  # releases the open file
    head = HttpResponse(status=response.status_code)
    for name, value in response.headers.items():
        head[name] = value
    return head
