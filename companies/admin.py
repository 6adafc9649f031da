from collections.abc import Iterable

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from arvlite.core.admin_dashboard import Figure, changelist_url
from companies import services
from companies.files import storage_used_bytes
from companies.models import AuditEntry, Company, CompanyApiKey, Invitation, Membership, StoredFile, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "company"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name",)}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("date_joined", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "contact_email", "storage_quota", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "contact_email", "legal_name", "tax_id"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["storage_usage", "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["deactivate", "reactivate"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "contact_email")}),
        (_("Branding"), {"fields": ("logo", "brand_color")}),
        (
            _("Legal details for invoices"),
            {
                "fields": (
                    "legal_name",
                    "tax_id",
                    "kpp",
                    "ogrn",
                    "legal_address",
                    "bank_name",
                    "bank_bik",
                    "bank_correspondent_account",
                    "bank_account",
                    "bank_details",
                    "terms_url",
                )
            },
        ),
        (
            _("Defaults and limits"),
            {
                "fields": (
                    "time_zone",
                    "default_term_years",
                    "customer_reminders",
                    "storage_quota_bytes",
                    "storage_usage",
                )
            },
        ),
        (_("Dates"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description=_("storage quota"), ordering="storage_quota_bytes")
    def storage_quota(self, company: Company) -> str:
        return filesizeformat(company.storage_quota_bytes)

    @admin.display(description=_("storage used"))
    def storage_usage(self, company: Company) -> str:
        if company.pk is None:
            return "—"
        return _("%(used)s of %(quota)s") % {
            "used": filesizeformat(storage_used_bytes(company=company)),
            "quota": filesizeformat(company.storage_quota_bytes),
        }

    def dashboard_figures(self, request: HttpRequest) -> Iterable[Figure]:
        yield Figure(
            label=_("companies"), value=str(Company.objects.count()), url=changelist_url(self), order=10
        )

    @admin.action(description=_("Deactivate selected companies"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Company]) -> None:
        for company in queryset:
            services.company_set_status(
                company=company, actor=request.user, status=Company.Status.DEACTIVATED
            )
        self.message_user(request, _("%(count)d companies deactivated.") % {"count": queryset.count()})

    @admin.action(description=_("Reactivate selected companies"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Company]) -> None:
        for company in queryset:
            services.company_set_status(company=company, actor=request.user, status=Company.Status.ACTIVE)
        self.message_user(request, _("%(count)d companies reactivated.") % {"count": queryset.count()})


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "company__name", "company__slug"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "company__name", "company__slug"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "invited_by", "accepted_by"]
    readonly_fields = ["nonce", "created_at", "last_sent_at", "send_count", "accepted_at", "accepted_by"]


@admin.register(CompanyApiKey)
class CompanyApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued by their company; operators can only see and revoke them."""

    list_display = ["name", "company", "prefix", "role", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["name", "prefix", "company__name", "company__slug"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "created_by"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at", "created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    """Files are written by the storage layer; operators look, and delete through it."""

    list_display = ["key", "company", "kind", "size_shown", "mime_type", "created_at"]
    list_filter = ["kind", "mime_type"]
    search_fields = ["key", "original_name", "sha256", "company__name", "company__slug"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "project", "created_by"]
    readonly_fields = [f.name for f in StoredFile._meta.fields if f.name != "size"] + ["size_shown"]
    exclude = ["size"]  # shown as size_shown
    date_hierarchy = "created_at"

    @admin.display(description=_("size"), ordering="size")
    def size_shown(self, stored_file: StoredFile) -> str:
        return filesizeformat(stored_file.size)

    def dashboard_figures(self, request: HttpRequest) -> Iterable[Figure]:
        # What counts towards the quotas: files held for unpaid orders are left out.
        used = StoredFile.objects.filter(held_until__isnull=True).aggregate(total=Sum("size"))["total"] or 0
        yield Figure(label=_("storage used"), value=filesizeformat(used), url=changelist_url(self), order=40)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is evidence: operators read it, nobody edits or deletes it."""

    list_display = ["created_at", "company", "action", "target_repr", "actor"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_repr", "target_id", "actor__email", "company__name"]
    list_select_related = ["company", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
