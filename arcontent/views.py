"""Portal pages for AR content: list, create (with a live photo check and upload
progress), detail (live status while processing), edit, and the workflow buttons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from arcontent import services
from arcontent.forms import SIZE_DEFAULT_HINT, ContentEditForm, ContentForm
from arcontent.models import ARContent
from arcontent.scene_views import scene_card_context
from arcontent.selectors import content_get, content_list, similar_contents
from arvlite.core.forms import add_validation_errors
from arvlite.core.roles import Role, role_allows
from companies.portal import CompanyPortalMixin
from projects.models import Project

PAGE_SIZE = 24


def _is_number(value: str) -> bool:
    return value.isascii() and value.isdigit()


class ContentPageMixin(CompanyPortalMixin):
    def get_content(self) -> ARContent:
        return content_get(company=self.company, unique_id=self.kwargs["unique_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = role_allows(self.membership.role, Role.EDITOR)
        return context


class ContentListView(ContentPageMixin, TemplateView):
    template_name = "arcontent/arcontent_list.html"
    read_role = Role.VIEWER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        contents = content_list(company=self.company, search=query.get("q") or None)
        if _is_number(query.get("project", "")):
            contents = contents.filter(project_id=int(query["project"]))
        if query.get("status") in ARContent.Status.values:
            contents = contents.filter(status=query["status"])
        page = Paginator(contents, PAGE_SIZE).get_page(query.get("page"))
        context.update(
            page_obj=page,
            contents=page.object_list,
            projects=Project.objects.filter(company=self.company).order_by("name"),
            statuses=ARContent.Status.choices,
            filters={
                "q": query.get("q", ""),
                "project": query.get("project", ""),
                "status": query.get("status", ""),
            },
            has_any=ARContent.objects.exists(),
        )
        return context


class ContentCreateView(ContentPageMixin, TemplateView):
    """The form posts with XMLHttpRequest (progress bar) and gets JSON back; without
    JavaScript it is an ordinary form post."""

    template_name = "arcontent/arcontent_create.html"
    read_role = write_role = Role.EDITOR

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        initial = {"term_years": self.company.default_term_years}
        if _is_number(self.request.GET.get("project", "")):
            initial["project"] = int(self.request.GET["project"])
        form = context.setdefault("form", ContentForm(company=self.company, initial=initial))
        # The photo sits between the project and the print size: the size's hint and the
        # live score depend on both.
        context["head_fields"] = [form["project"]]
        context["size_hint_template"] = str(SIZE_DEFAULT_HINT)
        context["tail_fields"] = [form[name] for name in form.fields if name not in ("project", "photo")]
        return context

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = ContentForm(request.POST, request.FILES, company=self.company)
        content = None
        if form.is_valid():
            values = form.cleaned_data
            try:
                content = services.content_create(
                    company=self.company,
                    actor=request.user,
                    data=services.content_input(project=values["project"], values=values),
                    photo=values["photo"],
                    photo_name=values["photo"].name or "",
                )
            except ValidationError as error:
                add_validation_errors(form, error)
        wants_json = request.headers.get("X-Requested-With") == "XMLHttpRequest"
        if content is not None:
            url = reverse(
                "content-detail-page",
                kwargs={"company_slug": self.company.slug, "unique_id": content.unique_id},
            )
            messages.success(
                request,
                _("Content %(number)s created. The photo is being processed.")
                % {"number": content.order_number},
            )
            return JsonResponse({"redirect": url}, status=201) if wants_json else redirect(url)
        if wants_json:
            errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ContentDetailView(ContentPageMixin, TemplateView):
    template_name = "arcontent/arcontent_detail.html"
    read_role = Role.VIEWER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        content = self.get_content()
        context.update(
            content=content,
            blockers=services.publish_blockers(content),
            similar=similar_contents(company=self.company, content=content),
            language=self.request.LANGUAGE_CODE,
            **scene_card_context(content),
        )
        return context


class ContentStatusPartialView(ContentDetailView):
    """The status card alone, polled by htmx while the photo is processed. When the
    status has changed since the page was drawn, the whole page reloads (its buttons and
    files depend on the status)."""

    template_name = "arcontent/partials/status_card.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        was = request.GET.get("was")
        context = response.context_data if isinstance(response, TemplateResponse) else None
        if was and context and was != context["content"].status:
            response["HX-Refresh"] = "true"
        return response


class ContentEditView(ContentPageMixin, TemplateView):
    template_name = "arcontent/arcontent_edit.html"
    read_role = write_role = Role.EDITOR

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        content = self.get_content()
        initial = {name: getattr(content, name) for name in ContentEditForm.base_fields}
        context.update(content=content)
        context.setdefault("form", ContentEditForm(initial=initial))
        return context

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        content = self.get_content()
        form = ContentEditForm(request.POST)
        if form.is_valid():
            try:
                services.content_update(content=content, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(
                    "content-detail-page", company_slug=self.company.slug, unique_id=content.unique_id
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


ACTIONS = {
    "publish": (services.content_publish, Role.EDITOR, gettext_lazy("Published: scans now play the video.")),
    "publish-anyway": (
        services.content_publish_anyway,
        Role.EDITOR,
        gettext_lazy("Published: scans now play the video."),
    ),
    "pause": (services.content_pause, Role.EDITOR, gettext_lazy("Paused.")),
    "resume": (services.content_resume, Role.EDITOR, gettext_lazy("Published again.")),
    "renew": (services.content_renew, Role.EDITOR, gettext_lazy("The hosting term has been extended.")),
    "archive": (services.content_archive, Role.EDITOR, gettext_lazy("Archived.")),
    "reprocess": (
        services.content_reprocess,
        Role.EDITOR,
        gettext_lazy("The photo is being processed again."),
    ),
    "build-web-target": (
        services.content_build_web_target,
        Role.EDITOR,
        gettext_lazy("The web AR target is being built."),
    ),
    "override-similar": (
        lambda **kw: services.content_override(what="similar", **kw),
        Role.EDITOR,
        gettext_lazy("Warning accepted."),
    ),
    "override-quality": (
        lambda **kw: services.content_override(what="quality", **kw),
        Role.EDITOR,
        gettext_lazy("Score accepted."),
    ),
    "use-enhanced": (
        lambda **kw: services.content_use_enhanced_marker(use=True, **kw),
        Role.EDITOR,
        gettext_lazy("The enhanced marker is in use."),
    ),
    "use-original": (
        lambda **kw: services.content_use_enhanced_marker(use=False, **kw),
        Role.EDITOR,
        gettext_lazy("The original marker is in use."),
    ),
}


class ContentActionView(ContentPageMixin, TemplateView):
    """POST one workflow step; the answer is the detail page with a message."""

    http_method_names = ["post"]
    read_role = write_role = Role.EDITOR

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        content = self.get_content()
        service, _role, done = ACTIONS[kwargs["action"]]
        try:
            service(content=content, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, str(done))
        return redirect("content-detail-page", company_slug=self.company.slug, unique_id=content.unique_id)
