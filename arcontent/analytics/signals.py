"""Deleted content leaves the company-wide sums (DailyCompanyStat has no content key): the
days it was scanned are summed again from the rows left, once the delete has committed, so
the company's figures drop it as the project's and the content's do."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.db.models.signals import pre_delete

from arcontent.models import ARContent, DailyViewStat
from arvlite.core.tenancy import scopes_disabled
from companies.models import Company


def _sum_again_after_delete(sender: Any, instance: ARContent, **kwargs: Any) -> None:
    with scopes_disabled():  # deletes run in any scope, or none (the admin, a company's delete)
        days = DailyViewStat.objects.filter(content_id=instance.pk).aggregate(
            first=Min("day"), last=Max("day")
        )
    if days["first"] is None:
        return
    company_id = instance.company_id

    def sum_again() -> None:
        from arcontent.analytics.rollups import company_sums_rebuild

        company = Company.objects.filter(pk=company_id).first()
        if company is not None:  # gone with its company: its sums went too
            company_sums_rebuild(company=company, first=days["first"], last=days["last"])

    transaction.on_commit(sum_again)


def connect() -> None:
    pre_delete.connect(
        _sum_again_after_delete, sender=ARContent, dispatch_uid="analytics.sum_again_after_delete"
    )
