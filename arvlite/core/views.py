"""Error pages: JSON in the documented error body under /api/, styled HTML elsewhere."""

from __future__ import annotations

import sys
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from arvlite.core.api.errors import SERVER_ERROR_MESSAGE, error_body
from arvlite.core.outages import Outage, outage_of


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error(request: HttpRequest, *, status: int, code: str, message: str, template: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body(status_code=status, code=code, message=message), status=status)
    return render(request, template, {"status": status, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, status=400, code="bad_request", message=_("Bad request."), template="400.html")


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(
        request,
        status=403,
        code="permission_denied",
        message=_("You do not have permission to do this."),
        template="403.html",
    )


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, status=404, code="not_found", message=_("Not found."), template="404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this handler while it handles the exception, so the exception is at hand.
    outage = outage_of(sys.exc_info()[1])
    if outage is not None:
        return _unavailable(request, outage)
    if _wants_json(request):
        body = error_body(status_code=500, code="server_error", message=SERVER_ERROR_MESSAGE)
        return JsonResponse(body, status=500)
    # The 500 page must not depend on context processors that might be what failed.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def _unavailable(request: HttpRequest, outage: Outage) -> HttpResponse:
    if _wants_json(request):
        body = error_body(status_code=503, code=outage.code, message=outage.message())
        response: HttpResponse = JsonResponse(body, status=503)
    else:  # static like the 500 page: the context processors would need the database
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(outage.retry_after)
    return response
