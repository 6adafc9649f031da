"""Turn uploaded bytes into a trusted RGB photo, or refuse them with a reason a studio user
understands.

Only JPEG, PNG and WebP are accepted, and only when Pillow actually decodes them: the file
name and the declared content type are never consulted. Size limits are checked from the
header before any pixel is decoded, so a small file that claims enormous dimensions costs
nothing.
"""

from __future__ import annotations

import contextlib
import io
import math
import struct
import warnings
import zlib

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

DEFAULT_MAX_BYTES = 40 * 1024**2
DEFAULT_MAX_PIXELS = 60_000_000

# Only these decoders are ever tried, which also keeps Pillow's rarer parsers away from
# untrusted bytes. A phone's MPO (a JPEG with extra frames) opens through the JPEG decoder
# and is accepted; its first frame is the photo.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")

# Everything Pillow may raise while decoding damaged data. Deliberately not Exception, so a
# MemoryError or a bug in our code is not reported to the user as "damaged file".
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)

_WHITE = (255, 255, 255, 255)


class PhotoRejectedError(Exception):
    """An upload that is not a photo we can use; `message` is for the user, `code` for code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"PhotoRejectedError(code={self.code!r}, message={self.message!r})"


def load_photo(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS
) -> Image.Image:
    """Decode a JPEG, PNG or WebP upload into an upright RGB image, or raise
    PhotoRejectedError (codes: empty, too_large, not_an_image, unsupported_format,
    truncated, too_many_pixels, decompression_bomb)."""
    if not data:
        raise PhotoRejectedError("The file is empty. Please choose a photo and upload it again.", "empty")
    if len(data) > max_bytes:
        raise PhotoRejectedError(
            f"The file is {_megabytes(len(data))} MB; the limit is {_megabytes(max_bytes)} MB.", "too_large"
        )
    image = _open_lazily(data, max_pixels)
    width, height = image.size
    if width * height > max_pixels:
        raise PhotoRejectedError(
            f"The photo is {width} \u00d7 {height} pixels ({_megapixels(width * height)} megapixels); "
            f"the limit is {_megapixels(max_pixels)} megapixels. Please upload a smaller version.",
            "too_many_pixels",
        )
    try:
        image.load()
    except _DECODE_ERRORS as error:
        raise _damaged() from error
    icc_profile = image.info.get("icc_profile")
    return _to_rgb(_upright(image), icc_profile)


def check_overlay_png(data: bytes, *, max_bytes: int, max_pixels: int) -> tuple[int, int]:
    """Check an overlay frame: a PNG that decodes completely, within the limits, with
    transparency (a frame without any is a picture that hides the video). Returns its size
    or raises PhotoRejectedError (codes: empty, too_large, not_png, too_many_pixels,
    decompression_bomb, truncated, no_transparency)."""
    if not data:
        raise PhotoRejectedError("The file is empty.", "empty")
    if len(data) > max_bytes:
        raise PhotoRejectedError("The file is over the size limit.", "too_large")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise PhotoRejectedError("The file is not a PNG image.", "not_png")
    image = _open_lazily(data, max_pixels, formats=("PNG",))
    width, height = image.size
    if width * height > max_pixels:
        raise PhotoRejectedError("The image has too many pixels.", "too_many_pixels")
    try:
        image.load()
    except _DECODE_ERRORS as error:
        raise _damaged() from error
    transparent = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    alpha = image.convert("RGBA").getchannel("A")
    if not transparent or alpha.getextrema()[0] == 255:
        raise PhotoRejectedError("The PNG has no transparent pixels.", "no_transparency")
    return width, height


def _open_lazily(data: bytes, max_pixels: int, formats: tuple[str, ...] = ACCEPTED_FORMATS) -> Image.Image:
    """Read the header only (Image.open is lazy) with Pillow's bomb guard made fatal."""
    # catch_warnings swaps the process-wide filter list for the block (Python 3.11 has no
    # per-thread filters). Celery prefork workers run one task per process; in a threaded
    # web server two overlapping calls could at worst leave this one filter in place, which
    # only makes Pillow's bomb warning fatal elsewhere too. Pillow's own limit is not touched.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(formats))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            claimed = _megapixels(Image.MAX_IMAGE_PIXELS or 0)
            raise PhotoRejectedError(
                f"The file claims to be over {claimed} megapixels, too large to open safely. "
                f"The limit is {_megapixels(max_pixels)} megapixels; please upload a smaller version.",
                "decompression_bomb",
            ) from error
        except UnidentifiedImageError as error:
            raise _refusal_for_unknown(data) from error
        except _DECODE_ERRORS as error:
            # The header is there but broken: say "damaged" only for our own formats.
            raise _refusal_for_unknown(data) from error
    return image


def _refusal_for_unknown(data: bytes) -> PhotoRejectedError:
    """Pick the clearest refusal for bytes Pillow could not open as JPEG, PNG or WebP."""
    if _sniff_accepted(data):
        return _damaged()
    other = _sniff_other_image(data)
    if other:
        return _unsupported(other)
    return PhotoRejectedError(
        "This file is not an image. Please upload a photo as JPEG, PNG or WebP.", "not_an_image"
    )


def _sniff_accepted(data: bytes) -> bool:
    """True when the bytes start like one of our formats (so a failure means damage)."""
    return (
        data.startswith(b"\xff\xd8\xff")
        or data.startswith(b"\x89PNG\r\n\x1a\n")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


# Only used to name a format in the refusal message; acceptance is always decided by decoding.
_OTHER_SIGNATURES = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"8BPS", "Photoshop (PSD)"),
    (b"%PDF", "PDF"),
    (b"\x00\x00\x01\x00", "ICO"),
)
_HEIF_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"msf1": "HEIF", b"avif": "AVIF"}


def _sniff_other_image(data: bytes) -> str | None:
    for signature, name in _OTHER_SIGNATURES:
        if data.startswith(signature):
            return name
    if data[4:8] == b"ftyp":
        return _HEIF_BRANDS.get(data[8:12])
    return None


def _unsupported(name: str) -> PhotoRejectedError:
    return PhotoRejectedError(
        f"{name} files are not supported. Please save the photo as JPEG, PNG or WebP and upload it again.",
        "unsupported_format",
    )


def _damaged() -> PhotoRejectedError:
    return PhotoRejectedError(
        "The photo file is incomplete or damaged (perhaps the upload was interrupted). "
        "Please upload it again.",
        "truncated",
    )


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation so the pixels stand the way the camera showed them."""
    # In place: a copy of a 60-megapixel photo would cost another 180 MB for nothing.
    # A malformed EXIF block is common in edited photos; the pixels themselves are fine,
    # so they are kept as stored rather than the upload refused.
    with contextlib.suppress(*_DECODE_ERRORS):
        ImageOps.exif_transpose(image, in_place=True)
    return image


def _to_rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """8-bit sRGB with transparency flattened onto white (how an uncoated print shows it)."""
    if image.mode == "I" or image.mode.startswith("I;16"):
        # Pillow clips 16-bit grey to 255 when converting; scale it down instead.
        levels = np.clip(np.asarray(image, dtype=np.float64) / 257.0, 0, 255).round().astype(np.uint8)
        image = Image.fromarray(levels, mode="L")
    has_alpha = image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info
    if has_alpha:
        background = Image.new("RGBA", image.size, _WHITE)
        background.alpha_composite(image.convert("RGBA"))
        image = background.convert("RGB")
    if icc_profile and image.mode in {"RGB", "CMYK", "L"}:
        converted = _to_srgb(image, icc_profile)
        if converted is not None:
            return converted
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image | None:
    """Convert through the embedded colour profile (print shops send CMYK and Adobe RGB)."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A broken profile should not cost the user the photo; fall back to Pillow's plain
        # conversion, which is right for the usual sRGB case anyway.
        return None


def _megabytes(size: int) -> str:
    return _one_decimal_up(size / 1024**2)


def _megapixels(pixels: int) -> str:
    return _one_decimal_up(pixels / 1_000_000)


def _one_decimal_up(value: float) -> str:
    """60.000001 → "60.1", 60.0 → "60": rounding up, so an over-limit value never reads as
    equal to the limit."""
    rounded = math.ceil(value * 10 - 1e-9) / 10
    return f"{rounded:.1f}".removesuffix(".0")
