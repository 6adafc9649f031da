"""Company pages: dashboard, create, settings, delete."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from arvlite.core.forms import add_validation_errors
from arvlite.core.roles import Role, role_allows
from companies import selectors, services
from companies.accounts import EmailNotVerifiedError, email_confirmation_pending
from companies.actors import signed_in_user
from companies.dashboard import dashboard_panels
from companies.forms import CompanyCreateForm, CompanySettingsForm
from companies.models import Company
from companies.portal import CompanyPortalMixin
from companies.slugs import free_slug
from companies.views.base import CompanyActionView


class CompanyDashboardView(CompanyPortalMixin, TemplateView):
    template_name = "companies/company_dashboard.html"
    read_role = Role.VIEWER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["panels"] = dashboard_panels(membership=self.membership)
        return context


@login_required
@require_http_methods(["GET", "POST"])
def company_create_page(request: HttpRequest) -> HttpResponse:
    """ "Create your company": where a new user (or a Yandex sign-in without a company) lands."""
    form = CompanyCreateForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            fields = {**form.cleaned_data}
            fields["slug"] = fields["slug"] or free_slug(fields["name"])
            company = services.company_create(owner=signed_in_user(request), **fields)
        except EmailNotVerifiedError:
            status = 403  # the page says why and offers the link again
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Your company is ready. Invite your team from the Members page."))
            return redirect("company-dashboard", company_slug=company.slug)
    has_companies = selectors.membership_list_for_user(user=request.user).exists()
    return render(request, "companies/company_create.html", {
        "form": form, "has_companies": has_companies, "portal_base": f"{settings.PUBLIC_URL}/c/",
        "confirm_email": email_confirmation_pending(signed_in_user(request)),
    }, status=status)  # fmt: skip


class CompanySettingsView(CompanyPortalMixin, TemplateView):
    template_name = "companies/company_settings.html"
    read_role = Role.MANAGER
    write_role = Role.MANAGER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", CompanySettingsForm(instance=self.company, owner=self._owner()))
        context["can_delete"] = role_allows(self.membership.role, Role.OWNER)
        context["delete_blockers"] = services.company_delete_blockers(company=self.company)
        return context

    def _owner(self) -> bool:
        return role_allows(self.membership.role, Role.OWNER)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        # The form validates a copy: ModelForm writes into its instance, and the service
        # must see the old values to know what changed.
        form = CompanySettingsForm(
            request.POST, request.FILES, instance=Company.objects.get(pk=self.company.pk), owner=self._owner()
        )
        if form.is_valid():
            changed = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in CompanySettingsForm.Meta.fields
            }
            changed.update(form.payment_secret_change())
            try:
                services.company_update(company=self.company, actor=request.user, **changed)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("company-settings-page", company_slug=self.company.slug)
        self.company.refresh_from_db()
        return self.render_to_response(self.get_context_data(form=form))


class CompanyDeleteView(CompanyActionView):
    read_role = Role.OWNER
    write_role = Role.OWNER
    redirect_to = "company-settings-page"

    def perform(self, request: HttpRequest, **kwargs: Any) -> str:
        if request.POST.get("confirm_slug") != self.company.slug:
            raise ValidationError(_("Type the company address to confirm the deletion."))
        services.company_delete(company=self.company, actor=request.user)
        return _("The company has been deleted.")

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().post(request, **kwargs)
        if not type(self.company).objects.filter(pk=self.company.pk).exists():
            return redirect("home")
        return response
