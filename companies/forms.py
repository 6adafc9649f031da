from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from arvlite.core.roles import Role
from companies.api_keys import ASSIGNABLE_ROLE_CHOICES
from companies.models import Company
from companies.services import COMPANY_PROFILE_FIELDS


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False))


class CompanyCreateForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    slug = forms.CharField(
        label=_("Address"),
        max_length=60,
        help_text=_("Used in links: lower-case Latin letters, digits and hyphens, e.g. sunny-studio."),
    )


class CompanySettingsForm(forms.ModelForm):
    terms_url = forms.URLField(
        label=Company._meta.get_field("terms_url").verbose_name,
        help_text=Company._meta.get_field("terms_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Company
        fields = list(COMPANY_PROFILE_FIELDS)
        widgets = {"brand_color": forms.TextInput(attrs={"type": "color"})}


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("Who uses it, e.g. “Print lab”."))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=ASSIGNABLE_ROLE_CHOICES,
        initial=Role.EDITOR,
    )
