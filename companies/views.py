"""Portal pages of the companies app: home redirect and the company dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from arvlite.core.models import AuditEntry
from arvlite.core.portal import CompanyPortalMixin
from arvlite.core.roles import Role, role_allows
from companies import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to their first company, or explain what to do without one."""
    membership = selectors.membership_list_for_user(user=request.user).first()
    if membership is not None:
        return redirect("company-dashboard", company_slug=membership.company.slug)
    return render(request, "companies/no_company.html")


class CompanyDashboardView(CompanyPortalMixin, TemplateView):
    template_name = "companies/company_dashboard.html"
    read_role = Role.VIEWER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["members"] = list(selectors.member_list(company=self.company)[:10])
        can_see_audit = role_allows(self.membership.role, Role.MANAGER)
        context["can_see_audit"] = can_see_audit
        context["recent_activity"] = (
            list(AuditEntry.objects.select_related("actor")[:10]) if can_see_audit else []
        )
        return context
