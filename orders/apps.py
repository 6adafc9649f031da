from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orders.dashboard import register_dashboard_panel  # ready(): models are loaded now

        register_dashboard_panel()
