from django.urls import path

from arcontent.api import scene, views
from arcontent.bulk import api as bulk_api

C = "companies/<slug:company_slug>/ar-content"
ACTIONS = ["publish", "pause", "resume", "renew", "archive", "reprocess", "override"]

content = views.ARContentViewSet

urlpatterns = [
    path(f"{C}/", content.as_view({"get": "list", "post": "create"}), name="ar-content-list"),
    path(
        f"{C}/<uuid:unique_id>/",
        content.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="ar-content-detail",
    ),
    *[
        path(f"{C}/<uuid:unique_id>/{name}/", content.as_view({"post": name}), name=f"ar-content-{name}")
        for name in ACTIONS
    ],
    path(
        f"{C}/<uuid:unique_id>/build-web-target/",
        content.as_view({"post": "build_web_target"}),
        name="ar-content-build-web-target",
    ),
    path(
        f"{C}/<uuid:unique_id>/use-enhanced-marker/",
        content.as_view({"post": "use_enhanced_marker"}),
        name="ar-content-use-enhanced-marker",
    ),
    path(f"{C}/<uuid:unique_id>/analysis/", content.as_view({"get": "analysis"}), name="ar-content-analysis"),
    path(f"{C}/<uuid:unique_id>/qr.png", content.as_view({"get": "qr_png"}), name="ar-content-qr-png"),
    path(f"{C}/<uuid:unique_id>/qr.svg", content.as_view({"get": "qr_svg"}), name="ar-content-qr-svg"),
    path(
        f"{C}/<uuid:unique_id>/label.pdf", content.as_view({"get": "label_pdf"}), name="ar-content-label-pdf"
    ),
    path(
        f"{C}/<uuid:unique_id>/print-sheet.pdf",
        content.as_view({"get": "print_sheet_pdf"}),
        name="ar-content-print-sheet-pdf",
    ),
    path(
        f"{C}/<uuid:unique_id>/export.zip",
        content.as_view({"get": "export_zip"}),
        name="ar-content-export-zip",
    ),
    path("photo-analysis/", views.PhotoAnalysisView.as_view(), name="photo-analysis"),
    # Scene settings (arcontent/api/scene.py).
    path(f"{C}/<uuid:unique_id>/scene/", scene.ContentSceneView.as_view(), name="ar-content-scene"),
    path(
        f"{C}/<uuid:unique_id>/scene/overlay/",
        scene.ContentOverlayView.as_view(),
        name="ar-content-scene-overlay",
    ),
    path(
        "companies/<slug:company_slug>/projects/<int:pk>/scene/",
        scene.ProjectSceneView.as_view(),
        name="project-scene",
    ),
    path(
        "companies/<slug:company_slug>/project-templates/<int:pk>/scene/",
        scene.TemplateSceneView.as_view(),
        name="project-template-scene",
    ),
    # Bulk jobs (arcontent/bulk).
    path(f"{C}/bulk/", bulk_api.BulkStartView.as_view(), name="ar-content-bulk"),
    path(
        "companies/<slug:company_slug>/bulk-jobs/<int:pk>/",
        bulk_api.BulkJobView.as_view(),
        name="bulk-job-detail",
    ),
    path(
        "companies/<slug:company_slug>/bulk-jobs/<int:pk>/file.pdf",
        bulk_api.BulkJobFileView.as_view(),
        name="bulk-job-file",
    ),
]
