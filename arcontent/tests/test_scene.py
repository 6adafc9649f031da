"""Scene settings: layering of defaults and the validation of each setting's range."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from arcontent.scene import Scene, SceneSerializer, effective_scene


def _errors(data: Any) -> dict[str, Any]:
    serializer = SceneSerializer(data=data)
    assert not serializer.is_valid()
    return dict(serializer.errors)


def test_without_settings_the_video_covers_the_print_and_loops_with_sound() -> None:
    scene = effective_scene({}, None)
    assert scene == Scene()
    assert (scene.fit, scene.scale, scene.loop, scene.sound_on, scene.before_ready) == (
        "cover",
        1.0,
        True,
        True,
        "poster",
    )


def test_the_content_overrides_its_project_which_overrides_the_built_in_defaults() -> None:
    project = {"fit": "contain", "scale": 0.8, "loop": False}
    content = {"scale": 0.9, "corner_radius": 0.1}
    scene = effective_scene(project, content)
    assert (scene.fit, scene.scale, scene.loop, scene.corner_radius) == ("contain", 0.9, False, 0.1)


def test_a_setting_this_release_does_not_know_is_ignored_when_layering() -> None:
    assert effective_scene({"fit": "stretch", "sparkles": True}).fit == "stretch"


def test_a_partial_set_of_valid_settings_is_accepted_and_normalised() -> None:
    serializer = SceneSerializer(
        data={"fit": "contain", "offset_x": -0.5, "offset_y": 0.25, "chroma_key_color": "#00FF7F"}
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {
        "fit": "contain",
        "offset_x": -0.5,
        "offset_y": 0.25,
        "chroma_key_color": "#00ff7f",
    }


@pytest.mark.parametrize("scale", [0, 1000, -1])
def test_a_scale_outside_a_tenth_to_three_times_the_print_is_refused(scale: float) -> None:
    assert "between 0.1 and 3" in str(_errors({"scale": scale})["scale"][0])


@pytest.mark.parametrize(("name", "value"), [("offset_x", 0.51), ("offset_y", -2), ("offset_x", 10)])
def test_an_offset_that_puts_the_video_off_the_print_is_refused(name: str, value: float) -> None:
    assert "centre stays on the print" in str(_errors({name: value})[name][0])


@pytest.mark.parametrize("colour", ["green", "#0f0", "00ff00", "#00ff0g", "#00ff00aa", ""])
def test_a_chroma_key_colour_that_is_not_a_hex_colour_is_refused(colour: str) -> None:
    assert "chroma_key_color" in _errors({"chroma_key_color": colour})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("fit", "zoom"),
        ("corner_radius", 0.6),
        ("chroma_key_tolerance", 1.5),
        ("fade_in_ms", 60_000),
        ("before_ready", "spinner"),
        ("loop", "sometimes"),
    ],
)
def test_each_other_setting_out_of_its_range_gets_a_field_error(name: str, value: Any) -> None:
    assert set(_errors({name: value})) == {name}


def test_an_unknown_setting_is_refused_by_name_rather_than_dropped() -> None:
    assert set(_errors({"fit": "cover", "sparkles": True})) == {"sparkles"}


def test_the_messages_are_given_in_russian_too() -> None:
    with translation.override("ru"):
        assert "Масштаб должен быть от 0,1 до 3" in str(_errors({"scale": 0})["scale"][0])
