from django.urls import path

from arvlite.core.urls import register_choice_converter
from videos import views

register_choice_converter("video_action", views.VIDEO_ACTIONS)

C = "c/<slug:company_slug>/content/<uuid:unique_id>"

urlpatterns = [
    path(f"{C}/videos/", views.VideoListView.as_view(), name="video-list-page"),
    path(f"{C}/videos/table/", views.VideoTablePartialView.as_view(), name="video-table-partial"),
    path(f"{C}/videos/upload/", views.VideoUploadView.as_view(), name="video-upload-page"),
    path(
        f"{C}/videos/<int:pk>/<video_action:action>/",
        views.VideoActionView.as_view(),
        name="video-action-page",
    ),
    path(f"{C}/playback/", views.PlaybackView.as_view(), name="playback-page"),
]
