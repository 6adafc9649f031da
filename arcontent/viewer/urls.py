"""Public viewer routes: the API for the apps (VIEWER_API.md) and the company logo."""

from django.urls import path

from arcontent.viewer import api, branding

urlpatterns = [
    path("api/viewer/ar/<str:uid>/check", api.check, name="viewer-check"),
    path("api/viewer/ar/<str:uid>/manifest", api.manifest, name="viewer-manifest"),
    path("api/viewer/ar/<str:uid>/active-video", api.active_video, name="viewer-active-video"),
    path("api/viewer/ar/<str:uid>/sessions", api.session_report, name="viewer-sessions"),
    path("api/viewer/demo/list", api.demo_list, name="viewer-demo-list"),
    path("brand/<int:company_id>/logo", branding.company_logo, name="company-logo"),
]
