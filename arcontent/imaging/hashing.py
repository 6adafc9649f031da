"""Perceptual hashes of a marker for the similar-marker prefilter.

A hash is the 64-bit pHash (imagehash.phash) of the central 80 % of the picture, as a
Python int. The border is left out because it is what changes most when a photo is turned
slightly: corners are cut off, or a frame of background appears around it.

A stored marker needs only its upright hash (storing its four turns too does no harm: the
prefilter takes the nearest of them all). A new photo being checked carries many: its four
right-angle turns, and, for small tilts of ±3° to ±12° in 3° steps, the picture turned back
under both readings of how the tilt was made (turned within its frame, corners cut; or
turned onto a larger canvas, which is cropped away again). After turning back by the
nearest step the leftover tilt is at most 1.5°, which moves a centre pHash by only a few
bits. The price: 68 hashes per query instead of 4, about 20 ms to compute and a slightly
lower nearest distance for unrelated photos (about 14 instead of 20 bits against random
hashes), which the prefilter threshold allows for.
"""

from __future__ import annotations

import math

import imagehash
import numpy as np
from PIL import Image

from arcontent.imaging.features import working_gray

HASH_SIDE = 256  # pHash looks at 32 x 32 px; 256 px keeps the turning-back cheap and exact
HASH_CENTRE = 0.8
TILT_STEP_DEGREES = 3
TILT_MAX_DEGREES = 12

_RIGHT_ANGLES = (
    None,
    Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_180,
    Image.Transpose.ROTATE_270,
)


def hash_views(image: Image.Image) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(the four right-angle hashes, upright first; the tilt hashes as described above)."""
    small = Image.fromarray(working_gray(image, HASH_SIDE), mode="L")
    tilted: list[int] = []
    for step in range(TILT_STEP_DEGREES, TILT_MAX_DEGREES + 1, TILT_STEP_DEGREES):
        for angle in (step, -step):
            tilted += _right_angle_hashes(small.rotate(-angle, resample=Image.Resampling.BILINEAR))
            tilted += _right_angle_hashes(_turn_back_from_canvas(small, angle))
    return _right_angle_hashes(small), tuple(tilted)


def centre_phash(image: Image.Image) -> int:
    """The 64-bit pHash of the central HASH_CENTRE of the image, bits read row by row."""
    width, height = image.size
    margin = (1 - HASH_CENTRE) / 2
    box = (
        round(width * margin),
        round(height * margin),
        round(width * (1 - margin)),
        round(height * (1 - margin)),
    )
    bits = imagehash.phash(image.crop(box)).hash.flatten()
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def _right_angle_hashes(image: Image.Image) -> tuple[int, ...]:
    return tuple(centre_phash(image if turn is None else image.transpose(turn)) for turn in _RIGHT_ANGLES)


def _turn_back_from_canvas(image: Image.Image, angle: float) -> Image.Image:
    """Undo "turned by `angle` onto a canvas grown to fit": turn back, keep the original
    rectangle. Returns the image turned back in place when no rectangle fits the canvas."""
    width, height = image.size
    cosine, sine = math.cos(math.radians(abs(angle))), math.sin(math.radians(abs(angle)))
    # A w x h picture turned by a fills (w·cos + h·sin) x (w·sin + h·cos); solve for w, h.
    divisor = cosine * cosine - sine * sine
    original_width = (width * cosine - height * sine) / divisor
    original_height = (height * cosine - width * sine) / divisor
    turned = image.rotate(-angle, resample=Image.Resampling.BILINEAR)
    if min(original_width, original_height) < 8:
        return turned
    left, top = (width - original_width) / 2, (height - original_height) / 2
    return turned.crop((round(left), round(top), round(left + original_width), round(top + original_height)))
