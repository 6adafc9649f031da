from django.contrib.auth import views as auth_views
from django.urls import path

from companies.views import accounts, company, members, search, storage, two_factor

C = "c/<slug:company_slug>"

urlpatterns = [
    path("", accounts.home, name="home"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/signup/sent/", accounts.signup_sent, name="signup-sent"),
    path("accounts/email/confirm/<str:token>/", accounts.email_verify_page, name="email-verify"),
    path("accounts/email/resend/", accounts.email_verify_resend, name="email-verify-resend"),
    path("accounts/me/", accounts.account_page, name="account-page"),
    path("accounts/me/sessions/<int:pk>/sign-out/", accounts.account_session_end, name="account-session-end"),
    path(
        "accounts/me/sessions/sign-out-others/",
        accounts.account_sessions_end_others,
        name="account-sessions-end-others",
    ),
    path("accounts/me/tokens/<int:pk>/revoke/", accounts.account_token_revoke, name="account-token-revoke"),
    path("accounts/me/two-factor/", two_factor.two_factor_page, name="two-factor-page"),
    path("accounts/two-factor/", two_factor.two_factor_verify, name="two-factor-verify"),
    path("accounts/password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm_form.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_finished.html"
        ),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", accounts.invitation_accept_page, name="invitation-accept-page"),
    path("companies/new/", company.company_create_page, name="company-create-page"),
    path(f"{C}/", company.CompanyDashboardView.as_view(), name="company-dashboard"),
    path(f"{C}/settings/", company.CompanySettingsView.as_view(), name="company-settings-page"),
    path(f"{C}/delete/", company.CompanyDeleteView.as_view(), name="company-delete-page"),
    path(f"{C}/members/", members.MembersView.as_view(), name="members-page"),
    path(f"{C}/members/invite/", members.InviteView.as_view(), name="member-invite-page"),
    path(f"{C}/members/<int:pk>/role/", members.MemberRoleView.as_view(), name="member-role-page"),
    path(f"{C}/members/<int:pk>/remove/", members.MemberRemoveView.as_view(), name="member-remove-page"),
    path(
        f"{C}/invitations/<int:pk>/resend/",
        members.InvitationResendView.as_view(),
        name="invitation-resend-page",
    ),
    path(
        f"{C}/invitations/<int:pk>/revoke/",
        members.InvitationRevokeView.as_view(),
        name="invitation-revoke-page",
    ),
    path(f"{C}/api-keys/", members.ApiKeysView.as_view(), name="api-keys-page"),
    path(f"{C}/storage/", storage.StorageUsageView.as_view(), name="storage-page"),
    path(f"{C}/search/", search.SearchView.as_view(), name="search-page"),
    path(f"{C}/search/suggest/", search.SearchSuggestView.as_view(), name="search-suggest-partial"),
    path(f"{C}/api-keys/<int:pk>/revoke/", members.ApiKeyRevokeView.as_view(), name="api-key-revoke-page"),
]
