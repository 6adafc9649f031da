from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from projects.models import MAX_PRINT_CM, MAX_TERM_YEARS, MIN_PRINT_CM, MIN_TERM_YEARS, Project

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ContentForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    photo = forms.FileField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP. The photo that will be printed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip
    print_width_cm = forms.DecimalField(
        label=_("Print width, cm"), min_value=MIN_PRINT_CM, max_value=MAX_PRINT_CM, decimal_places=2,
        required=False, help_text=_("Empty: the project's default print size."),
    )  # fmt: skip
    print_height_cm = forms.DecimalField(
        label=_("Print height, cm"), min_value=MIN_PRINT_CM, max_value=MAX_PRINT_CM, decimal_places=2,
        required=False,
    )  # fmt: skip
    term_years = forms.IntegerField(
        label=_("Hosting term, years"), min_value=MIN_TERM_YEARS, max_value=MAX_TERM_YEARS, initial=1
    )
    customer_name = forms.CharField(label=_("Customer name"), max_length=200, required=False)
    customer_phone = forms.CharField(label=_("Customer phone"), max_length=32, required=False)
    customer_email = forms.EmailField(label=_("Customer e-mail"), required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Project.objects.filter(company=company).exclude(status=Project.Status.ARCHIVED)


def _required_print_size(label: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=MIN_PRINT_CM, max_value=MAX_PRINT_CM, decimal_places=2)


class ContentEditForm(forms.Form):
    print_width_cm = _required_print_size(_("Print width, cm"))
    print_height_cm = _required_print_size(_("Print height, cm"))
    term_years = ContentForm.base_fields["term_years"]
    customer_name = ContentForm.base_fields["customer_name"]
    customer_phone = ContentForm.base_fields["customer_phone"]
    customer_email = ContentForm.base_fields["customer_email"]
