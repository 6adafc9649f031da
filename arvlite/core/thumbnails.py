"""WebP thumbnails of any picture (content photos, video posters): a pure helper with no
models or settings, shared by the apps that show previews."""

from __future__ import annotations

import io

from PIL import Image

THUMBNAIL_SIZES = ((150, 112), (320, 240), (640, 480))
THUMBNAIL_WEBP_QUALITY = 85

# Pillow first shrinks by an integer factor with a box filter, then finishes with Lanczos.
# At a gap of 3 the result is indistinguishable from a full Lanczos pass and a 12-megapixel
# photo resizes several times faster.
REDUCING_GAP = 3.0


def make_thumbnails(image: Image.Image) -> dict[str, bytes]:
    """WebP thumbnails keyed "150x112", "320x240", "640x480", each filling its exact size:
    scaled to cover it, then cropped around the centre."""
    rgb = image.convert("RGB")
    # Shrink once to just above the largest thumbnail so the three resizes below start from
    # ~0.5 megapixels instead of the full photo.
    largest = max(width for width, _ in THUMBNAIL_SIZES), max(height for _, height in THUMBNAIL_SIZES)
    rgb = _shrink_to_cover(rgb, (largest[0] * 2, largest[1] * 2))
    thumbnails = {}
    for width, height in THUMBNAIL_SIZES:
        thumbnail = rgb.resize(
            (width, height),
            Image.Resampling.LANCZOS,
            box=cover_box(rgb.size, (width, height)),
            reducing_gap=REDUCING_GAP,
        )
        buffer = io.BytesIO()
        thumbnail.save(buffer, format="WEBP", quality=THUMBNAIL_WEBP_QUALITY, method=4)
        thumbnails[f"{width}x{height}"] = buffer.getvalue()
    return thumbnails


def cover_box(source: tuple[int, int], target: tuple[int, int]) -> tuple[float, float, float, float]:
    """The centred region of `source` with the target's aspect ratio: the part that remains
    when the source is scaled to cover the target and the overflow is cut equally from both
    sides."""
    source_width, source_height = source
    target_width, target_height = target
    if source_width * target_height > target_width * source_height:
        # Wider than the target: keep the full height, cut the sides.
        width = source_height * target_width / target_height
        left = (source_width - width) / 2
        return left, 0.0, left + width, float(source_height)
    height = source_width * target_height / target_width
    top = (source_height - height) / 2
    return 0.0, top, float(source_width), top + height


def _shrink_to_cover(image: Image.Image, minimum: tuple[int, int]) -> Image.Image:
    """Downscale keeping proportions while both sides stay at least `minimum`."""
    scale = max(minimum[0] / image.width, minimum[1] / image.height)
    if scale >= 1:
        return image
    size = (max(minimum[0], round(image.width * scale)), max(minimum[1], round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
