from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from companies.services import COMPANY_DELETE_BLOCKERS
        from orders.activity import register_activity_sentences
        from orders.checks import money_records_block_company_delete
        from orders.dashboard import register_dashboard_panel  # ready(): models are loaded now
        from orders.search import register_search_provider

        register_dashboard_panel()
        register_search_provider()
        register_activity_sentences()
        if money_records_block_company_delete not in COMPANY_DELETE_BLOCKERS:
            COMPANY_DELETE_BLOCKERS.append(money_records_block_company_delete)
