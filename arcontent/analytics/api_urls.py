"""Analytics API routes under /api/v1/companies/<slug>/."""

from django.urls import path

from arcontent.analytics import api

C = "companies/<slug:company_slug>"

urlpatterns = [
    path(f"{C}/analytics/", api.CompanyAnalyticsView.as_view(), name="analytics-company"),
    path(f"{C}/analytics/videos/", api.CompanyVideoAnalyticsView.as_view(), name="analytics-company-videos"),
    path(
        f"{C}/ar-content/<uuid:unique_id>/analytics/videos/",
        api.ContentVideoAnalyticsView.as_view(),
        name="analytics-content-videos",
    ),
    path(f"{C}/analytics/rollup/", api.AnalyticsRollupView.as_view(), name="analytics-rollup"),
    path(f"{C}/projects/<int:pk>/analytics/", api.ProjectAnalyticsView.as_view(), name="analytics-project"),
    path(
        f"{C}/ar-content/<uuid:unique_id>/analytics/",
        api.ContentAnalyticsView.as_view(),
        name="analytics-content",
    ),
]
