from __future__ import annotations

from fractions import Fraction

import pytest

from videos.media.encoding import peak_bitrate, x264_options
from videos.media.probe import VideoInfo
from videos.media.sizes import display_size, even_floor, fit_size, rendition_frame_rate
from videos.media.transcode import rendition_plan


def info(width: int, height: int) -> VideoInfo:
    return VideoInfo(
        duration_seconds=5,
        width=width,
        height=height,
        fps=30.0,
        codec="h264",
        has_audio=True,
        rotation=0,
        bitrate=1,
        size_bytes=1,
    )


@pytest.mark.parametrize(
    ("value", "expected"), [(720, 720), (721, 720), (426.67, 426), (1279.9999999, 1280), (1, 2), (0.4, 2)]
)
def test_even_floor_rounds_down_to_even(value: float, expected: int) -> None:
    assert even_floor(value) == expected


def test_display_size_applies_rotation_and_pixel_shape() -> None:
    assert display_size(1920, 1080, 90, None) == (1080, 1920)
    assert display_size(1920, 1080, 270, Fraction(1)) == (1080, 1920)
    assert display_size(1920, 1080, 180, Fraction(0)) == (1920, 1080)
    # Anamorphic PAL DV: 720×576 stored, shown 16:9.
    assert display_size(720, 576, 0, Fraction(64, 45)) == (1024, 576)


@pytest.mark.parametrize(
    ("source", "max_height", "expected"),
    [
        ((1920, 1080), 720, (1280, 720)),
        ((1920, 1080), 1080, (1920, 1080)),
        ((3840, 2160), 1080, (1920, 1080)),
        ((1280, 720), 1080, (1280, 720)),  # never enlarged
        ((1080, 1920), 1080, (606, 1080)),  # portrait: the height is the bound
        ((641, 361), 1080, (640, 360)),  # odd sides become even, downwards
        ((640, 360), 240, (426, 240)),
    ],
)
def test_fit_size(source: tuple[int, int], max_height: int, expected: tuple[int, int]) -> None:
    assert fit_size(*source, max_height) == expected


def test_fit_size_keeps_a_panorama_within_level_4_1() -> None:
    width, height = fit_size(7680, 1080, 1080)

    assert width <= 4096
    assert -(-width // 16) * -(-height // 16) <= 8192
    assert abs(width / height - 7680 / 1080) < 0.02


@pytest.mark.parametrize(
    ("rate", "size", "expected"),
    [
        (Fraction(25), (1920, 1080), Fraction(25)),
        (Fraction(30000, 1001), (1920, 1080), Fraction(30000, 1001)),
        (Fraction(60000, 1001), (1920, 1080), Fraction(30000, 1001)),  # level 4.1: 1080p tops at 30
        (Fraction(50), (1920, 1080), Fraction(25)),
        (Fraction(60), (1280, 720), Fraction(60)),
        (Fraction(120), (1280, 720), Fraction(60)),
        (Fraction(240), (1280, 720), Fraction(60)),
        (Fraction(90), (640, 360), Fraction(45)),
    ],
)
def test_rendition_frame_rate_drops_whole_frames(
    rate: Fraction, size: tuple[int, int], expected: Fraction
) -> None:
    assert rendition_frame_rate(rate, *size) == expected


@pytest.mark.parametrize(
    ("size", "plan"),
    [
        ((3840, 2160), [1080, 720]),
        ((1920, 1080), [1080, 720]),
        ((1080, 1920), [1080, 720]),
        ((1440, 810), [810, 720]),
        ((1280, 720), [720]),
        ((640, 361), [360]),
        ((320, 240), [240]),
    ],
)
def test_rendition_plan(size: tuple[int, int], plan: list[int]) -> None:
    assert rendition_plan(info(*size)) == plan


def test_peak_bitrate_grows_with_the_picture() -> None:
    assert peak_bitrate(1920, 1080) == 5_000_000
    assert peak_bitrate(1280, 720) == 3_000_000
    assert peak_bitrate(640, 360) == 1_500_000
    assert x264_options(1280, 720) == {
        "preset": "veryfast",
        "crf": "23",
        "profile": "high",
        "level": "4.1",
        "maxrate": "3000000",
        "bufsize": "6000000",
    }
