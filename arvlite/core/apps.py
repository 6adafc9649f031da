from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "arvlite.core"
    label = "core"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"
