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
from rest_framework.serializers import BaseSerializer

from arvlite.core.api.permissions import HasCompanyRole
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.models import Company, Membership
from companies.selectors import membership_for
from companies.two_factor import TwoFactorRequired

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
        try:
            self.membership = membership_for(user=request.user, company_slug=kwargs[self.company_url_kwarg])
        except TwoFactorRequired:
            raise exceptions.PermissionDenied(
                "This company requires two-factor sign-in: turn it on in the portal (My account) first.",
                code="two_factor_required",
            ) from None
        self.company = self.membership.company
        self._scope_stack.enter_context(company_scope(self.company))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # a mixin: APIView follows it in the MRO


class CompanyInputMixin(CompanyScopedMixin):
    """Adds the company to serializer contexts, and ``validated()`` for input serializers."""

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]  # a mixin: the ViewSet follows it
        context["company"] = getattr(self, "company", None)
        return context

    def validated(self, serializer_class: type[BaseSerializer[Any]], **kwargs: Any) -> dict[str, Any]:
        """The request body, checked by an input serializer (400 with field errors if not)."""
        serializer = serializer_class(
            data=self.request.data,  # type: ignore[attr-defined]  # the ViewSet's request
            context=self.get_serializer_context(),
            **kwargs,
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
