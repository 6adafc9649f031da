"""Project portal pages under /c/<company_slug>/."""

from django.urls import path

from projects import views

PREFIX = "c/<slug:company_slug>/"

urlpatterns = [
    path(f"{PREFIX}projects/", views.ProjectListView.as_view(), name="project-list-page"),
    path(f"{PREFIX}projects/new/", views.ProjectCreateView.as_view(), name="project-create-page"),
    path(f"{PREFIX}projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail-page"),
    path(f"{PREFIX}projects/<int:pk>/status/", views.ProjectStatusView.as_view(), name="project-status-page"),
    path(
        f"{PREFIX}projects/<int:pk>/save-as-template/",
        views.ProjectSaveAsTemplateView.as_view(),
        name="project-save-as-template-page",
    ),
    path(
        f"{PREFIX}project-templates/",
        views.ProjectTemplateListView.as_view(),
        name="project-template-list-page",
    ),
    path(
        f"{PREFIX}project-templates/new/",
        views.ProjectTemplateCreateView.as_view(),
        name="project-template-create-page",
    ),
]
