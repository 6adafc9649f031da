"""Analytics portal pages under /c/<company_slug>/."""

from django.urls import path

from arcontent.analytics import views

C = "c/<slug:company_slug>"

urlpatterns = [
    path(f"{C}/analytics/", views.CompanyAnalyticsPageView.as_view(), name="analytics-company-page"),
    path(
        f"{C}/projects/<int:pk>/analytics/",
        views.ProjectAnalyticsPageView.as_view(),
        name="analytics-project-page",
    ),
    path(
        f"{C}/content/<uuid:unique_id>/analytics/",
        views.ContentAnalyticsPageView.as_view(),
        name="analytics-content-page",
    ),
]
