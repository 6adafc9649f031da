from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from projects.models import MAX_PRINT_CM, MAX_TERM_YEARS, MIN_PRINT_CM, MIN_TERM_YEARS, Project

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class _ProjectSelect(forms.Select):
    """Each option carries its project's default print size, so the page can tell whether
    a size must be typed and the live check scores the size the content will get."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        project = getattr(option["value"], "instance", None)
        if isinstance(project, Project) and project.print_width_cm and project.print_height_cm:
            option["attrs"]["data-print-width"] = f"{project.print_width_cm.normalize():f}"
            option["attrs"]["data-print-height"] = f"{project.print_height_cm.normalize():f}"
        return option


# The page's script fills in %(size)s when another project is chosen.
SIZE_DEFAULT_HINT = _("Leave empty to use the project’s default, %(size)s cm.")


def print_size_hint(project: Project | None) -> StrOrPromise:
    """The truth about the print size fields for this project (the page's script says the
    same when another project is chosen)."""
    if project is None:
        return _("Needed only if the project has no default print size.")
    if project.print_width_cm and project.print_height_cm:
        size = f"{project.print_width_cm.normalize():f} × {project.print_height_cm.normalize():f}"
        return SIZE_DEFAULT_HINT % {"size": size}
    return _("Required: this project has no default print size.")


class ContentForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), widget=_ProjectSelect
    )
    photo = forms.FileField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP. The photo that will be printed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip
    print_width_cm = forms.DecimalField(
        label=_("Print width, cm"), min_value=MIN_PRINT_CM, max_value=MAX_PRINT_CM, decimal_places=2,
        required=False,
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
        projects = list(field.queryset[:2])
        if len(projects) == 1 and not self.is_bound and not self.initial.get("project"):
            self.initial["project"] = projects[0].pk  # the only choice is made already
        chosen = self.initial.get("project")
        preselected = field.queryset.filter(pk=chosen).first() if chosen else None
        self.fields["print_width_cm"].help_text = print_size_hint(preselected)
        self.has_projects = bool(projects)


def _required_print_size(label: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=MIN_PRINT_CM, max_value=MAX_PRINT_CM, decimal_places=2)


class ContentEditForm(forms.Form):
    print_width_cm = _required_print_size(_("Print width, cm"))
    print_height_cm = _required_print_size(_("Print height, cm"))
    term_years = ContentForm.base_fields["term_years"]
    customer_name = ContentForm.base_fields["customer_name"]
    customer_phone = ContentForm.base_fields["customer_phone"]
    customer_email = ContentForm.base_fields["customer_email"]
