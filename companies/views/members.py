"""Members, invitations and API keys pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from arvlite.core.forms import add_validation_errors
from arvlite.core.roles import ROLE_HELP, Role, role_allows
from companies import api_keys, invitations, selectors, services
from companies.forms import ApiKeyForm, InviteForm, RoleForm
from companies.models import CompanyApiKey, Invitation
from companies.portal import CompanyPortalMixin
from companies.views.base import CompanyActionView


class MembersView(CompanyPortalMixin, TemplateView):
    template_name = "companies/members.html"
    read_role = Role.VIEWER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        is_owner = role_allows(self.membership.role, Role.OWNER)
        context.update(
            members=selectors.member_list(company=self.company),
            is_owner=is_owner,
            role_help=[(role.value, role.label, ROLE_HELP[role]) for role in reversed(Role)],
            invite_form=InviteForm(),
        )
        if role_allows(self.membership.role, Role.MANAGER):
            context["invitations"] = Invitation.objects.filter(
                accepted_at__isnull=True, revoked_at__isnull=True
            )
        return context


class InviteView(CompanyActionView):
    """Owner sends an invitation; problems show as messages on the members page."""

    read_role = write_role = Role.OWNER
    redirect_to = "members-page"

    def perform(self, request: HttpRequest, **kwargs: Any) -> str:
        form = InviteForm(request.POST)
        if not form.is_valid():
            raise ValidationError(
                [f"{form.fields[name].label}: {e}" for name, errs in form.errors.items() for e in errs]
            )
        invitations.invitation_create(company=self.company, actor=request.user, **form.cleaned_data)
        return _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}


class MemberRoleView(CompanyActionView):
    read_role = write_role = Role.OWNER
    redirect_to = "members-page"

    def perform(self, request: HttpRequest, **kwargs: Any) -> str:
        membership = get_object_or_404(selectors.member_list(company=self.company), pk=kwargs["pk"])
        form = RoleForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a role."))
        services.membership_set(
            company=self.company, user=membership.user, role=form.cleaned_data["role"], actor=request.user
        )
        return _("%(email)s is now %(role)s.") % {
            "email": membership.user.email,
            "role": Role(form.cleaned_data["role"]).label,
        }


class MemberRemoveView(CompanyActionView):
    read_role = write_role = Role.OWNER
    redirect_to = "members-page"

    def perform(self, request: HttpRequest, **kwargs: Any) -> str:
        membership = get_object_or_404(selectors.member_list(company=self.company), pk=kwargs["pk"])
        services.membership_remove(membership=membership, actor=request.user)
        return _("%(email)s has been removed.") % {"email": membership.user.email}


class InvitationResendView(CompanyActionView):
    read_role = write_role = Role.OWNER
    redirect_to = "members-page"

    def perform(self, request: HttpRequest, **kwargs: Any) -> str:
        invitation = invitations.invitation_resend(
            invitation=get_object_or_404(Invitation.objects.all(), pk=kwargs["pk"]), actor=request.user
        )
        return _("Invitation sent again to %(email)s.") % {"email": invitation.email}


class InvitationRevokeView(CompanyActionView):
    read_role = write_role = Role.OWNER
    redirect_to = "members-page"

    def perform(self, request: HttpRequest, **kwargs: Any) -> str:
        invitation = invitations.invitation_revoke(
            invitation=get_object_or_404(Invitation.objects.all(), pk=kwargs["pk"]), actor=request.user
        )
        return _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email}


class ApiKeysView(CompanyPortalMixin, TemplateView):
    """List keys; creating one shows the key on this page, once."""

    template_name = "companies/api_keys.html"
    read_role = write_role = Role.MANAGER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApiKeyForm())
        context["api_keys"] = CompanyApiKey.objects.select_related("created_by").all()
        return context

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = ApiKeyForm(request.POST)
        issued = None
        if form.is_valid():
            try:
                issued = api_keys.api_key_create(
                    company=self.company,
                    actor=request.user,
                    actor_role=self.membership.role,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                form = ApiKeyForm()
        status = 200 if issued or not form.errors else 400
        return self.render_to_response(self.get_context_data(form=form, issued=issued), status=status)


class ApiKeyRevokeView(CompanyActionView):
    read_role = write_role = Role.MANAGER
    redirect_to = "api-keys-page"

    def perform(self, request: HttpRequest, **kwargs: Any) -> str:
        api_key = api_keys.api_key_revoke(
            api_key=get_object_or_404(CompanyApiKey.objects.all(), pk=kwargs["pk"]), actor=request.user
        )
        return _("The key “%(name)s” no longer works.") % {"name": api_key.name}
