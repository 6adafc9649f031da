"""A base for portal form posts that run one service and go back to a page."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View

from companies.portal import CompanyPortalMixin


def validation_messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


class CompanyActionView(CompanyPortalMixin, View, ABC):
    """POST-only: ``perform()`` calls a service; its ValidationError becomes an error
    message on the page the user came from, never a 500."""

    http_method_names = ["post"]
    redirect_to = "company-dashboard"

    @abstractmethod
    def perform(self, request: HttpRequest, **kwargs: Any) -> str:
        """Run the service and return the success message."""

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            messages.success(request, self.perform(request, **kwargs))
        except ValidationError as error:
            for message in validation_messages(error):
                messages.error(request, message)
        return redirect(self.redirect_to, company_slug=self.company.slug)
