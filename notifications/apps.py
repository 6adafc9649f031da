from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from arvlite.core.email import use_outbox
        from arvlite.core.metrics import register_reader
        from notifications.metrics import outbox
        from notifications.outbox import enqueue_email
        from notifications.receivers import connect  # ready(): models are loaded now

        connect()
        register_reader(outbox, needs=("database",))
        use_outbox(enqueue_email)  # companies' e-mails to customers go through the outbox
