from django.urls import path

from arcontent import scene_views, views
from arcontent.bulk import upload_views
from arcontent.bulk import views as bulk_views
from arvlite.core.urls import register_choice_converter

register_choice_converter("content_action", views.ACTIONS)

C = "c/<slug:company_slug>/content"

urlpatterns = [
    path(f"{C}/", views.ContentListView.as_view(), name="content-list-page"),
    path(f"{C}/new/", views.ContentCreateView.as_view(), name="content-create-page"),
    path(f"{C}/<uuid:unique_id>/", views.ContentDetailView.as_view(), name="content-detail-page"),
    path(
        f"{C}/<uuid:unique_id>/status/",
        views.ContentStatusPartialView.as_view(),
        name="content-status-partial",
    ),
    path(f"{C}/<uuid:unique_id>/edit/", views.ContentEditView.as_view(), name="content-edit-page"),
    path(f"{C}/<uuid:unique_id>/scene/", scene_views.ContentSceneView.as_view(), name="content-scene-page"),
    path(
        "c/<slug:company_slug>/projects/<int:pk>/scene/",
        scene_views.ProjectSceneView.as_view(),
        name="project-scene-page",
    ),
    path(
        f"{C}/<uuid:unique_id>/<content_action:action>/",
        views.ContentActionView.as_view(),
        name="content-action-page",
    ),
]

# Bulk work on a selection (arcontent/bulk).
urlpatterns += [
    path(f"{C}/bulk/", bulk_views.BulkStartView.as_view(), name="content-bulk-page"),
    path(f"{C}/upload/", upload_views.BulkUploadView.as_view(), name="content-bulk-upload-page"),
    path(f"{C}/bulk/<int:pk>/", bulk_views.BulkJobView.as_view(), name="content-bulk-job-page"),
    path(
        f"{C}/bulk/<int:pk>/status/", bulk_views.BulkJobStatusView.as_view(), name="content-bulk-job-status"
    ),
    path(
        f"{C}/bulk/<int:pk>/sheet.pdf",
        bulk_views.BulkJobDownloadView.as_view(),
        name="content-bulk-job-download",
    ),
]
