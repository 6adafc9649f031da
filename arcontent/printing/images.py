"""Checks and prepares the raster images that go into print files: a company logo (optional,
dropped when it is not a real image) and the photo (required, refused when unreadable)."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageOps

from arcontent.printing.fetcher import data_uri

LOGO_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
# A logo is printed a few millimetres tall; 600 px on its long side is already > 1000 dpi
# there, and keeps a label PDF small however large the uploaded file was.
LOGO_MAX_PX = 600
PHOTO_FORMATS = frozenset({"JPEG", "MPO"})  # MPO: the multi-picture JPEG some cameras write


class TruncatedImageError(OSError):
    """The image's data ends before its decoder is done."""


class _StrictStream(BytesIO):
    """Image bytes whose reader raises once a decoder asks for data past the end.

    Importing WeasyPrint sets Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES`` to
    True, after which Pillow pads a truncated file with grey instead of failing. Reading
    through this stream keeps the check strict without touching that global (which other
    threads may be relying on)."""

    decoding = False

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        if self.decoding and size != 0 and not chunk:
            raise TruncatedImageError("The image file is truncated")
        return chunk


def logo_data_uri(logo: bytes | None) -> str | None:
    """``logo`` as a PNG data URI, scaled down to at most :data:`LOGO_MAX_PX` and turned
    upright; ``None`` when there is no logo or it is not a complete PNG, JPEG or WebP image
    (a bad logo must not stop a label from printing)."""
    if not logo:
        return None
    stream = _StrictStream(logo)
    try:
        with Image.open(stream) as opened:
            if opened.format not in LOGO_FORMATS:
                return None
            stream.decoding = True
            opened.load()
            image = ImageOps.exif_transpose(opened).convert("RGBA")
    # Pillow signals a broken file with several exception types (OSError, SyntaxError,
    # ValueError, struct.error, DecompressionBombError...); any of them means "no logo".
    except Exception:
        return None
    image.thumbnail((LOGO_MAX_PX, LOGO_MAX_PX))
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return data_uri(buffer.getvalue(), "image/png")


def photo_data_uri(photo_jpeg: bytes) -> str:
    """The photo's own JPEG bytes as a data URI (WeasyPrint embeds a JPEG without
    re-encoding it, so the print keeps every pixel). Raises ``ValueError`` unless the bytes
    are a complete, decodable JPEG: WeasyPrint would otherwise print a sheet with a grey-
    padded photo, or drop it with a mere warning."""
    stream = _StrictStream(photo_jpeg)
    try:
        image = Image.open(stream)
    except Exception as error:
        raise ValueError("The photo is not a readable image") from error
    with image:
        if image.format not in PHOTO_FORMATS:
            raise ValueError(f"The photo must be a JPEG image, not {image.format}")
        try:
            # Decoding at 1/8 scale still reads every entropy-coded byte, so a truncated
            # file fails here, at a fraction of the cost of a full decode.
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            stream.decoding = True
            image.load()
        except Exception as error:
            raise ValueError("The photo is a damaged or truncated JPEG file") from error
    return data_uri(photo_jpeg, "image/jpeg")
