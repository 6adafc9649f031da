"""The signed-in user's notification pages (across their companies): the full list with
filters and "mark all read", opening one (marks it read), preferences per event and
channel (owners also set the company's defaults), and the signed one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from arvlite.core.roles import Role, role_allows
from arvlite.core.tenancy import company_scope
from companies.actors import signed_in_user
from companies.models import Membership
from notifications import services
from notifications.customers import customer_token_valid, customer_unsubscribe
from notifications.models import Channel, Notification, NotificationPreference
from notifications.registry import EVENTS

PAGE_SIZE = 30
CHOOSABLE = (Channel.IN_APP, Channel.EMAIL)  # the channels this build can send on


class NotificationListView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        notes = services.visible_to(signed_in_user(request))
        if request.GET.get("unread") == "1":
            notes = notes.filter(read_at__isnull=True)
        if company := request.GET.get("company"):
            notes = notes.filter(company__slug=company)
        page = Paginator(notes.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
        companies = [
            m.company
            for m in Membership.objects.filter(user=signed_in_user(request)).select_related("company")
        ]
        return render(request, "notifications/list.html", {"page_obj": page, "companies": companies,
                                                           "unread_only": request.GET.get("unread") == "1"})  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        changed = services.mark_read(user=signed_in_user(request))
        messages.success(request, _("%(count)s marked read.") % {"count": changed})
        return HttpResponseRedirect(reverse("notification-list-page"))


class NotificationOpenView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = get_object_or_404(Notification, pk=pk, recipient=signed_in_user(request))
        services.mark_read(user=signed_in_user(request), ids=[note.pk])
        target = note.link if url_has_allowed_host_and_scheme(note.link, allowed_hosts=None) else ""
        return HttpResponseRedirect(target or reverse("notification-list-page"))


def _grid(company: Any, user: Any) -> list[dict[str, Any]]:
    rows = []
    for event in EVENTS.values():
        wanted = services.wanted_channels(event, company, user)
        rows.append({"event": event, "channels": [(c, c in wanted) for c in CHOOSABLE]})
    return rows


def _defaults(company: Any) -> list[dict[str, Any]]:
    chosen = {(p.event, p.channel): p.enabled
              for p in NotificationPreference.objects.filter(company=company, user__isnull=True)}  # fmt: skip
    return [{"event": event, "channels": [(c, chosen.get((event.name, c), c in event.channels)) for c in CHOOSABLE]}
            for event in EVENTS.values()]  # fmt: skip


def _save_own_choices(company: Any, user: Any, posted: Any) -> None:
    """Keep a user's own row only where it differs from the company's default, so later
    changes of the defaults still reach them for everything they left alone."""
    for name, event in EVENTS.items():
        defaults = services.wanted_channels(event, company, None)
        for channel in CHOOSABLE:
            wanted = f"{name}:{channel}" in posted
            if wanted == (channel in defaults):
                NotificationPreference.objects.filter(
                    company=company, user=user, event=name, channel=channel
                ).delete()
            else:
                services.preference_set(
                    company=company, user=user, event=name, channel=channel, enabled=wanted
                )


class PreferencesView(LoginRequiredMixin, View):
    """One grid per company: the user's own choices, and for owners the company defaults."""

    def _memberships(self, request: HttpRequest) -> list[Membership]:
        return list(
            Membership.objects.filter(user=signed_in_user(request))
            .select_related("company")
            .order_by("company__name")
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        sections = []
        for membership in self._memberships(request):
            with company_scope(membership.company):
                sections.append({
                    "company": membership.company, "rows": _grid(membership.company, signed_in_user(request)),
                    "defaults": _defaults(membership.company) if role_allows(membership.role, Role.OWNER) else None,
                })  # fmt: skip
        return render(
            request, "notifications/preferences.html", {"sections": sections, "channels": CHOOSABLE}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        membership = next((m for m in self._memberships(request) if m.company.slug == request.POST.get("company")),
                          None)  # fmt: skip
        if membership is None:
            return HttpResponse(status=404)
        scope = request.POST.get("scope", "user")
        if scope == "company" and not role_allows(membership.role, Role.OWNER):
            return HttpResponse(status=403)
        with company_scope(membership.company):
            if scope == "user":
                _save_own_choices(membership.company, signed_in_user(request), request.POST)
                messages.success(request, _("Notification settings saved."))
                return HttpResponseRedirect(reverse("notification-preferences-page"))
            for event in EVENTS:
                for channel in CHOOSABLE:
                    services.preference_set(company=membership.company, user=None if scope == "company" else signed_in_user(request),
                                            event=event, channel=channel,
                                            enabled=f"{event}:{channel}" in request.POST)  # fmt: skip
        messages.success(request, _("Notification settings saved."))
        return HttpResponseRedirect(reverse("notification-preferences-page"))


@method_decorator(csrf_exempt, name="dispatch")  # mail clients POST here without a session (RFC 8058)
class UnsubscribeView(View):
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        if services.unsubscribe_check(token) is None:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "notifications/unsubscribe.html", {"token": token})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        done = services.unsubscribe(token)
        if done is None:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        company, event = done
        return render(request, "notifications/unsubscribe.html",
                      {"done": True, "company": company, "event": EVENTS[event]})  # fmt: skip


@method_decorator(csrf_exempt, name="dispatch")  # mail clients POST here without a session (RFC 8058)
class CustomerUnsubscribeView(View):
    """A customer's "no more reminders" link: a confirmation page, then the opt-out."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        if not customer_token_valid(token):
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "notifications/unsubscribe.html", {"token": token, "customer": True})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if customer_unsubscribe(token) is None:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "notifications/unsubscribe.html", {"done": True, "customer": True})
