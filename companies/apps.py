from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies and users")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from companies import (
            schema,  # noqa: F401 - registers the OpenAPI auth extension
            sessions,  # noqa: F401 - records sign-ins for the account page's device list
            signals,  # noqa: F401 - removes storage objects of deleted file rows
            two_factor_session,  # noqa: F401 - marks new sessions for the second sign-in step
        )
        from companies.activity import register_company_sentences
        from companies.dashboard import register_company_panels

        register_company_panels()
        register_company_sentences()
