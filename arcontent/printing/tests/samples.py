"""Inputs made on the fly for the printing tests."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw

URL = "https://arvlite.example.com/view/123e4567-e89b-12d3-a456-426614174000"


def photo_jpeg(width_px: int, height_px: int) -> bytes:
    image = Image.new("RGB", (width_px, height_px), (40, 90, 160))
    ImageDraw.Draw(image).ellipse(
        (width_px // 4, height_px // 4, width_px * 3 // 4, height_px * 3 // 4), fill="gold"
    )
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def logo_bytes(image_format: str, size: tuple[int, int] = (120, 40)) -> bytes:
    image = Image.new("RGB", size, (220, 30, 60))
    buffer = BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()
