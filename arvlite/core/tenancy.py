"""Tenant isolation plumbing.

Tenant-owned models use ``TenantManager``: a query made without an active company scope
raises ``ScopeError`` instead of returning every company's rows (fail-closed, the approach
of django-scopes). Views activate the scope for the request's company; code that really
must cross tenants (the admin, periodic jobs) says so with ``scopes_disabled()``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django_scopes import ScopedManager, scope, scopes_disabled

__all__ = ["TenantManager", "company_scope", "scopes_disabled"]

_M = TypeVar("_M", bound=models.Model)

if TYPE_CHECKING:
    _ScopedBase = models.Manager
else:
    # django-scopes builds its manager class inside a function; take that class once, so
    # TenantManager is a named, importable Manager subclass that django-stubs can type.
    _ScopedBase = type(ScopedManager(company="company"))


class TenantManager(_ScopedBase[_M]):
    """The manager every tenant-owned model declares as ``objects``: scoped to ``company``."""

    if TYPE_CHECKING:
        # Implemented by django-scopes' manager (untyped); declared here for the checker.
        def with_scope(self, **scope: Any) -> Self: ...

        def with_scopes_disabled(self) -> Self: ...


def company_scope(company: models.Model) -> AbstractContextManager[None]:
    """Activate the company scope: tenant queries are limited to ``company``."""
    if company is None or company.pk is None:
        # django-scopes reads a None scope as "no filter"; that must never happen by accident.
        raise ValueError("company_scope needs a saved company.")
    return scope(company=company)
