from django.apps import AppConfig


class ArcontentConfig(AppConfig):
    name = "arcontent"
    default_auto_field = "django.db.models.BigAutoField"
