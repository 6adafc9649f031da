"""The scene card of the content page: what the preview needs, and saving the form.

The preview itself is static/js/scene_preview.js drawing with static/viewer/scene.js, the
same code the /view page uses. Saving keeps only what differs from the project's defaults,
so a later change of the defaults still reaches every setting the content did not change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from rest_framework import serializers

from arcontent import scene_services
from arcontent.models import ARContent
from arcontent.scene import BEFORE_READY, FITS, Scene, SceneSerializer, effective_scene
from arcontent.selectors import content_get
from arvlite.core.roles import Role
from companies.portal import CompanyPortalMixin
from projects.selectors import project_get

THREE_MODULE = "vendor/three/three-0.161.0.module.min.js"
SWITCHES = ("chroma_key_enabled", "loop", "sound_on")
NUMBERS = ("scale", "offset_x", "offset_y", "corner_radius", "chroma_key_tolerance", "fade_in_ms")


def _file_link(stored: Any) -> str | None:
    return reverse("stored-file", args=[stored.key]) if stored is not None else None


def scene_card_context(content: ARContent) -> dict[str, Any]:
    """The scene card's values: the effective scene for the form and the preview's media."""
    scene = effective_scene(content.project.scene_defaults, content.scene)
    video = (
        content.videos.filter(status="ready")
        .order_by("order", "id")
        .select_related("rendition_720", "rendition_1080", "original", "poster")
        .first()
    )
    playable = (video.rendition_720 or video.rendition_1080 or video.original) if video else None
    preview = {
        "scene": {**scene.as_dict(), "overlay_url": _file_link(content.scene_overlay)},
        "defaults": effective_scene(content.project.scene_defaults).as_dict(),
        "photo": _file_link(content.marker_in_use or content.photo),
        # Until the photo has loaded; then its own shape, which the tracker uses too.
        "aspect": float(content.print_height_cm / content.print_width_cm),
        "video": _file_link(playable),
        "poster": _file_link(video.poster) if video else None,
        "videoRatio": (video.width / video.height) if video and video.width and video.height else None,
        "modules": {"three": static(THREE_MODULE), "scene": static("viewer/scene.js")},
    }
    return {
        "scene": scene,
        "scene_fits": FITS,
        "scene_before_ready": BEFORE_READY,
        "scene_preview": preview,
        "scene_has_video": playable is not None,
    }


def _form_settings(post: Any) -> dict[str, Any]:
    """The form's fields as the API would take them (unticked boxes are absent: False)."""
    values: dict[str, Any] = {name: post.get(name) for name in ("fit", "before_ready", "chroma_key_color")}
    values |= {name: post.get(name) for name in NUMBERS}
    values |= {name: name in post for name in SWITCHES}
    return {name: value for name, value in values.items() if value not in (None, "")}


def _own_settings(checked: dict[str, Any], below: Scene) -> dict[str, Any]:
    """The changes that make the content's own settings exactly what differs from ``below``."""
    lower = below.as_dict()
    return {name: (None if lower[name] == value else value) for name, value in checked.items()}


def _refuse(request: HttpRequest, errors: dict[str, Any]) -> None:
    for field_errors in errors.values():
        for message in field_errors if isinstance(field_errors, list) else [field_errors]:
            messages.error(request, str(message))


class ContentSceneView(CompanyPortalMixin, View):
    """POST the scene form (and an overlay frame) of one content; back to its page."""

    http_method_names = ["post"]
    read_role = write_role = Role.EDITOR

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        content = content_get(company=self.company, unique_id=self.kwargs["unique_id"])
        target = reverse("content-detail-page", args=[self.company.slug, content.unique_id]) + "#scene"
        checked = SceneSerializer(data=_form_settings(request.POST))
        if not checked.is_valid():
            _refuse(request, dict(checked.errors))
            return redirect(target)
        changes = _own_settings(dict(checked.validated_data), effective_scene(content.project.scene_defaults))
        try:
            with transaction.atomic():  # a refused frame leaves the settings as they were too
                scene_services.content_scene_update(content=content, actor=request.user, changes=changes)
                overlay = request.FILES.get("overlay")
                if overlay is not None:
                    scene_services.content_overlay_set(
                        content=content, actor=request.user, upload=overlay, name=overlay.name or ""
                    )
                elif "remove_overlay" in request.POST:
                    scene_services.content_overlay_remove(content=content, actor=request.user)
        except (ValidationError, serializers.ValidationError) as error:
            for message in getattr(error, "messages", None) or [str(error)]:
                messages.error(request, message)
        else:
            messages.success(request, _("The scene is saved: the next scan plays it."))
        return redirect(target)


class ProjectSceneView(CompanyPortalMixin, TemplateView):
    """A project's scene defaults: what its content plays unless it sets its own."""

    template_name = "arcontent/project_scene.html"
    read_role = write_role = Role.EDITOR

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project = project_get(company=self.company, pk=self.kwargs["pk"])
        context.update(
            project=project,
            scene=effective_scene(project.scene_defaults),
            scene_action=reverse("project-scene-page", args=[self.company.slug, project.pk]),
        )
        return context

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        project = project_get(company=self.company, pk=self.kwargs["pk"])
        target = reverse("project-scene-page", args=[self.company.slug, project.pk])
        checked = SceneSerializer(data=_form_settings(request.POST))
        if not checked.is_valid():
            _refuse(request, dict(checked.errors))
            return redirect(target)
        try:
            scene_services.defaults_scene_update(
                owner=project,
                actor=request.user,
                changes=_own_settings(dict(checked.validated_data), Scene()),
            )
        except ValidationError as error:
            _refuse(request, {"scene": error.messages})
        else:
            messages.success(
                request,
                _("The scene defaults are saved: content of this project plays them unless it sets its own."),
            )
        return redirect(target)
