"""The API error every upload answers when the company's storage quota is used up."""

from __future__ import annotations

from rest_framework import exceptions, status


class QuotaExceeded(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "quota_exceeded"
