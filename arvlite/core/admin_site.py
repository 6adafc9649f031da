"""The operators' back office. Operators are Django staff and see every tenant, so each
admin view runs with the tenant scope guard switched off, explicitly and only here."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


class ArvliteAdminSite(admin.AdminSite):
    site_header = _("ARVlite back office")
    site_title = _("ARVlite back office")
    index_title = _("Operations")
    index_template = "admin/arvlite_index.html"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        """The usual app list, under the operators' dashboard (admin_dashboard.py)."""
        # Imported here: INSTALLED_APPS names this module's config, so it loads while the app
        # registry is still filling, before the dashboard's models may be imported.
        from arvlite.core.admin_dashboard import dashboard_context

        return super().index(request, {**dashboard_context(self, request), **(extra_context or {})})

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        @functools.wraps(view)
        def cross_tenant_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            with scopes_disabled():
                response = view(request, *args, **kwargs)
                # Lazy template responses query while rendering, so render inside the scope.
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                return response

        # The wrapper takes and returns what `view` does; cast says so (functools.wraps cannot).
        return super().admin_view(cast(_View, cross_tenant_view), cacheable)


class ArvliteAdminConfig(AdminConfig):
    """django.contrib.admin, installed with the cross-tenant site above."""

    default_site = "arvlite.core.admin_site.ArvliteAdminSite"
