from django.urls import path

from videos.api import uploads, views

C = "companies/<slug:company_slug>/ar-content/<uuid:unique_id>"
videos = views.VideoViewSet
schedules = views.ScheduleViewSet

urlpatterns = [
    path(f"{C}/videos/", videos.as_view({"get": "list", "post": "create"}), name="video-list"),
    path(f"{C}/videos/reorder/", videos.as_view({"post": "reorder"}), name="video-reorder"),
    path(
        f"{C}/videos/<int:pk>/",
        videos.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="video-detail",
    ),
    path(f"{C}/videos/<int:pk>/set-active/", videos.as_view({"post": "set_active"}), name="video-set-active"),
    path(f"{C}/videos/<int:pk>/reprocess/", videos.as_view({"post": "reprocess"}), name="video-reprocess"),
    path(
        f"{C}/videos/<int:video_id>/schedules/",
        schedules.as_view({"get": "list", "post": "create"}),
        name="video-schedule-list",
    ),
    path(
        f"{C}/videos/<int:video_id>/schedules/<int:pk>/",
        schedules.as_view({"patch": "partial_update", "delete": "destroy"}),
        name="video-schedule-detail",
    ),
    path(f"{C}/uploads/", uploads.VideoUploadListView.as_view(), name="video-upload-list"),
    path(
        f"{C}/uploads/<uuid:upload_id>/", uploads.VideoUploadDetailView.as_view(), name="video-upload-detail"
    ),
    path(f"{C}/rotation/", views.RotationView.as_view(), name="content-rotation"),
    path(f"{C}/calendar/", views.CalendarView.as_view(), name="content-calendar"),
]
