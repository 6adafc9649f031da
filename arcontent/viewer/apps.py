from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViewerConfig(AppConfig):
    """The public viewer (API, /view pages, scan buffer) as an app of its own: it sits above
    arcontent and videos, so arcontent never imports it; its receivers connect here."""

    name = "arcontent.viewer"
    label = "viewer"
    verbose_name = _("Viewer")

    def ready(self) -> None:
        from arcontent.viewer import invalidation  # ready(): the app registry is loaded now
        from arcontent.viewer.metrics import scan_buffer
        from arvlite.core.metrics import register_reader

        invalidation.connect()
        register_reader(scan_buffer, needs=("redis",))
