"""Scene settings: how the video sits on the print (issue 15, PRODUCT.md "Scene settings").

A project (and the template it came from) holds scene defaults and a content holds its own
overrides, both as partial dicts of the fields below. ``effective_scene`` layers the two on
the built-in defaults; ``SceneSerializer`` validates either dict, with one message per field
in the API's error format. Geometry is relative to the print, so it holds at any print size:
scale 1 is the print's size, offsets are fractions of the print's width and height (from its
centre), the corner radius a fraction of the video's shorter side.

Changes go through ``arcontent.scene_services``; the viewer gets the effective scene as the
manifest's additive ``scene`` object (arcontent/viewer/snapshot.py, docs/VIEWER.md) and
``static/viewer/scene.js`` draws it, on the /view page and in the portal's preview alike.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FITS = ("cover", "contain", "stretch")
BEFORE_READY = ("poster", "nothing")
MIN_SCALE, MAX_SCALE = 0.1, 3.0
MAX_OFFSET = 0.5  # from the print's centre: the video's centre stays on the print
MAX_CORNER_RADIUS = 0.5  # half the shorter side: a circle or a pill, nothing rounder exists
MAX_FADE_IN_MS = 5000
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Scene:
    fit: str = "cover"
    scale: float = 1.0
    offset_x: float = 0.0
    offset_y: float = 0.0
    corner_radius: float = 0.0
    chroma_key_enabled: bool = False
    chroma_key_color: str = "#00ff00"
    chroma_key_tolerance: float = 0.3
    loop: bool = True
    sound_on: bool = True
    fade_in_ms: int = 0
    before_ready: str = "poster"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FIELD_NAMES = frozenset(field.name for field in fields(Scene))


def effective_scene(*layers: dict[str, Any] | None) -> Scene:
    """The built-in defaults with each layer's known fields on top, later layers winning
    (``effective_scene(project.scene_defaults, content.scene)``). Unknown keys, left by an
    older or newer release, are ignored rather than breaking a scan."""
    scene = Scene()
    for layer in layers:
        if layer:
            scene = replace(scene, **{key: value for key, value in layer.items() if key in FIELD_NAMES})
    return scene


class SceneSerializer(serializers.Serializer[dict[str, Any]]):
    """A partial set of scene settings; every field optional, each range checked."""

    fit = serializers.ChoiceField(choices=FITS, required=False)
    scale = serializers.FloatField(
        min_value=MIN_SCALE,
        max_value=MAX_SCALE,
        required=False,
        error_messages={
            "min_value": _("The scale must be between 0.1 and 3 (1 is the size of the print)."),
            "max_value": _("The scale must be between 0.1 and 3 (1 is the size of the print)."),
        },
    )
    offset_x = serializers.FloatField(required=False)
    offset_y = serializers.FloatField(required=False)
    corner_radius = serializers.FloatField(
        min_value=0,
        max_value=MAX_CORNER_RADIUS,
        required=False,
        error_messages={
            "min_value": _("The corner radius must be between 0 and 0.5 (half the shorter side)."),
            "max_value": _("The corner radius must be between 0 and 0.5 (half the shorter side)."),
        },
    )
    chroma_key_enabled = serializers.BooleanField(required=False)
    chroma_key_color = serializers.CharField(required=False)
    chroma_key_tolerance = serializers.FloatField(
        min_value=0,
        max_value=1,
        required=False,
        error_messages={
            "min_value": _("The tolerance must be between 0 and 1."),
            "max_value": _("The tolerance must be between 0 and 1."),
        },
    )
    loop = serializers.BooleanField(required=False)
    sound_on = serializers.BooleanField(required=False)
    fade_in_ms = serializers.IntegerField(
        min_value=0,
        max_value=MAX_FADE_IN_MS,
        required=False,
        error_messages={
            "min_value": _("The fade-in must be between 0 and 5000 ms."),
            "max_value": _("The fade-in must be between 0 and 5000 ms."),
        },
    )
    before_ready = serializers.ChoiceField(choices=BEFORE_READY, required=False)

    def validate_chroma_key_color(self, value: str) -> str:
        if not HEX_COLOUR.match(value):
            raise serializers.ValidationError(_("Give the colour as #rrggbb, for example #00ff00."))
        return value.lower()

    def validate_offset_x(self, value: float) -> float:
        return _offset_on_print(value)

    def validate_offset_y(self, value: float) -> float:
        return _offset_on_print(value)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """The checked settings; a setting given as null stays None in the result, which
        ``scene_services.merged_settings`` reads as "back to the layer below"."""
        resets: dict[str, None] = {}
        if isinstance(data, dict):
            unknown = sorted(set(data) - FIELD_NAMES)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown scene setting.")] for name in unknown}, code="unknown"
                )
            resets = {name: None for name, value in data.items() if value is None}
            data = {name: value for name, value in data.items() if value is not None}
        return {**dict(super().to_internal_value(data)), **resets}


def _offset_on_print(value: float) -> float:
    # An offset of ±0.5 puts the video's centre on the print's edge; beyond it the video's
    # centre is off the print, which no frame design needs and every typo produces.
    if not -MAX_OFFSET <= value <= MAX_OFFSET:
        raise serializers.ValidationError(
            _("The offset must be between -0.5 and 0.5 (the video's centre stays on the print).")
        )
    return value
