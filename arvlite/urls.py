"""Top-level routes: portal, admin, API (collected from each app's api/urls.py), docs,
health and metrics."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from arvlite.core import health
from companies.views.accounts import set_language
from companies.views.files import serve_file

api_v1 = [
    path("", include("companies.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("arcontent.api.urls")),
    path("", include("videos.api.urls")),
    path("", include("arcontent.analytics.api_urls")),
    path("", include("orders.api.urls")),
    path("", include("notifications.api.urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("files/<path:key>", serve_file, name="stored-file"),
    path("", include("arcontent.viewer.urls")),
    path("", include("arcontent.viewer.page_urls")),
    path("", include("orders.public_urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    path("i18n/setlang/", set_language, name="set_language"),  # also saves a user's choice
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("oauth/", include("social_django.urls", namespace="social")),
    path("", include("companies.urls")),
    path("", include("projects.urls")),
    path("", include("arcontent.urls")),
    path("", include("videos.urls")),
    path("", include("arcontent.analytics.urls")),
    path("", include("orders.urls")),
    path("", include("notifications.urls")),
]

handler400 = "arvlite.core.views.bad_request"
handler403 = "arvlite.core.views.permission_denied"
handler404 = "arvlite.core.views.page_not_found"
handler500 = "arvlite.core.views.server_error"
