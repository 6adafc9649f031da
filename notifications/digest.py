"""The daily e-mail digest: notifications of high-volume events (``Event.digest``) whose
recipient chose "daily digest" wait with ``digest_pending``; once a day, after
``NOTIFICATION_DIGEST_HOUR`` in the company's time zone, each recipient gets one e-mail
listing them. The rows are claimed under a lock, so overlapping runs send one digest."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time

import structlog
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from notifications import services
from notifications.models import Channel, Delivery, Notification
from notifications.registry import EVENTS

log = structlog.get_logger(__name__)
MAX_LISTED = 50


def due_before(company: Company, now: datetime) -> datetime | None:
    """Notifications from before this moment are due (today's digest hour in the company's
    zone); None before that hour."""
    local = now.astimezone(zoneinfo.ZoneInfo(company.time_zone))
    if local.hour < settings.NOTIFICATION_DIGEST_HOUR:
        return None
    return datetime.combine(local.date(), time(settings.NOTIFICATION_DIGEST_HOUR), tzinfo=local.tzinfo)


def send_digests(*, now: datetime | None = None) -> int:
    """One digest e-mail per recipient and company with notifications due; how many."""
    now = now or timezone.now()
    with scopes_disabled():
        pending = set(
            Notification.objects.filter(digest_pending=True).values_list("company_id", "recipient_id")
        )
        companies = Company.objects.in_bulk({company_id for company_id, _user in pending})
        users = User.objects.in_bulk({user_id for _company, user_id in pending})
    sent = 0
    for company_id, user_id in sorted(pending):
        company, user = companies[company_id], users[user_id]
        cutoff = due_before(company, now)
        if cutoff is None:
            continue
        with company_scope(company):
            sent += _digest_one(company, user, cutoff)
    return sent


def still_wanted(event_name: str, company: Company, user: User) -> bool:
    """Whether held notifications of ``event_name`` may still go into the user's digest:
    they may still hear of it, and still want its e-mail as a digest."""
    event = EVENTS.get(event_name)
    if event is None or services.why_not_heard(user, company.pk, event) is not None:
        return False
    wanted = services.wanted_channels(event, company, user)
    return Channel.EMAIL in wanted and Channel.EMAIL_DIGEST in wanted


@transaction.atomic
def _digest_one(company: Company, user: User, cutoff: datetime) -> int:
    claimed = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(company=company, recipient=user, digest_pending=True)
        .order_by("created_at")
    )
    if not claimed or claimed[0].created_at >= cutoff:
        return 0  # another run took them, or the oldest came after today's digest hour
    Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(digest_pending=False)
    # Only what the user may still hear: they may have left, lost a role, or turned it off.
    wanted = {
        name: still_wanted(name, company, user) for name in {n.event for n in claimed}
    }  # once per event
    claimed = [n for n in claimed if wanted[n.event]]
    if not claimed:
        return 0
    with translation.override(services.language_of(user)):
        lines = [f"• {n.title}" for n in claimed[:MAX_LISTED]]
        if len(claimed) > MAX_LISTED:
            lines.append(_("…and %(count)s more.") % {"count": len(claimed) - MAX_LISTED})
        title = ngettext("%(company)s: %(count)s notification today", "%(company)s: %(count)s notifications today",
                         len(claimed)) % {"company": company.name, "count": len(claimed)}  # fmt: skip
        message = services.Message(title=title, body="\n".join(lines), link=reverse("notification-list-page"))
        delivery = Delivery(
            company=company, event=services.DIGEST, channel=Channel.EMAIL, address=user.email,
            language=services.language_of(user),
            unsubscribe_url=services.unsubscribe_url(user=user, company=company, event=services.DIGEST),
        )  # fmt: skip
        services.email_fill(delivery, message, company)
    delivery.save()
    from notifications.tasks import send_delivery

    send_delivery.delay_on_commit(delivery.pk)
    log.info("digest.queued", company=company.pk, user=user.pk, notifications=len(claimed))
    return 1
