"""Back office for projects and templates. Changes go through the services, so they are
validated and audited like changes made in the portal or the API."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects import services
from projects.models import ContentDefaults, Project, ProjectTemplate

DEFAULT_FIELDS = list(ContentDefaults.DEFAULT_FIELDS)


@admin.register(ProjectTemplate)
class ProjectTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "default_term_years", "playback_mode", "qr_label_style", "updated_at"]
    list_filter = ["playback_mode", "qr_label_style", "notify_content_ready", "notify_expiry"]
    search_fields = ["name", "company__name", "company__slug"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["company", "name", *DEFAULT_FIELDS, "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: ProjectTemplate | None = None) -> list[str]:
        # A template never moves to another company.
        return [*self.readonly_fields, "company"] if obj else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: ProjectTemplate, form: ModelForm, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in ["name", *DEFAULT_FIELDS]}
        if change:
            changed = {name: value for name, value in data.items() if name in form.changed_data}
            saved = services.template_update(template=obj, actor=request.user, **changed)
        else:
            saved = services.template_create(company=obj.company, actor=request.user, **data)
        obj.pk = saved.pk  # the admin's success message and redirect use it

    def delete_model(self, request: HttpRequest, obj: ProjectTemplate) -> None:
        services.template_delete(template=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProjectTemplate]) -> None:
        for template in queryset:
            services.template_delete(template=template, actor=request.user)


PROJECT_FIELDS = ("company", "name", "description", "status", *DEFAULT_FIELDS, "template", "created_by")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Projects are created in the portal or the API (which copy the template's defaults);
    here operators correct them, archive them in bulk, or delete them."""

    list_display = ["name", "company", "status", "template", "default_term_years", "created_by", "created_at"]
    list_filter = ["status", "playback_mode", "qr_label_style"]
    search_fields = ["name", "description", "company__name", "company__slug", "created_by__email"]
    list_select_related = ["company", "template", "created_by"]
    autocomplete_fields = ["company"]
    raw_id_fields = ["template", "created_by"]
    readonly_fields = ["company", "status", "template", "created_by", "created_at", "updated_at"]
    fields = PROJECT_FIELDS
    actions = ["archive_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Project | None = None) -> list[str]:
        if obj is not None and obj.is_read_only:
            return [*PROJECT_FIELDS, "created_at", "updated_at"]  # archived projects are read-only
        return list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Project, form: ModelForm, change: bool) -> None:
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:  # archived projects show no editable fields, so they never get here
            services.project_update(project=obj, actor=request.user, **changed)

    def delete_model(self, request: HttpRequest, obj: Project) -> None:
        services.project_delete(project=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        for project in queryset:
            services.project_delete(project=project, actor=request.user)

    @admin.action(description=_("Archive selected projects"), permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        archived, refused = 0, []
        for project in queryset.select_related("company"):
            try:
                services.project_set_status(
                    project=project, actor=request.user, status=Project.Status.ARCHIVED
                )
            except ValidationError:
                refused.append(project.name)  # already archived
            else:
                archived += 1
        if archived:
            message = ngettext("%(count)d project archived.", "%(count)d projects archived.", archived)
            self.message_user(request, message % {"count": archived}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("Already archived, left as they are: %(names)s.") % {"names": ", ".join(refused)},
                messages.WARNING,
            )
