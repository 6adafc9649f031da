"""Money received for orders: payments through a provider (YooKassa, the sandbox, or
recorded by staff), their refunds, and the provider notifications we were sent."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arvlite.core.tenancy import TenantManager
from orders.models import Currency


class Provider(models.TextChoices):
    YOOKASSA = "yookassa", "YooKassa"
    SANDBOX = "sandbox", _("Sandbox (test payments)")
    MANUAL = "manual", _("Recorded by staff")


class Payment(models.Model):
    """One attempt to pay an order. Its status follows the provider's, only forward."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        WAITING_FOR_CAPTURE = "waiting_for_capture", _("Authorised, waiting for capture")
        SUCCEEDED = "succeeded", _("Succeeded")
        CANCELED = "canceled", _("Canceled")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")

    # How far along each status is: a notification may only move a payment to a later one.
    RANK: ClassVar[dict[str, int]] = {
        Status.PENDING: 0,
        Status.WAITING_FOR_CAPTURE: 1,
        Status.SUCCEEDED: 2,
        Status.CANCELED: 2,
        Status.PARTIALLY_REFUNDED: 3,
        Status.REFUNDED: 4,
    }

    class Method(models.TextChoices):
        ONLINE = "online", _("Online")
        CASH = "cash", _("Cash")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD_TERMINAL = "card_terminal", _("Card terminal")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.ONLINE)
    provider_payment_id = models.CharField(_("provider's payment id"), max_length=64, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    refunded_amount = models.DecimalField(
        _("refunded"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    confirmation_url = models.URLField(_("confirmation page"), max_length=2000, blank=True)
    # Sent with every create call to the provider: a retry after a timeout reuses it, so
    # the provider makes one payment however many times we ask.
    idempotence_key = models.CharField(max_length=64, unique=True, editable=False)
    request_payload = models.JSONField(default=dict, blank=True)
    response_payload = models.JSONField(default=dict, blank=True)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    succeeded_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=~models.Q(provider_payment_id=""),
                name="payment_provider_id_unique",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.amount} {self.currency} ({self.status})"

    @property
    def refundable(self) -> Decimal:
        """What can still be refunded: refunds being sent count already (for display; the
        refund service checks it again under a row lock)."""
        if self.status not in (self.Status.SUCCEEDED, self.Status.PARTIALLY_REFUNDED):
            return Decimal("0.00")
        reserved = sum(
            (r.amount for r in self.refunds.all() if r.status != Refund.Status.CANCELED), Decimal("0")
        )
        return self.amount - reserved


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        CANCELED = "canceled", _("Canceled")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    provider_refund_id = models.CharField(_("provider's refund id"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    idempotence_key = models.CharField(max_length=64, unique=True, editable=False)
    response_payload = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.status})"


class WebhookEvent(models.Model):
    """A provider's notification, kept once per event: a replay finds it and changes nothing."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        NO_CHANGE = "no_change", _("Nothing to change")
        UNKNOWN_PAYMENT = "unknown_payment", _("Unknown payment")
        MISMATCH = "mismatch", _("Amount or currency mismatch")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed by the provider")

    provider = models.CharField(max_length=20, choices=Provider.choices)
    event_key = models.CharField(max_length=200)
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")  # fmt: skip
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    payload = models.JSONField(default=dict)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("provider notification")
        verbose_name_plural = _("provider notifications")
        constraints = [models.UniqueConstraint(fields=["provider", "event_key"], name="webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_key}"


class SandboxCharge(models.Model):
    """The sandbox provider's side of a test payment (it plays the payment service in
    the embedded run: a local page with "pay" and "decline")."""

    id = models.UUIDField(primary_key=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, default="pending")
    description = models.CharField(max_length=128, blank=True)
    return_url = models.URLField(max_length=2000)
    metadata = models.JSONField(default=dict)
    idempotence_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"sandbox {self.id} ({self.status})"
