from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "arvlite.core"
    label = "core"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from arvlite.core.metrics import celery_queue_lengths, register_reader

        register_reader(celery_queue_lengths)
