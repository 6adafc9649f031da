"""The marker made from an accepted photo: the image the AR trackers learn. (Thumbnails,
shared with video posters, are made by arvlite.core.thumbnails.)"""

from __future__ import annotations

import io

from PIL import Image

from arvlite.core.thumbnails import REDUCING_GAP

MARKER_MAX_SIDE = 1024
MARKER_JPEG_QUALITY = 90


def marker_size(size: tuple[int, int]) -> tuple[int, int]:
    """The marker's size: longest side exactly MARKER_MAX_SIDE, proportions kept; a smaller
    photo keeps its size, because upscaling adds no detail for the tracker."""
    width, height = size
    longest = max(width, height)
    if longest <= MARKER_MAX_SIDE:
        return width, height
    scale = MARKER_MAX_SIDE / longest
    if width >= height:
        return MARKER_MAX_SIDE, max(1, round(height * scale))
    return max(1, round(width * scale)), MARKER_MAX_SIDE


def make_marker(image: Image.Image) -> bytes:
    """The marker as a baseline JPEG (quality 90) with its longest side at most 1024 px."""
    rgb = image.convert("RGB")
    size = marker_size(rgb.size)
    if size != rgb.size:
        rgb = rgb.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    buffer = io.BytesIO()
    # Baseline, not progressive: some native AR SDKs and older decoders on print stations
    # handle only baseline JPEG. No EXIF is written, so the orientation already applied
    # cannot be applied twice.
    rgb.save(buffer, format="JPEG", quality=MARKER_JPEG_QUALITY, progressive=False, optimize=True)
    return buffer.getvalue()
