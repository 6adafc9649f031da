"""Public pages of the viewer: /view/<uid>, the /ar/<uid> redirect and the app association
files under /.well-known/ (included at the site root)."""

from django.urls import path

from arcontent.viewer import pages

urlpatterns = [
    path("view/<str:uid>", pages.view_page, name="viewer-page"),
    path("ar/<str:uid>", pages.legacy_redirect, name="viewer-legacy-redirect"),
    path(".well-known/assetlinks.json", pages.assetlinks, name="assetlinks"),
    path(
        ".well-known/apple-app-site-association",
        pages.apple_app_site_association,
        name="apple-app-site-association",
    ),
]
