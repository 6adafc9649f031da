"""Photos for AR content tests, made in memory."""

from __future__ import annotations

import io

from PIL import Image

from arcontent.imaging.tests.images import encode, flat_grey, textured_photo


def textured_jpeg(seed: int = 1, size: tuple[int, int] = (1200, 900)) -> bytes:
    return encode(textured_photo(*size, seed=seed), "JPEG", quality=92)


def flat_jpeg() -> bytes:
    return encode(flat_grey(800, 600), "JPEG", quality=92)


def rotated_jpeg(data: bytes, degrees: int) -> bytes:
    image = Image.open(io.BytesIO(data)).rotate(degrees, expand=True)
    return encode(image, "JPEG", quality=85)
