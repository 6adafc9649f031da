from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from projects.activity import register_activity_sentences
        from projects.dashboard import register_dashboard_panel  # ready(): models are loaded now
        from projects.search import register_search_provider

        register_dashboard_panel()
        register_search_provider()
        register_activity_sentences()
