"""Where the notifications app listens: the domain events every app emits (see
``arvlite.core.events``) and the signals the orders and storage code already sent. Each
turns into one ``notify`` call; the listeners run after the owner's transaction commits."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import filesizeformat

from arvlite.core.tenancy import company_scope
from notifications.services import notify


def on_domain_event(sender: Any, *, name: str, company: Any, subject: Any, context: dict[str, Any],
                    **kwargs: Any) -> None:  # fmt: skip
    with company_scope(company):
        notify(name, company=company, subject_object=subject, context=context)


def on_order_created(sender: Any, *, order: Any, **kwargs: Any) -> None:
    with company_scope(order.company):
        notify("order.created", company=order.company, subject_object=order)


def on_order_status_changed(sender: Any, *, order: Any, to_status: str, **kwargs: Any) -> None:
    event = "order.paid" if to_status == "paid" else "order.status_changed"
    with company_scope(order.company):
        notify(event, company=order.company, subject_object=order)


def on_quota_threshold(
    sender: Any, *, company: Any, threshold: int, used: int, quota: int, **kwargs: Any
) -> None:
    with company_scope(company):
        notify(f"quota.{threshold}", company=company, subject_object=company,
               context={"used": filesizeformat(used), "quota": filesizeformat(quota)})  # fmt: skip


def connect() -> None:
    from arvlite.core.events import domain_event
    from companies.files import quota_threshold_reached
    from orders.signals import order_created, order_status_changed

    domain_event.connect(on_domain_event, dispatch_uid="notifications.domain_event")
    order_created.connect(on_order_created, dispatch_uid="notifications.order_created")
    order_status_changed.connect(on_order_status_changed, dispatch_uid="notifications.order_status_changed")
    quota_threshold_reached.connect(on_quota_threshold, dispatch_uid="notifications.quota")
