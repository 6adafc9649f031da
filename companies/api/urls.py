from django.urls import path

from companies.api import auth_views, search, views

C = "companies/<slug:company_slug>"

urlpatterns = [
    # Accounts and tokens
    path("auth/register/", auth_views.RegisterView.as_view(), name="auth-register"),
    path("auth/token/", auth_views.TokenView.as_view(), name="auth-token"),
    path("auth/token/refresh/", auth_views.TokenRefresh.as_view(), name="auth-token-refresh"),
    path("auth/logout/", auth_views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-everywhere/", auth_views.LogoutEverywhereView.as_view(), name="auth-logout-everywhere"),
    path("auth/me/", auth_views.MeView.as_view(), name="auth-me"),
    path(
        "auth/verify-email/resend/",
        auth_views.EmailVerifyResendView.as_view(),
        name="auth-email-verify-resend",
    ),
    path("auth/password-reset/", auth_views.PasswordResetRequestView.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/password-change/", auth_views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("invitations/accept/", auth_views.InvitationAcceptView.as_view(), name="invitation-accept"),
    # Companies
    path("companies/", views.CompanyListView.as_view({"get": "list", "post": "create"}), name="company-list"),
    path("company-slug/", views.SlugSuggestionView.as_view(), name="company-slug-suggestion"),
    path(
        f"{C}/",
        views.CompanyDetailView.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="company-detail",
    ),
    path(f"{C}/members/", views.MemberViewSet.as_view({"get": "list"}), name="member-list"),
    path(
        f"{C}/members/<int:pk>/",
        views.MemberViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="member-detail",
    ),
    path(
        f"{C}/invitations/",
        views.InvitationViewSet.as_view({"get": "list", "post": "create"}),
        name="invitation-list",
    ),
    path(
        f"{C}/invitations/<int:pk>/resend/",
        views.InvitationViewSet.as_view({"post": "resend"}),
        name="invitation-resend",
    ),
    path(
        f"{C}/invitations/<int:pk>/revoke/",
        views.InvitationViewSet.as_view({"post": "revoke"}),
        name="invitation-revoke",
    ),
    path(
        f"{C}/api-keys/", views.ApiKeyViewSet.as_view({"get": "list", "post": "create"}), name="api-key-list"
    ),
    path(
        f"{C}/api-keys/<int:pk>/revoke/",
        views.ApiKeyViewSet.as_view({"post": "revoke"}),
        name="api-key-revoke",
    ),
    path(f"{C}/audit-log/", views.AuditEntryViewSet.as_view({"get": "list"}), name="audit-list"),
    path(f"{C}/search/", search.SearchView.as_view(), name="company-search"),
]
