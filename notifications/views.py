"""The signed-in user's notification pages (across their companies): the full list with
filters and "mark all read", opening one (marks it read), preferences per event and
channel (owners also set the company's defaults), and the signed one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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
from django.views.decorators.debug import sensitive_post_parameters

from arvlite.core.roles import Role, role_allows
from arvlite.core.tenancy import company_scope
from companies.actors import signed_in_user
from companies.models import Membership
from companies.portal import CompanyPortalMixin
from notifications import services, telegram, webpush
from notifications.customers import customer_token_valid, customer_unsubscribe
from notifications.models import Channel, Notification, NotificationPreference, TelegramChat
from notifications.registry import EVENTS

PAGE_SIZE = 30


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


def _cells(event: Any, channels: list[str], wanted: Any) -> list[tuple[str, bool | None]]:
    """One cell per offered channel: on/off, or None where the channel does not apply
    (the digest for an event that is not high-volume)."""
    return [(c, None if c == Channel.EMAIL_DIGEST and not event.digest else c in wanted) for c in channels]


def _grid(company: Any, user: Any, channels: list[str]) -> list[dict[str, Any]]:
    choices = {name: services.Choices(event, company) for name, event in EVENTS.items()}
    return [{"event": event, "channels": _cells(event, channels, choices[name].channels(user))}
            for name, event in EVENTS.items()]  # fmt: skip


def _defaults(company: Any, channels: list[str]) -> list[dict[str, Any]]:
    return _grid(company, None, channels)


def _save_own_choices(company: Any, user: Any, posted: Any, channels: list[str]) -> None:
    """Keep a user's own row only where it differs from the company's default, so later
    changes of the defaults still reach them for everything they left alone."""
    for name, event in EVENTS.items():
        defaults = services.wanted_channels(event, company, None)
        for channel in channels:
            if channel == Channel.EMAIL_DIGEST and not event.digest:
                continue
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
    """One grid per company: the user's own choices, and for owners the company defaults;
    the Telegram link of each company with a bot, and this browser's push switch."""

    def _memberships(self, request: HttpRequest) -> list[Membership]:
        return list(
            Membership.objects.filter(user=signed_in_user(request))
            .select_related("company")
            .order_by("company__name")
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        user = signed_in_user(request)
        sections = []
        for membership in self._memberships(request):
            company = membership.company
            with company_scope(company):
                channels = services.choosable(company)
                bot = telegram.bot_for(company)
                sections.append({
                    "company": company, "channels": channels, "rows": _grid(company, user, channels),
                    "defaults": _defaults(company, channels) if role_allows(membership.role, Role.OWNER) else None,
                    "bot": bot, "telegram_linked": bool(bot and telegram.chat_for(company, user)),
                    "is_owner": role_allows(membership.role, Role.OWNER),
                })  # fmt: skip
        return render(request, "notifications/preferences.html", {
            "sections": sections, "vapid_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY if webpush.configured() else "",
        })  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        membership = next((m for m in self._memberships(request) if m.company.slug == request.POST.get("company")),
                          None)  # fmt: skip
        if membership is None:
            return HttpResponse(status=404)
        scope = request.POST.get("scope", "user")
        if scope not in ("user", "company"):
            return HttpResponse(status=400)
        if scope == "company" and not role_allows(membership.role, Role.OWNER):
            return HttpResponse(status=403)
        with company_scope(membership.company):
            channels = services.choosable(membership.company)
            if scope == "user":
                _save_own_choices(membership.company, signed_in_user(request), request.POST, channels)
            elif role_allows(membership.role, Role.OWNER):  # checked above; said again where it writes
                for name, event in EVENTS.items():
                    for channel in channels:
                        if channel == Channel.EMAIL_DIGEST and not event.digest:
                            continue
                        services.preference_set(company=membership.company, user=None, event=name,
                                                channel=channel, enabled=f"{name}:{channel}" in request.POST)  # fmt: skip
        messages.success(request, _("Notification settings saved."))
        return HttpResponseRedirect(reverse("notification-preferences-page"))


class TelegramLinkPageView(CompanyPortalMixin, View):
    """ "Link my Telegram": a fresh one-time deep link, opened at once; or unlink."""

    read_role = Role.VIEWER
    write_role = Role.VIEWER

    def post(self, request: HttpRequest, company_slug: str) -> HttpResponse:
        user = signed_in_user(request)
        if request.POST.get("action") == "unlink":
            TelegramChat.objects.filter(company=self.company, user=user).delete()
            messages.success(request, _("Telegram unlinked."))
            return HttpResponseRedirect(reverse("notification-preferences-page"))
        try:
            return HttpResponseRedirect(telegram.link_start(self.company, user))
        except telegram.BotSetupError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("notification-preferences-page"))


class TelegramBotPageView(CompanyPortalMixin, View):
    """The company's Telegram bot (owners): connect with the token from @BotFather, or remove."""

    read_role = Role.OWNER
    write_role = Role.OWNER

    def get(self, request: HttpRequest, company_slug: str) -> HttpResponse:
        return render(request, "notifications/telegram_bot.html", {
            "company": self.company, "membership": self.membership, "bot": telegram.bot_for(self.company),
            "webhook_url": telegram.webhook_url(self.company),
            "linked": TelegramChat.objects.filter(company=self.company, chat_id__isnull=False).count(),
        })  # fmt: skip

    @method_decorator(sensitive_post_parameters("bot_token"))  # kept out of error reports
    def post(self, request: HttpRequest, company_slug: str) -> HttpResponse:
        here = reverse("telegram-bot-page", args=[self.company.slug])
        if request.POST.get("action") == "remove":
            telegram.bot_disconnect(self.company)
            messages.success(request, _("The Telegram bot is removed."))
            return HttpResponseRedirect(here)
        try:
            bot = telegram.bot_connect(self.company, request.POST.get("bot_token", ""))
        except telegram.BotSetupError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(here)
        messages.success(request, _("@%(bot)s is connected. Members can now link their Telegram.") % {"bot": bot.username})  # fmt: skip
        return HttpResponseRedirect(here)


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
                      {"done": True, "company": company,
                       "event_label": EVENTS[event].label if event in EVENTS else _("Daily e-mail digest")})  # fmt: skip


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


def service_worker(request: HttpRequest) -> HttpResponse:
    """The Web Push service worker, from the site's root so its scope covers every page."""
    response = render(request, "notifications/service_worker.js", content_type="application/javascript")
    response["Cache-Control"] = "no-cache"  # browsers re-check it; a fix reaches them at once
    return response
