"""Portal forms. They check the shape of the input; the services enforce the rules and
their ValidationErrors come back onto the form through ``add_service_errors``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from projects import selectors
from projects.models import ContentDefaults, Project, ProjectTemplate

DEFAULT_FIELDS = list(ContentDefaults.DEFAULT_FIELDS)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form
    has that field, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        # NON_FIELD_ERRORS and fields this form does not show go above the form.
        form.add_error(field if field in form.fields else None, errors)


class ProjectFilterForm(forms.Form):
    search = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Project.Status.choices]
    )


class ProjectCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    template = forms.ModelChoiceField(
        label=_("Template"),
        required=False,
        queryset=ProjectTemplate.objects.none(),
        empty_label=_("No template (company defaults)"),
        help_text=_("The template's defaults are copied into the new project."),
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this company's templates can be chosen; another id is "not a valid choice".
        self.fields["template"].queryset = selectors.template_list(company=company)  # type: ignore[attr-defined]  # a ModelChoiceField


class ProjectUpdateForm(forms.ModelForm):
    """Never saved as a ModelForm: the view passes ``changed_data`` to ``project_update``."""

    class Meta:
        model = Project
        fields = ["name", "description", *DEFAULT_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Project.Status.choices)


class SaveAsTemplateForm(forms.Form):
    name = forms.CharField(label=_("Template name"), max_length=200)


class ProjectTemplateForm(forms.ModelForm):
    """Never saved as a ModelForm: the view passes ``cleaned_data`` to ``template_create``."""

    class Meta:
        model = ProjectTemplate
        fields = ["name", *DEFAULT_FIELDS]
