"""A short way through the middleware for the two hottest viewer requests.

`GET`/`HEAD /api/viewer/ar/<uid>/manifest` and `.../check` are answered from the cached
snapshot in well under a millisecond of their own; the rest of a Django request was most of
their cost (bench/viewer_load.py). This middleware sits early in MIDDLEWARE, right after
SecurityMiddleware (so the request id, the access-log line, the HTTPS redirect and the
security headers stay exactly as they were), and sends those two requests through a chain
of its own: the middleware listed after it in settings.MIDDLEWARE minus the ones in
`SKIPPED`, then the view, with no URL resolution. Every other request goes on unchanged.

`SKIPPED` holds only middleware that does nothing to these requests and their answers: the
views read no session, user, message, CSRF token or htmx header, and the answers are plain
JSON. The kept ones (language, Content-Length and host check, X-Frame-Options, the
per-view Prometheus metrics, and any middleware added later) run as before, in the same
order, with the same `request.resolver_match` the URL resolver would have set.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch
from django.utils.module_loading import import_string

from arcontent.viewer import api

FAST_LANE = "arcontent.viewer.fastlane.ViewerFastLaneMiddleware"
# The routes of arcontent/viewer/urls.py this lane answers (the tests check they agree).
ROUTE = re.compile(r"/api/viewer/ar/(?P<uid>[^/]+)/(?P<endpoint>manifest|check)")
VIEWS: dict[str, tuple[Callable[..., HttpResponse], str, str]] = {
    "manifest": (api.manifest, "viewer-manifest", "api/viewer/ar/<str:uid>/manifest"),
    "check": (api.check, "viewer-check", "api/viewer/ar/<str:uid>/check"),
}
SKIPPED = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",  # serves STATIC_URL only
        "django.contrib.sessions.middleware.SessionMiddleware",  # the session is never read
        "django.middleware.csrf.CsrfViewMiddleware",  # safe methods, no token asked for
        "django.contrib.auth.middleware.AuthenticationMiddleware",  # request.user is never read
        "django.contrib.messages.middleware.MessageMiddleware",  # no messages
        "django_htmx.middleware.HtmxMiddleware",  # request.htmx is never read
        "axes.middleware.AxesMiddleware",  # acts on locked-out sign-ins only
        "social_django.middleware.SocialAuthExceptionMiddleware",  # social-auth errors only
    }
)

Hook = Callable[..., Any]


class ViewerFastLaneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        names = list(settings.MIDDLEWARE)
        if FAST_LANE not in names:
            raise ImproperlyConfigured(f"{FAST_LANE} must be listed in MIDDLEWARE.")
        kept = [name for name in names[names.index(FAST_LANE) + 1 :] if name not in SKIPPED]
        self._view_hooks: list[Hook] = []
        self._template_response_hooks: list[Hook] = []
        self._exception_hooks: list[Hook] = []
        self._lane = self._load(kept)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            match = ROUTE.fullmatch(request.path_info)
            if match is not None:
                view, name, route = VIEWS[match["endpoint"]]
                request.resolver_match = ResolverMatch(
                    view, (), {"uid": match["uid"]}, url_name=name, route=route
                )
                return self._lane(request)
        return self.get_response(request)

    def _load(self, names: list[str]) -> Callable[[HttpRequest], HttpResponse]:
        """The kept middleware around the view, wrapped as BaseHandler.load_middleware does."""
        handler = convert_exception_to_response(self._view)
        for name in reversed(names):
            try:
                instance = import_string(name)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self._view_hooks.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_hooks.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_hooks.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        # A sync chain (this middleware is sync): it returns responses, never awaitables.
        return cast(Callable[[HttpRequest], HttpResponse], handler)

    def _view(self, request: HttpRequest) -> HttpResponse:
        """What BaseHandler._get_response does once the URL is resolved."""
        match = request.resolver_match
        assert match is not None
        view, kwargs = match.func, match.kwargs
        for hook in self._view_hooks:
            response = hook(request, view, (), kwargs)
            if response is not None:
                break
        else:
            try:
                response = view(request, **kwargs)
            except Exception as error:
                response = self._exception(request, error)
        if response is None:
            raise ValueError(f"The view {match._func_path} didn't return an HttpResponse object.")
        if callable(getattr(response, "render", None)):
            for hook in self._template_response_hooks:
                response = hook(request, response)
            try:
                response = response.render()
            except Exception as error:
                response = self._exception(request, error)
        return response

    def _exception(self, request: HttpRequest, error: Exception) -> HttpResponse:
        for hook in self._exception_hooks:
            response = hook(request, error)
            if response is not None:
                return response
        raise error
