"""What the platform tells people: in-app notifications of a user, the outbox of messages
to send (e-mail today; Telegram and Web Push are channels of the same outbox), who wants
what, and the expiry reminders already sent.

A notification belongs to its recipient (the bell shows a user their own, from every
company they are still a member of), so its manager is the plain one filtered by
recipient; deliveries and preferences are the company's and tenant-scoped."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arvlite.core.tenancy import TenantManager


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the portal")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")
    WEBPUSH = "webpush", _("Browser notifications")
    # Not a way to send but a choice for high-volume events: their e-mails wait for the
    # day's digest instead of going out one by one.
    EMAIL_DIGEST = "email_digest", _("Daily e-mail digest")


class Notification(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # False when the user turned the portal channel off for this event: the row still
    # anchors its e-mail, but the bell does not show it.
    in_app = models.BooleanField(default=True)
    # True while its e-mail waits for the recipient's daily digest.
    digest_pending = models.BooleanField(default=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "in_app", "read_at", "-created_at"], name="notification_bell"),
            models.Index(fields=["company", "recipient"], condition=models.Q(digest_pending=True),
                         name="notification_digest_pending"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One message to send: written with the event, sent by a task after commit, claimed
    by a conditional update so it goes out once, retried with backoff until it is sent or
    has failed for good."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="deliveries")  # fmt: skip
    event = models.CharField(_("event"), max_length=60)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=320)  # an e-mail, a chat id, a subscription
    language = models.CharField(max_length=10, default="ru")
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    unsubscribe_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address} ({self.status})"


class NotificationPreference(models.Model):
    """Whether ``event`` goes out on ``channel``: a user's own choice, or — with no user —
    the company's default for its members (set by owners)."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="notification_preferences")  # fmt: skip
    event = models.CharField(_("event"), max_length=60)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    enabled = models.BooleanField(_("on"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["company", "user", "event", "channel"], condition=models.Q(user__isnull=False),
                                    name="preference_per_user"),
            models.UniqueConstraint(fields=["company", "event", "channel"], condition=models.Q(user__isnull=True),
                                    name="preference_company_default"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.event}/{self.channel}: {'on' if self.enabled else 'off'}"


class CustomerOptOut(models.Model):
    """A customer (not a user) who asked for no more reminder e-mails from this company."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "email"], name="customer_opt_out_once")]

    def __str__(self) -> str:
        return self.email


class ExpiryReminder(models.Model):
    """A reminder already sent for one content, threshold and term: the term's end is part
    of the key, so a renewed content gets the next term's reminders, and reruns none."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey("arcontent.ARContent", on_delete=models.CASCADE, related_name="+")
    threshold = models.CharField(max_length=10)  # "30", "7", "1" (days left) or "expired"
    term_ends_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content", "threshold", "term_ends_at"], name="expiry_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_id} {self.threshold} ({self.term_ends_at:%Y-%m-%d})"


class TelegramBot(models.Model):
    """A company's own Telegram bot: its token (encrypted, never shown again), its name for
    the deep links, and the secret Telegram sends back on every webhook call."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="+")
    token_encrypted = models.TextField(editable=False)
    username = models.CharField(_("bot"), max_length=64)
    webhook_secret = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("Telegram bot")
        verbose_name_plural = _("Telegram bots")

    def __str__(self) -> str:
        return f"@{self.username}"

    @property
    def token(self) -> str:
        from arvlite.core.encryption import decrypt

        return decrypt(self.token_encrypted)


class TelegramChat(models.Model):
    """A member's Telegram chat with the company's bot. ``link_token`` is the one-time
    start parameter of the deep link until the user opens it; then ``chat_id`` is set."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_chats"
    )
    chat_id = models.BigIntegerField(_("chat"), null=True, blank=True)
    link_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    link_token_created_at = models.DateTimeField(null=True, blank=True)
    linked_at = models.DateTimeField(_("linked"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("Telegram chat")
        verbose_name_plural = _("Telegram chats")
        constraints = [models.UniqueConstraint(fields=["company", "user"], name="telegram_chat_per_member")]

    def __str__(self) -> str:
        return f"{self.user} → {self.chat_id or '-'}"


class PushSubscription(models.Model):
    """One browser of a user that accepted notifications (the Push API's subscription).
    A user's own, across companies; a push service answering 404/410 removes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("browser subscription")
        verbose_name_plural = _("browser subscriptions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.user_agent[:40] or self.endpoint[:40]}"
