"""Picture sizes and frame rates for the renditions, within what phones are sure to play.

H.264 level 4.1 is the ceiling every iOS device and Android phone of the last decade decodes
in hardware. It limits a frame to 8192 macroblocks (16×16 px; 1920×1080 is 8160) and the
decoding rate to 245,760 macroblocks per second (1080p at 30 fps, 720p at 60 fps).
"""

from __future__ import annotations

import math
from fractions import Fraction

MAX_FPS = 60
LEVEL_41_MAX_FRAME_MACROBLOCKS = 8192
LEVEL_41_MAX_MACROBLOCKS_PER_SECOND = 245_760
# A frame side above 256 macroblocks breaks level 4.1 however small the other side is.
_MAX_SIDE_MACROBLOCKS = 256


def even_floor(value: float) -> int:
    """The largest even number not above `value` (at least 2): H.264 4:2:0 needs even sides,
    and rounding down never enlarges the picture."""
    # round() first so that 1279.9999999 from a float division still counts as 1280.
    return max(2, math.floor(round(value, 6)) // 2 * 2)


def display_size(width: int, height: int, rotation: int, sample_aspect: Fraction | None) -> tuple[int, int]:
    """The size a player shows: non-square pixels widened to square ones, then the rotation
    (clockwise degrees) applied, so a portrait phone clip stored 1920×1080 at 90° is 1080×1920."""
    if sample_aspect and sample_aspect > 0 and sample_aspect != 1:
        width = max(1, round(width * sample_aspect))
    if rotation in (90, 270):
        return height, width
    return width, height


def fit_size(width: int, height: int, max_height: int) -> tuple[int, int]:
    """The rendition size for a displayed `width`×`height`: height at most `max_height`,
    proportions kept, both sides even, never larger than the source, and shrunk further if
    needed to stay within level 4.1 (only extreme panoramas are)."""
    scale = min(1.0, max_height / height)
    while True:
        size = even_floor(width * scale), even_floor(height * scale)
        if _fits_level(*size):
            return size
        scale *= 0.98


def rendition_frame_rate(rate: Fraction, width: int, height: int) -> Fraction:
    """The source rate divided by the smallest whole number that brings it to at most 60 fps
    and within the level's decoding rate (so 1080p60 becomes 1080p30, 120 fps becomes 60).
    Dropping every n-th frame keeps motion even, unlike converting 50 fps to exactly 30."""
    limit = min(Fraction(MAX_FPS), Fraction(LEVEL_41_MAX_MACROBLOCKS_PER_SECOND, _macroblocks(width, height)))
    divisor = max(1, math.ceil(rate / limit))
    return rate / divisor


def _macroblocks(width: int, height: int) -> int:
    return math.ceil(width / 16) * math.ceil(height / 16)


def _fits_level(width: int, height: int) -> bool:
    return (
        _macroblocks(width, height) <= LEVEL_41_MAX_FRAME_MACROBLOCKS
        and max(math.ceil(width / 16), math.ceil(height / 16)) <= _MAX_SIDE_MACROBLOCKS
    )
