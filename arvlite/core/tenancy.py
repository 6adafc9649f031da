"""Tenant isolation plumbing.

Tenant-owned models use ``TenantManager``: a query made without an active company scope
raises ``ScopeError`` instead of returning every company's rows (fail-closed, the approach
of django-scopes). Views activate the scope for the request's company; code that really
must cross tenants (the admin, periodic jobs) says so with ``scopes_disabled()``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django_scopes import ScopedManager, scope, scopes_disabled

if TYPE_CHECKING:
    from companies.models import Company, Membership

__all__ = ["TenantManager", "company_scope", "membership_for", "scopes_disabled"]


def TenantManager() -> Any:  # noqa: N802 - reads like the manager class it builds
    """The manager every tenant-owned model declares as ``objects``."""
    return ScopedManager(company="company")


def company_scope(company: Company) -> AbstractContextManager[None]:
    """Activate the company scope: tenant queries are limited to ``company``."""
    if company is None or company.pk is None:
        # django-scopes reads a None scope as "no filter"; that must never happen by accident.
        raise ValueError("company_scope needs a saved company.")
    return scope(company=company)


def membership_for(*, user: Any, company_slug: str) -> Membership:
    """The user's membership in the company with this slug, or 404.

    A company the user does not belong to answers exactly like one that does not exist,
    so nobody can probe which slugs are taken.
    """
    from companies.models import Company, Membership

    if not getattr(user, "is_authenticated", False):
        raise Http404
    if hasattr(user, "membership_for"):  # an API key: only its own company, with its role
        key_membership = user.membership_for(company_slug)
        if key_membership is None or not key_membership.company.is_active:
            raise Http404
        return key_membership
    membership = (
        Membership.objects.select_related("company", "user")
        .filter(user=user, company__slug=company_slug, company__status=Company.Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise Http404
    return membership
