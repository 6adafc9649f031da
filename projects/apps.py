from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from projects.dashboard import register_dashboard_panel  # ready(): models are loaded now

        register_dashboard_panel()
