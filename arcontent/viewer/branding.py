"""Company logos are public: the /view page and the manifest's `company.logo_url` show them."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_http_methods

from arvlite.core.security_headers import STORED_FILE_POLICY
from arvlite.core.storage.sniff import HEAD_BYTES
from arvlite.core.tenancy import scopes_disabled
from companies.branding import logo_content_type
from companies.models import Company


@require_http_methods(["GET", "HEAD"])
def company_logo(request: HttpRequest, company_id: int) -> FileResponse:
    with scopes_disabled():
        company = Company.objects.filter(pk=company_id, status=Company.Status.ACTIVE).first()
    if company is None or not company.logo:
        raise Http404
    try:
        handle = company.logo.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    content_type = logo_content_type(handle.read(HEAD_BYTES))
    if content_type is None:  # not an image after all: never served as anything else
        handle.close()
        raise Http404
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    # The link carries the file name (?v=…), so a new logo is a new URL: cache for long.
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = STORED_FILE_POLICY
    response["Content-Disposition"] = 'inline; filename="logo"'
    return response
