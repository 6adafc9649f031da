"""Project API routes under /api/v1/companies/<slug>/."""

from django.urls import path

from projects.api import file_views, views

project_list = views.ProjectViewSet.as_view({"get": "list", "post": "create"})
project_detail = views.ProjectViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
)
project_status = views.ProjectViewSet.as_view({"post": "set_status"})
project_save_as_template = views.ProjectViewSet.as_view({"post": "save_as_template"})
template_list = views.ProjectTemplateViewSet.as_view({"get": "list", "post": "create"})
template_detail = views.ProjectTemplateViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
)

PREFIX = "companies/<slug:company_slug>/"

urlpatterns = [
    path(f"{PREFIX}projects/", project_list, name="project-list"),
    path(f"{PREFIX}projects/<int:pk>/", project_detail, name="project-detail"),
    path(f"{PREFIX}projects/<int:pk>/status/", project_status, name="project-status"),
    path(
        f"{PREFIX}projects/<int:pk>/save-as-template/",
        project_save_as_template,
        name="project-save-as-template",
    ),
    path(f"{PREFIX}project-templates/", template_list, name="project-template-list"),
    path(f"{PREFIX}project-templates/<int:pk>/", template_detail, name="project-template-detail"),
    path(
        f"{PREFIX}files/",
        file_views.StoredFileViewSet.as_view({"get": "list", "post": "create"}),
        name="file-list",
    ),
    path(
        f"{PREFIX}files/<int:pk>/",
        file_views.StoredFileViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="file-detail",
    ),
    path(f"{PREFIX}storage/", file_views.StorageUsageView.as_view(), name="storage-usage"),
]
