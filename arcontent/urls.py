from django.urls import path

from arcontent import views
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
    path(
        f"{C}/<uuid:unique_id>/<content_action:action>/",
        views.ContentActionView.as_view(),
        name="content-action-page",
    ),
]
