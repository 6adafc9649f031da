"""Portal pages for projects and project templates under /c/<company_slug>/. Each page
loads rows from the request's company and writes through the same services as the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView

from arvlite.core.roles import Role, role_allows
from companies.portal import CompanyPortalMixin
from projects import selectors, services
from projects.forms import (
    ProjectCreateForm,
    ProjectFilterForm,
    ProjectStatusForm,
    ProjectTemplateForm,
    ProjectUpdateForm,
    SaveAsTemplateForm,
    add_service_errors,
)
from projects.models import Project, ProjectTemplate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 25


class ProjectsPortalMixin(CompanyPortalMixin):
    """Adds ``can_edit`` for templates that hide editor-only buttons from viewers."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = role_allows(self.membership.role, Role.EDITOR)
        return context


class ProjectPageMixin(ProjectsPortalMixin):
    """Pages about one project: the id in the URL is looked up within this company only."""

    @cached_property
    def project(self) -> Project:
        return selectors.project_get(company=self.company, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["project"] = self.project
        context["status_actions"] = status_actions(self.project)
        return context


def status_actions(project: Project) -> list[tuple[str, str]]:
    """The status buttons a project offers: (target status, button label)."""
    to_active = _("Restore") if project.is_read_only else _("Resume")
    labels: dict[str, StrOrPromise] = {
        Project.Status.ACTIVE: to_active,
        Project.Status.PAUSED: _("Pause"),
        Project.Status.ARCHIVED: _("Archive"),
    }
    return [(status, str(labels[status])) for status in project.allowed_statuses()]


def _refused(view: FormView[Any], form: BaseForm, error: ValidationError) -> HttpResponse:
    add_service_errors(form, error)
    return view.form_invalid(form)


class ProjectListView(ProjectsPortalMixin, ListView):
    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = PAGE_SIZE
    read_role = Role.VIEWER

    def get_queryset(self) -> QuerySet[Project]:
        self.filter_form = ProjectFilterForm(self.request.GET)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.project_list(
            company=self.company, search=filters.get("search"), status=filters.get("status")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["is_filtered"] = (
            any(self.filter_form.cleaned_data.values()) if self.filter_form.is_valid() else True
        )
        return context


class ProjectCreateView(ProjectsPortalMixin, FormView):
    template_name = "projects/project_create.html"
    form_class = ProjectCreateForm
    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "company": self.company}

    def form_valid(self, form: ProjectCreateForm) -> HttpResponse:
        try:
            project = services.project_create(
                company=self.company, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            return _refused(self, form, error)
        messages.success(self.request, _("Project created."))
        return redirect("project-detail-page", company_slug=self.company.slug, pk=project.pk)


class ProjectDetailView(ProjectPageMixin, FormView):
    """The project, its status buttons and, for editors, the edit form (POST here)."""

    template_name = "projects/project_detail.html"
    form_class = ProjectUpdateForm
    read_role = Role.VIEWER
    write_role = Role.EDITOR

    def get_form_kwargs(self) -> dict[str, Any]:
        fields = ProjectUpdateForm.Meta.fields
        initial = {name: getattr(self.project, name) for name in fields}
        return {**super().get_form_kwargs(), "initial": initial, "read_only": self.project.is_read_only}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["save_as_template_form"] = SaveAsTemplateForm()
        # Through the reverse relation: projects may not import arcontent (the layers).
        context["recent_contents"] = list(self.project.ar_contents.order_by("-created_at")[:5])
        return context

    def form_valid(self, form: ProjectUpdateForm) -> HttpResponse:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.project_update(project=self.project, actor=self.request.user, **changes)
        except ValidationError as error:
            return _refused(self, form, error)
        messages.success(self.request, _("Project saved."))
        return redirect("project-detail-page", company_slug=self.company.slug, pk=self.project.pk)


class ProjectStatusView(ProjectPageMixin, FormView):
    """GET asks which status to move to; the detail page's buttons POST here directly."""

    template_name = "projects/project_status.html"
    form_class = ProjectStatusForm
    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def form_valid(self, form: ProjectStatusForm) -> HttpResponse:
        try:
            project = services.project_set_status(
                project=self.project, actor=self.request.user, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            return _refused(self, form, error)
        messages.success(
            self.request, _("Status changed to %(status)s.") % {"status": project.get_status_display()}
        )
        return redirect("project-detail-page", company_slug=self.company.slug, pk=project.pk)


class ProjectSaveAsTemplateView(ProjectPageMixin, FormView):
    """GET shows the name form; the detail page's inline form POSTs here directly."""

    template_name = "projects/project_save_as_template.html"
    form_class = SaveAsTemplateForm
    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def form_valid(self, form: SaveAsTemplateForm) -> HttpResponse:
        try:
            template = services.project_save_as_template(
                project=self.project, actor=self.request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            return _refused(self, form, error)
        messages.success(self.request, _("Template “%(name)s” saved.") % {"name": template.name})
        return redirect("project-template-list-page", company_slug=self.company.slug)


class ProjectTemplateListView(ProjectsPortalMixin, ListView):
    template_name = "projects/projecttemplate_list.html"
    context_object_name = "project_templates"
    paginate_by = PAGE_SIZE
    read_role = Role.VIEWER

    def get_queryset(self) -> QuerySet[ProjectTemplate]:
        return selectors.template_list(company=self.company)


class ProjectTemplateCreateView(ProjectsPortalMixin, FormView):
    template_name = "projects/projecttemplate_create.html"
    form_class = ProjectTemplateForm
    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def get_initial(self) -> dict[str, Any]:
        return {"default_term_years": self.company.default_term_years}

    def form_valid(self, form: ProjectTemplateForm) -> HttpResponse:
        try:
            template = services.template_create(
                company=self.company, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            return _refused(self, form, error)
        messages.success(self.request, _("Template “%(name)s” saved.") % {"name": template.name})
        return redirect("project-template-list-page", company_slug=self.company.slug)
