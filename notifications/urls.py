"""Notification pages of the signed-in user, and the public unsubscribe link."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification-list-page"),
    path("notifications/<int:pk>/open/", views.NotificationOpenView.as_view(), name="notification-open"),
    path("notifications/preferences/", views.PreferencesView.as_view(), name="notification-preferences-page"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="notification-unsubscribe",
    ),
    path(
        "reminders/unsubscribe/<str:token>/",
        views.CustomerUnsubscribeView.as_view(),
        name="notification-customer-unsubscribe",
    ),
    path(
        "c/<slug:company_slug>/notifications/telegram/",
        views.TelegramLinkPageView.as_view(),
        name="telegram-link-page",
    ),
    path(
        "c/<slug:company_slug>/settings/telegram/",
        views.TelegramBotPageView.as_view(),
        name="telegram-bot-page",
    ),
    path("notifications-sw.js", views.service_worker, name="notifications-service-worker"),
]
