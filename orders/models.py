"""What a company sells and the orders it takes: the price list, orders with their item
snapshots and status history, and the idempotency records of order creation."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from arvlite.core.tenancy import TenantManager
from projects.models import MAX_TERM_YEARS, MIN_TERM_YEARS

MAX_PRICE = Decimal("9999999.99")
MAX_QUANTITY = 100


class Currency(models.TextChoices):
    RUB = "RUB", _("Russian rouble")
    EUR = "EUR", _("Euro")
    USD = "USD", _("US dollar")


class VatRate(models.TextChoices):
    """VAT rates of Russia in 2026 (prices include VAT). ``none``: the seller pays no VAT."""

    NONE = "none", _("No VAT")
    ZERO = "0", _("VAT 0 %")
    FIVE = "5", _("VAT 5 %")
    SEVEN = "7", _("VAT 7 %")
    TEN = "10", _("VAT 10 %")
    TWENTY_TWO = "22", _("VAT 22 %")


class Product(models.Model):
    """One line of the company's price list."""

    class Kind(models.TextChoices):
        LIVING_PHOTO = "living_photo", _("Living photo")
        EXTRA_VIDEO = "extra_video", _("Extra video")
        RENEWAL = "renewal", _("Renewal")
        PRINTED_COPY = "printed_copy", _("Printed copy")

    # Kinds that buy hosting time, so they need a term.
    TERM_KINDS: ClassVar[frozenset[str]] = frozenset({Kind.LIVING_PHOTO, Kind.RENEWAL})

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    term_years = models.PositiveSmallIntegerField(
        _("hosting term, years"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_TERM_YEARS), MaxValueValidator(MAX_TERM_YEARS)],
    )
    price = models.DecimalField(
        _("price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PRICE)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    vat_rate = models.CharField(_("VAT rate"), max_length=4, choices=VatRate.choices, default=VatRate.NONE)
    active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="product_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        IN_PRODUCTION = "in_production", _("In production")
        SHIPPED = "shipped", _("Shipped")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        STOREFRONT = "storefront", _("Storefront")
        API = "api", _("API")

    class Delivery(models.TextChoices):
        PICKUP = "pickup", _("Pickup")
        ADDRESS = "address", _("Delivery to an address")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="orders")
    number = models.CharField(_("number"), max_length=32, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.STAFF)

    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_email = models.EmailField(_("customer e-mail"), blank=True, db_index=True)
    customer_phone = models.CharField(_("customer phone"), max_length=32, blank=True, db_index=True)
    customer_language = models.CharField(
        _("customer's language"), max_length=5, choices=settings.LANGUAGES, default="ru"
    )
    legal_name = models.CharField(_("customer company"), max_length=300, blank=True)
    legal_tax_id = models.CharField(_("customer tax id"), max_length=32, blank=True)

    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.PICKUP
    )
    delivery_address = models.TextField(_("delivery address"), blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=Decimal("0"))
    vat_total = models.DecimalField(_("of which VAT"), max_digits=12, decimal_places=2, default=Decimal("0"))

    # The content this order made (living photo) or renews; the project new content goes to.
    content = models.ForeignKey(
        "arcontent.ARContent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("AR content"),
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The customer's photo and video, held (uncounted) until the order is paid.
    photo = models.ForeignKey(
        "companies.StoredFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    video = models.ForeignKey(
        "companies.StoredFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    note = models.TextField(_("note"), blank=True)
    # The customer's page: /orders/<signed token>/ (see orders.links).
    access_token = models.CharField(max_length=43, unique=True, editable=False)
    consent_at = models.DateTimeField(_("terms accepted"), null=True, blank=True)
    payment_due_at = models.DateTimeField(_("pay by"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="order_number_per_company"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=["company", "status", "-created_at"]),
            models.Index(fields=["company", "-created_at", "-id"]),
        ]

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    """A product as it was sold: later changes to the price list never alter an order."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Product.Kind.choices)
    term_years = models.PositiveSmallIntegerField(_("hosting term, years"), null=True, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    vat_rate = models.CharField(_("VAT rate"), max_length=4, choices=VatRate.choices)
    line_total = models.DecimalField(_("line total"), max_digits=12, decimal_places=2)
    vat_amount = models.DecimalField(_("of which VAT"), max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class OrderStatusChange(models.Model):
    """One move of an order's status (the first row, from "", is its creation)."""

    class ActorKind(models.TextChoices):
        USER = "user", _("Staff member")
        API_KEY = "api_key", _("API key")
        CUSTOMER = "customer", _("Customer")
        SYSTEM = "system", _("System")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Order.Status.choices)
    actor_kind = models.CharField(_("who"), max_length=20, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("who, as shown"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"


class IdempotencyRecord(models.Model):
    """The first answer to a create call sent with an ``Idempotency-Key``: the same key with
    the same body gets it again, with another body a 422. Kept IDEMPOTENCY_KEY_HOURS."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=50)  # which create call, e.g. "orders.create"
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "scope", "key"], name="idempotency_key_per_company"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


# Payments live in their own module; importing them here registers them with the app.
from orders.invoices.models import CreditNote as CreditNote  # noqa: E402
from orders.invoices.models import DocumentCounter as DocumentCounter  # noqa: E402
from orders.invoices.models import Invoice as Invoice  # noqa: E402
from orders.payments.models import Payment as Payment  # noqa: E402
from orders.payments.models import Refund as Refund  # noqa: E402
from orders.payments.models import SandboxCharge as SandboxCharge  # noqa: E402
from orders.payments.models import WebhookEvent as WebhookEvent  # noqa: E402
