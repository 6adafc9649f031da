from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArcontentConfig(AppConfig):
    name = "arcontent"
    verbose_name = _("AR content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from arcontent.activity import register_activity_sentences
        from arcontent.checks import published_content_blocks_company_delete
        from arcontent.metrics import photo_pipeline
        from arcontent.search import register_search_provider
        from arvlite.core.metrics import register_reader
        from companies.services import COMPANY_DELETE_BLOCKERS

        register_activity_sentences()
        register_search_provider()
        register_reader(photo_pipeline, needs=("database",))
        if published_content_blocks_company_delete not in COMPANY_DELETE_BLOCKERS:
            COMPANY_DELETE_BLOCKERS.append(published_content_blocks_company_delete)
