"""Every event the platform notifies about, in one table: who receives it, on which
channels by default, what it says and where it links. Adding an event is one entry here
and one ``emit(...)`` in the app that owns it; a name that is not here is a programming
error (``UnknownEventError``, and a test checks every ``emit`` in the code)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from arvlite.core.roles import Role
from notifications.models import Channel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from companies.models import Company

Facts = Callable[[Any, dict[str, Any]], dict[str, Any]]
Link = Callable[["Company", Any, dict[str, Any]], str]
# Telegram and Web Push reach only those who linked a chat or turned a browser on.
DEFAULT_CHANNELS = frozenset({Channel.IN_APP, Channel.EMAIL, Channel.TELEGRAM, Channel.WEBPUSH})


class UnknownEventError(LookupError):
    """``notify`` was given an event name the registry does not know."""


@dataclass(frozen=True)
class Event:
    name: str
    label: StrOrPromise  # for the preferences page
    title: StrOrPromise  # %(fact)s placeholders, filled from ``facts``
    body: StrOrPromise
    min_role: str | None = Role.EDITOR  # members with at least this role; None: nobody by role
    channels: frozenset[str] = DEFAULT_CHANNELS  # on unless the user or company turns them off
    facts: Facts = field(default=lambda subject, context: dict(context))
    link: Link = field(
        default=lambda company, subject, context: reverse("company-dashboard", args=[company.slug])
    )
    named_user: bool = False  # the subject names one user (``context["user"]``) instead of roles
    to_customer: bool = False  # also the customer's e-mail, where the company sends them reminders
    digest: bool = False  # high volume: a user may take a daily digest instead of each e-mail


def _content_facts(content: Any, context: dict[str, Any]) -> dict[str, Any]:
    who = f" · {content.customer_name}" if content.customer_name else ""
    return {"name": f"{content.order_number}{who}", **context}


def _content_link(company: Company, content: Any, context: dict[str, Any]) -> str:
    return reverse("content-detail-page", args=[company.slug, content.unique_id])


def _video_facts(video: Any, context: dict[str, Any]) -> dict[str, Any]:
    # Untitled videos (the usual case now) are named by their file for staff.
    file_name = video.original.original_name if video.original_id else ""
    return {"name": video.title or file_name or f"#{video.pk}", "content": video.content.order_number,
            **context}  # fmt: skip


def _video_link(company: Company, video: Any, context: dict[str, Any]) -> str:
    return reverse("content-detail-page", args=[company.slug, video.content.unique_id])


def _order_facts(order: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {"number": order.number, "customer": order.customer_name, "total": order.total,
            "currency": order.currency, "status": order.get_status_display(), **context}  # fmt: skip


def _order_link(company: Company, order: Any, context: dict[str, Any]) -> str:
    return reverse("order-detail-page", args=[company.slug, order.pk])


def _payment_facts(payment: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {**_order_facts(payment.order, {}), "amount": payment.amount, **context}


def _payment_link(company: Company, payment: Any, context: dict[str, Any]) -> str:
    return _order_link(company, payment.order, context)


def _storage_link(company: Company, subject: Any, context: dict[str, Any]) -> str:
    return reverse("storage-page", args=[company.slug])


def _members_link(company: Company, subject: Any, context: dict[str, Any]) -> str:
    return reverse("members-page", args=[company.slug])


def _expiring_facts(company: Any, context: dict[str, Any]) -> dict[str, Any]:
    contents = context["contents"]
    listing = "\n".join(f"• {c['name']} — {c['expires']}" for c in contents)
    days = context["days"]
    return {"count": len(contents), "days_text": ngettext("%(n)s day", "%(n)s days", days) % {"n": days},
            "list": listing, **context}  # fmt: skip


def _content_list_link(company: Company, subject: Any, context: dict[str, Any]) -> str:
    return reverse("content-list-page", args=[company.slug])


def _invitation_link(company: Company, invitation: Any, context: dict[str, Any]) -> str:
    from companies.invitations import invitation_token

    return reverse("invitation-accept-page", args=[invitation_token(invitation)])


EVENTS: dict[str, Event] = {
    event.name: event
    for event in (
        Event("content.ready", _("Content ready"), _("%(name)s is ready"),
              _("The photo is processed: the content can be published and printed."),
              facts=_content_facts, link=_content_link),
        Event("content.failed", _("Content processing failed"), _("Processing failed: %(name)s"),
              _("%(stage)s: %(reason)s"), facts=_content_facts, link=_content_link),
        Event("video.ready", _("Video ready"), _("The video %(name)s is ready"),
              _("It plays on %(content)s now."), facts=_video_facts, link=_video_link, digest=True),
        Event("video.failed", _("Video processing failed"), _("The video %(name)s could not be processed"),
              _("%(reason)s"), facts=_video_facts, link=_video_link),
        Event("content.expiring", _("Content about to expire"),
              _("Prints stop working in %(days_text)s: %(count)s"),
              _("Renew them to keep them playing:\n%(list)s"), facts=_expiring_facts, link=_content_list_link,
              to_customer=True),
        Event("content.expired", _("Content expired"), _("%(name)s has expired"),
              _("The print no longer plays its video. Renew it to bring it back."), facts=_content_facts,
              link=_content_link, to_customer=True),
        Event("quota.80", _("Storage nearly full"), _("Storage is 80 %% full"),
              _("%(used)s of %(quota)s used."), min_role=Role.MANAGER, link=_storage_link),
        Event("quota.100", _("Storage full"), _("Storage is full"),
              _("%(used)s of %(quota)s used: new uploads are refused until space is freed."),
              min_role=Role.MANAGER, link=_storage_link),
        Event("invitation.received", _("Invitation received"), _("You are invited to %(company)s"),
              _("%(inviter)s invites you as %(role)s."), min_role=None, named_user=True, link=_invitation_link,
              channels=frozenset({Channel.IN_APP})),  # the invitation's own e-mail carries the link
        Event("member.joined", _("Member joined"), _("%(member)s joined the company"),
              _("Role: %(role)s."), min_role=Role.MANAGER, link=_members_link),
        Event("order.created", _("Order created"), _("New order %(number)s"),
              _("%(customer)s, %(total)s %(currency)s."), facts=_order_facts, link=_order_link),
        Event("order.paid", _("Order paid"), _("Order %(number)s is paid"),
              _("%(customer)s paid %(total)s %(currency)s."), facts=_order_facts, link=_order_link),
        Event("order.status_changed", _("Order status changed"), _("Order %(number)s: %(status)s"),
              _("%(customer)s's order is now %(status)s."), facts=_order_facts, link=_order_link,
              channels=frozenset({Channel.IN_APP})),
        Event("payment.failed", _("Payment failed"), _("A payment for order %(number)s did not go through"),
              _("%(reason)s"), facts=_payment_facts, link=_payment_link, channels=frozenset({Channel.IN_APP})),
        Event("payment.refunded", _("Payment refunded"), _("%(amount)s %(currency)s refunded on order %(number)s"),
              _("%(reason)s"), min_role=Role.MANAGER, facts=_payment_facts, link=_payment_link),
        Event("invoice.issued", _("Invoice issued"), _("Invoice %(invoice)s issued"),
              _("Order %(number)s, %(total)s %(currency)s."), min_role=Role.MANAGER,
              facts=lambda invoice, context: {**_order_facts(invoice.order, {}), "invoice": invoice.number},
              link=lambda company, invoice, context: _order_link(company, invoice.order, context),
              channels=frozenset({Channel.IN_APP})),
    )
}  # fmt: skip


def event_for(name: str) -> Event:
    try:
        return EVENTS[name]
    except KeyError:
        raise UnknownEventError(
            f"No notification event {name!r}: add it to notifications.registry."
        ) from None
