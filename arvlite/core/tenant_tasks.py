"""One pattern for Celery tasks that act for one company.

A task takes the id of a tenant row (content, video, …). The row is loaded with the scope
guard off — nothing is known about the company yet — and the task body then runs inside
that row's company scope, so everything it queries is limited to that company. Only the
truly platform-wide jobs (reapers, sweeps, the similar-marker search) disable the scope
themselves, and say why.

Core knows no domain model: a row's company is its ``company`` attribute (every tenant
table has that foreign key), or the row itself for the tenant model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import structlog
from celery import shared_task
from django.apps import apps
from django.db import models

from arvlite.core.tenancy import company_scope, scopes_disabled

logger = structlog.get_logger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
RowT = TypeVar("RowT", bound=models.Model)


def company_of(row: models.Model) -> models.Model:
    """The tenant a row belongs to: its ``company``, or the row itself when it is the tenant."""
    company = getattr(row, "company", None)
    return row if company is None else company


def tenant_task(
    model: str, *, name: str, select_related: tuple[str, ...] = (), **options: Any
) -> Callable[[Callable[Concatenate[Any, P], R]], Any]:
    """Declare a Celery task ``name`` whose first argument is the primary key of a ``model``
    row (``"app_label.Model"``). The body receives the row, loaded with ``select_related``
    and the company, and runs in the company's scope. A row deleted before the task runs
    is logged and skipped: there is nothing left to do for it."""

    def declare(body: Callable[Concatenate[Any, P], R]) -> Any:
        @shared_task(name=name, **options)
        @functools.wraps(body)
        def entry(row_id: int, *args: P.args, **kwargs: P.kwargs) -> R | None:
            row_model = apps.get_model(model)
            related = tuple(select_related)
            if any(field.name == "company" for field in row_model._meta.get_fields()):
                related = ("company", *related)
            with scopes_disabled():  # the row's company is what we are about to learn
                row = row_model._default_manager.select_related(*related).filter(pk=row_id).first()
            if row is None:
                logger.info("task.row_gone", task=name, model=model, row_id=row_id)
                return None
            with company_scope(company_of(row)):
                return body(row, *args, **kwargs)

        return entry

    return declare
