from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from arvlite.core.roles import Role
from companies.api_keys import ASSIGNABLE_ROLE_CHOICES
from companies.models import Company
from companies.services import COMPANY_PROFILE_FIELDS, PAYMENT_SETTINGS_FIELDS, SECURITY_SETTINGS_FIELDS
from companies.time_zones import TIME_ZONE_HELP, TimeZoneInput


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False))


class AccountForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Of the portal, and of the e-mails and messages you get."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("The site's default")), *settings.LANGUAGES]


class CompanyCreateForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    slug = forms.CharField(
        label=_("Web address"),
        max_length=60,
        required=False,
        help_text=_(
            "Made from the name; change it if you like: lower-case Latin letters, digits and hyphens."
        ),
        widget=forms.TextInput(attrs={"data-slug-from": "id_name", "autocomplete": "off"}),
    )


class CompanySettingsForm(forms.ModelForm):
    terms_url = forms.URLField(
        label=Company._meta.get_field("terms_url").verbose_name,
        help_text=Company._meta.get_field("terms_url").help_text,
        required=False,
        assume_scheme="https",
    )

    yookassa_secret_key = forms.CharField(
        label=_("YooKassa secret key"), required=False, max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the saved key."),
    )  # fmt: skip
    remove_yookassa_secret_key = forms.BooleanField(label=_("Remove the saved secret key"), required=False)

    class Meta:
        model = Company
        fields = [
            *COMPANY_PROFILE_FIELDS,
            *(n for n in PAYMENT_SETTINGS_FIELDS if n != "yookassa_secret_key"),
            *SECURITY_SETTINGS_FIELDS,
        ]
        widgets = {"brand_color": forms.TextInput(attrs={"type": "color"}), "time_zone": TimeZoneInput()}
        help_texts = {"time_zone": TIME_ZONE_HELP}

    # The page's sections, in order; every field of the form is in exactly one.
    SECTIONS = (
        (_("Profile"), ("name", "contact_email", "logo", "brand_color", "terms_url", "time_zone",
                        "default_term_years", "customer_reminders")),
        (_("Legal details for invoices"), ("legal_name", "tax_id", "kpp", "ogrn", "legal_address", "bank_name",
                                           "bank_bik", "bank_correspondent_account", "bank_account",
                                           "bank_details")),
        (_("Online payments"), ("yookassa_shop_id", "yookassa_secret_key", "remove_yookassa_secret_key",
                                "payment_two_stage", "receipts_enabled", "tax_system_code")),
        (_("Sign-in"), SECURITY_SETTINGS_FIELDS),
    )  # fmt: skip

    def __init__(self, *args: Any, owner: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not owner:  # managers see the sign-in rule, owners change it
            field = self.fields["two_factor_required"]
            field.disabled = True
            field.help_text = _("Only an owner can change this.")

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(title), [self[name] for name in names]) for title, names in self.SECTIONS]

    def payment_secret_change(self) -> dict[str, str]:
        """The secret key to give the service: a new one, "" to remove it, or nothing."""
        if self.cleaned_data.get("remove_yookassa_secret_key"):
            return {"yookassa_secret_key": ""}
        secret = self.cleaned_data.get("yookassa_secret_key") or ""
        return {"yookassa_secret_key": secret} if secret else {}


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.EDITOR,
        help_text=_("See “What each role may do” above."),
    )  # fmt: skip


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("Who uses it, e.g. “Print lab”."))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=ASSIGNABLE_ROLE_CHOICES,
        initial=Role.EDITOR,
    )
