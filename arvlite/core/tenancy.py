"""Tenant isolation plumbing.

Tenant-owned models use ``TenantManager``: a query made without an active company scope
raises ``ScopeError`` instead of returning every company's rows (fail-closed, the approach
of django-scopes). Views activate the scope for the request's company; code that really
must cross tenants (the admin, periodic jobs) says so with ``scopes_disabled()``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.db import models
from django_scopes import ScopedManager, scope, scopes_disabled

__all__ = ["TenantManager", "company_scope", "scopes_disabled"]


def TenantManager() -> Any:  # noqa: N802 - reads like the manager class it builds
    """The manager every tenant-owned model declares as ``objects``."""
    return ScopedManager(company="company")


def company_scope(company: models.Model) -> AbstractContextManager[None]:
    """Activate the company scope: tenant queries are limited to ``company``."""
    if company is None or company.pk is None:
        # django-scopes reads a None scope as "no filter"; that must never happen by accident.
        raise ValueError("company_scope needs a saved company.")
    return scope(company=company)
