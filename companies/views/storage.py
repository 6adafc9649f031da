"""The storage usage page: how much of the quota is used, by kind and by project."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from arvlite.core.roles import Role
from companies import files
from companies.models import StoredFile
from companies.portal import CompanyPortalMixin


class StorageUsageView(CompanyPortalMixin, TemplateView):
    template_name = "companies/storage_usage.html"
    read_role = Role.VIEWER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        usage = files.storage_usage(company=self.company)
        labels = dict(StoredFile.Kind.choices)
        context.update(
            usage=usage,
            by_kind=[{**row, "label": labels.get(row["kind"], row["kind"])} for row in usage.by_kind],
            largest=StoredFile.objects.select_related("project").order_by("-size")[:20],
        )
        return context
