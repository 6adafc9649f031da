from __future__ import annotations

import base64
from io import BytesIO

import pytest
from PIL import Image, ImageFile

from arcontent.printing.images import LOGO_MAX_PX, logo_data_uri, photo_data_uri
from arcontent.printing.tests.samples import logo_bytes, photo_jpeg

PNG_PREFIX = "data:image/png;base64,"


def _decoded(uri: str) -> Image.Image:
    assert uri.startswith(PNG_PREFIX)
    return Image.open(BytesIO(base64.b64decode(uri.removeprefix(PNG_PREFIX))))


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP"])
def test_a_real_logo_becomes_an_embedded_png(image_format: str) -> None:
    uri = logo_data_uri(logo_bytes(image_format))

    assert uri is not None
    assert _decoded(uri).size == (120, 40)


@pytest.mark.parametrize(
    "logo",
    [
        None,
        b"",
        b"not an image at all",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG signature and nothing behind it
        logo_bytes("PNG")[:80],  # cut short
        logo_bytes("JPEG")[:-40],  # cut short
        logo_bytes("GIF"),  # a real image, but not a format we accept
        b"<svg xmlns='http://www.w3.org/2000/svg'><image href='https://example.com/x.png'/></svg>",
    ],
)
def test_an_invalid_logo_is_dropped(logo: bytes | None) -> None:
    assert logo_data_uri(logo) is None


def test_a_huge_logo_is_scaled_down_keeping_its_shape() -> None:
    uri = logo_data_uri(logo_bytes("PNG", size=(3000, 1000)))

    assert uri is not None
    assert _decoded(uri).size == (LOGO_MAX_PX, LOGO_MAX_PX // 3)


def test_the_photo_is_embedded_byte_for_byte() -> None:
    jpeg = photo_jpeg(300, 200)

    assert photo_data_uri(jpeg) == "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()


def test_a_photo_that_is_not_a_jpeg_is_refused() -> None:
    with pytest.raises(ValueError, match="must be a JPEG image, not PNG"):
        photo_data_uri(logo_bytes("PNG"))


def test_unreadable_photo_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match="not a readable image"):
        photo_data_uri(b"definitely not a photo")


def test_a_truncated_jpeg_is_refused_even_when_pillow_accepts_truncated_images(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jpeg = photo_jpeg(800, 600)
    # What importing WeasyPrint does process-wide (arcontent.printing switches it back).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ValueError, match="damaged or truncated"):
        photo_data_uri(jpeg[: len(jpeg) // 2])


def test_a_photo_with_bytes_after_its_end_marker_is_accepted() -> None:
    jpeg = photo_jpeg(300, 200) + b"camera maker trailer"

    assert photo_data_uri(jpeg).startswith("data:image/jpeg;base64,")


def test_importing_the_printing_package_keeps_pillow_strict() -> None:
    import arcontent.printing  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
