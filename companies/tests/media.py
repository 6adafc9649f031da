"""Small real media files made in memory for tests."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from companies.files import stored_file_create
from companies.models import Company, StoredFile


def png_bytes(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 220)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def stored_png(company: Company, name: str = "photo.png", **kwargs: Any) -> StoredFile:
    return stored_file_create(
        company=company, kind="photo", content=io.BytesIO(png_bytes()), original_name=name, **kwargs
    )
