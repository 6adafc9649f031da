"""Notifications API routes under /api/v1/."""

from django.urls import path

from notifications.api import channels, views

urlpatterns = [
    path("notifications/", views.NotificationViewSet.as_view({"get": "list"}), name="notification-list"),
    path(
        "notifications/<int:pk>/read/",
        views.NotificationViewSet.as_view({"post": "read"}),
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        views.NotificationViewSet.as_view({"post": "read_all"}),
        name="notification-read-all",
    ),
    path(
        "notification-preferences/",
        views.PreferenceViewSet.as_view({"get": "list", "post": "create"}),
        name="notification-preference-list",
    ),
    path(
        "notifications/telegram/<slug:company_slug>/",
        channels.TelegramWebhookView.as_view(),
        name="telegram-webhook",
    ),
    path(
        "notifications/push-subscriptions/", channels.PushSubscriptionView.as_view(), name="push-subscription"
    ),
    path("companies/<slug:company_slug>/telegram/", channels.TelegramBotView.as_view(), name="telegram-bot"),
    path(
        "companies/<slug:company_slug>/telegram/link/",
        channels.TelegramLinkView.as_view(),
        name="telegram-link",
    ),
]
