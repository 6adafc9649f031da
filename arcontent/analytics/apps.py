from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Scan analytics (roll-ups, figures, pages) above the viewer; an app so that its tasks,
    commands and dashboard panel are found like any other app's."""

    name = "arcontent.analytics"
    label = "analytics"
    verbose_name = _("Scan analytics")

    def ready(self) -> None:
        from arcontent.analytics import signals
        from arcontent.analytics.dashboard import register_dashboard_panel  # ready(): models are loaded

        register_dashboard_panel()
        signals.connect()
