"""Users (e-mail is the login), companies (the tenants) and memberships with roles."""

from __future__ import annotations

import secrets
import uuid
import zoneinfo
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arvlite.core.encryption import decrypt
from arvlite.core.roles import Role
from arvlite.core.tenancy import TenantManager
from companies.legal import (
    correspondent_account_matches,
    settlement_account_matches,
    validate_account_digits,
    validate_bik,
    validate_kpp,
    validate_ogrn,
    validate_tax_id,
)


def _new_nonce() -> str:
    return secrets.token_hex(16)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        # Accounts made here (operators, Yandex sign-ins, demo data) come with an address
        # someone vouched for; only the sign-up form leaves it to be confirmed.
        fields.setdefault("email_verified_at", timezone.now())
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)  # None gives an unusable password (OAuth-only users)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        # Logins are case-insensitive: "Anna@Studio.ru" and "anna@studio.ru" are one user.
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("operator"), default=False, help_text=_("Operators can sign in to the back office.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The language of their e-mails and messages (the portal's switcher sets it); empty:
    # the site's default.
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    # When they proved they read mail at this address: the sign-up link, an invitation link,
    # or Yandex. Empty: not yet, and no company of their own until then (where
    # EMAIL_VERIFICATION_REQUIRED is on).
    email_verified_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


DEFAULT_STORAGE_QUOTA_BYTES = 10 * 1024**3  # 10 GiB until an operator changes it

brand_color_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hex digits, e.g. #3b5bdb.")
)
slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$",
    _("Use 1 to 60 lower-case Latin letters, digits and hyphens, not starting or ending with a hyphen."),
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def company_logo_path(company: Company, filename: str) -> str:
    # Outside the <company id>/<kind>/ media keys, with a random part and never the
    # uploader's file name or path.
    extension = Path(filename).suffix.lower()[:10]
    return f"branding/{company.pk or 'new'}/{uuid.uuid4().hex}/logo{extension}"


class TaxSystem(models.IntegerChoices):
    """The seller's tax system, as 54-FZ receipts code it."""

    GENERAL = 1, _("General (OSN)")
    SIMPLIFIED_INCOME = 2, _("Simplified, income (USN)")
    SIMPLIFIED_PROFIT = 3, _("Simplified, income minus expenses (USN)")
    IMPUTED = 4, _("Imputed income (ENVD)")
    AGRICULTURAL = 5, _("Agricultural tax (ESHN)")
    PATENT = 6, _("Patent (PSN)")


class Company(models.Model):
    """A tenant: a studio, print shop or agency. Every tenant-owned row points here."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEACTIVATED = "deactivated", _("Deactivated")

    name = models.CharField(_("name"), max_length=200)
    slug = models.CharField(_("slug"), max_length=60, unique=True, validators=[slug_validator])
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=company_logo_path, blank=True)
    brand_color = models.CharField(
        _("brand colour"), max_length=7, default="#3b5bdb", validators=[brand_color_validator]
    )
    # The seller's details printed on invoices (copied into each invoice when it is issued).
    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)
    tax_id = models.CharField(
        _("tax id (INN / VAT)"), max_length=32, blank=True, validators=[validate_tax_id]
    )
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(_("OGRN / OGRNIP"), max_length=15, blank=True, validators=[validate_ogrn])
    legal_address = models.TextField(_("legal address"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_bik = models.CharField(_("BIK"), max_length=9, blank=True, validators=[validate_bik])
    bank_correspondent_account = models.CharField(
        _("correspondent account"), max_length=20, blank=True, validators=[validate_account_digits]
    )
    bank_account = models.CharField(
        _("settlement account"), max_length=20, blank=True, validators=[validate_account_digits]
    )
    bank_details = models.TextField(
        _("other payment details"), blank=True,
        help_text=_("Anything else the invoice should say about paying you (free text)."),
    )  # fmt: skip
    terms_url = models.URLField(
        _("terms of sale (link)"),
        blank=True,
        help_text=_("Your terms of sale and privacy notice; the storefront's consent box links to them."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    # Online payments (YooKassa). The secret key is stored encrypted and never shown again.
    yookassa_shop_id = models.CharField(_("YooKassa shop id"), max_length=20, blank=True,
                                        validators=[RegexValidator(r"^\d+$", _("Digits only."))])  # fmt: skip
    yookassa_secret_key_encrypted = models.TextField(blank=True, editable=False)
    payment_two_stage = models.BooleanField(
        _("two-stage payments"), default=False,
        help_text=_("Hold the customer's money and take it when staff confirm the order."),
    )  # fmt: skip
    receipts_enabled = models.BooleanField(
        _("send 54-FZ receipts"), default=False,
        help_text=_("Pass the receipt to YooKassa with every payment and refund."),
    )  # fmt: skip
    tax_system_code = models.PositiveSmallIntegerField(
        _("tax system"), null=True, blank=True, choices=TaxSystem.choices,
    )  # fmt: skip
    customer_reminders = models.BooleanField(
        _("remind customers before their prints expire"), default=False,
        help_text=_("E-mail the customer 30, 7 and 1 day before the content expires, with a link to renew it."),
    )  # fmt: skip
    default_term_years = models.PositiveSmallIntegerField(
        _("default hosting term, years"), default=1, validators=[MinValueValidator(1), MaxValueValidator(25)]
    )
    storage_quota_bytes = models.PositiveBigIntegerField(
        _("storage quota, bytes"), default=DEFAULT_STORAGE_QUOTA_BYTES
    )
    two_factor_required = models.BooleanField(
        _("two-factor sign-in required"),
        default=False,
        help_text=_("Every member signs in with a code from an authenticator app as well as the password."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The accounts' control keys depend on the bank's BIK, so they are checked together
        (each field's own format is checked by its validator first)."""
        errors: dict[str, Any] = {}
        if (self.bank_account or self.bank_correspondent_account) and not self.bank_bik:
            errors["bank_bik"] = _("Give the bank's BIK with its accounts.")
        elif self.bank_bik.isdigit() and len(self.bank_bik) == 9:
            account, correspondent = self.bank_account, self.bank_correspondent_account
            if (
                len(account) == 20
                and account.isdigit()
                and not settlement_account_matches(self.bank_bik, account)
            ):
                errors["bank_account"] = _("This account number does not match the BIK: check both.")
            if (len(correspondent) == 20 and correspondent.isdigit()
                    and not correspondent_account_matches(self.bank_bik, correspondent)):  # fmt: skip
                errors["bank_correspondent_account"] = _("This correspondent account does not match the BIK.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def yookassa_secret_key(self) -> str:
        """The decrypted key ("" when none is saved). Never put it in logs or answers."""
        return decrypt(self.yookassa_secret_key_encrypted)

    @property
    def takes_online_payments(self) -> bool:
        return bool(self.yookassa_shop_id and self.yookassa_secret_key_encrypted)


class Membership(models.Model):
    """A user's place in a company. The role decides what they may do there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["company__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_unique_user_company")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.role})"


class Invitation(models.Model):
    """An e-mailed offer to join a company with a role. The link carries a signed token;
    resending rotates the nonce inside it, so older links stop working."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)
    nonce = models.CharField(max_length=32, default=_new_nonce)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and company; accepted or revoked ones are history.
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.company} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "pending"


class CompanyApiKey(models.Model):
    """A key for server-to-server integrations (print labs). Only a hash is stored; the
    key itself is shown once, when it is created."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class StoredFile(models.Model):
    """One file in media storage. Usage and quotas are sums over these rows; the key is
    made by arvlite.core.storage.keys and never comes from the client."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        MARKER = "marker", _("Marker image")
        THUMBNAIL = "thumbnail", _("Thumbnail")
        VIDEO = "video", _("Video")
        RENDITION = "rendition", _("Video rendition")
        QR = "qr", _("QR code")
        PDF = "pdf", _("PDF")
        WEB_TARGET = "web_target", _("Web AR target")
        EXPORT = "export", _("Export")
        OVERLAY = "overlay", _("Overlay frame")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="stored_files")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="stored_files"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("storage key"), max_length=400, unique=True)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    mime_type = models.CharField(_("type"), max_length=100)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    # A file kept for someone who has not paid yet (a storefront order's photo): it does not
    # count towards usage or the quota, and the hourly sweep removes it after this moment.
    held_until = models.DateTimeField(_("held until"), null=True, blank=True, db_index=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "kind"])]

    def __str__(self) -> str:
        return self.original_name or self.key.rsplit("/", 1)[-1]


class AuditEntry(models.Model):
    """Who changed what in a company, and how. Written by services, never edited."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)  # "<entity>.<verb>", e.g. content.publish
    target_type = models.CharField(_("object type"), max_length=80, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        db_table = "core_auditentry"  # moved from arvlite.core; the table kept its name
        indexes = [models.Index(fields=["company", "target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}".strip()


class UserSession(models.Model):
    """A browser where a user is signed in (the account page's list of devices). Goes with
    its Django session: signing out, ending it from the list, or the expiry clean-up."""

    session = models.OneToOneField("sessions.Session", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.ip or ''}".strip()


class RecoveryCode(models.Model):
    """A single-use way in when the authenticator app is lost. Only a SHA-256 of the code is
    kept (the codes are random and long, so a plain digest is enough); shown once, at
    enrolment or when the person asks for new ones."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")]

    def __str__(self) -> str:
        return f"{self.user} {'used' if self.used_at else 'unused'}"
