"""Base for every company portal page under ``/c/<company_slug>/``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from arvlite.core.api.permissions import required_role
from arvlite.core.roles import Role, role_allows
from arvlite.core.tenancy import company_scope
from companies.models import Company, Membership
from companies.selectors import membership_for
from companies.two_factor import TwoFactorRequired


class CompanyPortalMixin(LoginRequiredMixin):
    """Same rules as the API's CompanyScopedMixin, read from the same attributes.

    Anonymous → redirect to the login page; not a member → 404; role too low → 403.
    The page renders inside the company scope, with ``request.company`` set for the
    header's company switcher.
    """

    company_url_kwarg = "company_slug"
    read_role: str | None = Role.VIEWER
    write_role: str | None = Role.EDITOR
    action_roles: dict[str, str] = {}

    company: Company
    membership: Membership
    kwargs: Any  # the URL's arguments, set by the View this is mixed into

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.membership = membership_for(user=request.user, company_slug=kwargs[self.company_url_kwarg])
        except TwoFactorRequired as refused:
            messages.warning(
                request,
                _("%(company)s requires two-factor sign-in: turn it on to continue.")
                % {"company": refused.company.name},
            )
            return redirect("two-factor-page")
        self.company = self.membership.company
        request.company = self.company  # type: ignore[attr-defined]  # for the header's switcher
        request.membership = self.membership  # type: ignore[attr-defined]  # ditto
        if not role_allows(self.membership.role, required_role(self, request.method or "GET")):
            raise PermissionDenied
        with company_scope(self.company):
            response = super().dispatch(request, *args, **kwargs)
            # Template responses render lazily; render while the scope is still active.
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                response = render()
            return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]  # a mixin: the View follows it
        context.update(company=self.company, membership=self.membership)
        return context
