"""Base for every company API view: resolves the company, checks the role, and keeps the
tenant scope active while the view runs."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from arvlite.core.api.permissions import HasCompanyRole
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.models import Company, Membership
from companies.selectors import membership_for

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass


class CompanyScopedMixin:
    """Mix into a DRF view routed under ``companies/<company_slug>/``.

    Declare ``read_role`` / ``write_role`` (and ``action_roles`` per ViewSet action).
    Anonymous → 401; a company the user is not a member of → 404; a role below the
    declared one → 403. Inside the view ``self.company`` and ``self.membership`` are set
    and tenant-scoped queries see only that company.
    """

    company_url_kwarg = "company_slug"
    read_role: str | None = Role.VIEWER
    write_role: str | None = Role.EDITOR
    action_roles: dict[str, str] = {}
    # APIView's own declared type: a mixin attribute must match it exactly.
    permission_classes: Sequence[_PermissionClass] = [IsAuthenticated, HasCompanyRole]

    company: Company
    membership: Membership
    kwargs: Any  # the URL's arguments, set by the APIView this is mixed into

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        with ExitStack() as stack:
            self._scope_stack = stack
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # a mixin: APIView follows it in the MRO

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Authenticate before looking at the company, so that anonymous callers get 401
        # and learn nothing about which companies exist.
        self.perform_authentication(request)  # type: ignore[attr-defined]  # APIView's, after this mixin
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        self.membership = membership_for(user=request.user, company_slug=kwargs[self.company_url_kwarg])
        self.company = self.membership.company
        self._scope_stack.enter_context(company_scope(self.company))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # a mixin: APIView follows it in the MRO
