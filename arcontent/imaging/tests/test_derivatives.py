from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from arcontent.imaging.derivatives import MARKER_MAX_SIDE, make_marker, marker_size
from arcontent.imaging.tests.images import rgb, textured_photo
from arvlite.core.thumbnails import THUMBNAIL_SIZES, cover_box, make_thumbnails


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((4000, 3000), (1024, 768)),
        ((3000, 4000), (768, 1024)),
        ((2048, 2048), (1024, 1024)),
        ((1025, 100), (1024, 100)),
        ((20000, 10), (1024, 1)),
    ],
)
def test_it_shrinks_the_marker_to_1024_on_the_longest_side(
    size: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert marker_size(size) == expected


@pytest.mark.parametrize("size", [(1024, 768), (800, 600), (300, 900), (1, 1)])
def test_it_never_enlarges_a_smaller_photo(size: tuple[int, int]) -> None:
    assert marker_size(size) == size


def test_it_writes_the_marker_as_a_baseline_jpeg() -> None:
    marker = opened(make_marker(textured_photo(2000, 1500, seed=4)))

    assert marker.format == "JPEG"
    assert marker.size == (MARKER_MAX_SIDE, 768)
    assert marker.mode == "RGB"
    assert not marker.info.get("progressive")
    assert not marker.info.get("progression")
    assert "exif" not in marker.info


def test_it_keeps_a_small_photo_at_its_own_size_in_the_marker() -> None:
    assert opened(make_marker(textured_photo(640, 480, seed=4))).size == (640, 480)


def test_it_keeps_the_picture_recognisable_in_the_marker() -> None:
    photo = textured_photo(2048, 1536, seed=4)

    marker = opened(make_marker(photo))

    # Trackers read lightness only; compare that (JPEG halves the colour resolution anyway).
    expected = np.asarray(photo.resize(marker.size, Image.Resampling.LANCZOS).convert("L"), dtype=float)
    error = np.asarray(marker.convert("L"), dtype=float) - expected
    assert 10 * np.log10(255**2 / (error**2).mean()) > 38  # dB


def test_it_accepts_images_with_transparency_or_grey() -> None:
    assert opened(make_marker(Image.new("RGBA", (1500, 100), (0, 0, 0, 0)))).size == (1024, 68)
    assert opened(make_marker(Image.new("L", (50, 50), 80))).mode == "RGB"


def test_it_makes_three_webp_thumbnails_of_exact_sizes() -> None:
    thumbnails = make_thumbnails(textured_photo(1600, 1200, seed=6))

    assert list(thumbnails) == ["150x112", "320x240", "640x480"]
    for (width, height), data in zip(THUMBNAIL_SIZES, thumbnails.values(), strict=True):
        image = opened(data)
        assert image.format == "WEBP"
        assert image.size == (width, height)


@pytest.mark.parametrize("size", [(3000, 600), (600, 3000), (60, 40), (4000, 3000)])
def test_it_fills_each_thumbnail_whatever_the_photos_shape(size: tuple[int, int]) -> None:
    thumbnails = make_thumbnails(Image.new("RGB", size, (10, 120, 200)))

    assert [opened(data).size for data in thumbnails.values()] == list(THUMBNAIL_SIZES)


def test_it_crops_thumbnails_around_the_centre() -> None:
    # A wide photo: green in the middle (the part a 4:3 crop keeps), red at both ends.
    photo = Image.new("RGB", (3000, 600), (220, 0, 0))
    photo.paste((0, 200, 0), (1100, 0, 1900, 600))

    thumbnail = opened(make_thumbnails(photo)["320x240"]).convert("RGB")

    for x, y in ((3, 3), (316, 3), (160, 120), (3, 236), (316, 236)):
        red, green, _ = rgb(thumbnail, (x, y))
        assert green > 150
        assert red < 60


def test_it_gives_the_centred_region_with_the_targets_proportions() -> None:
    assert cover_box((4000, 3000), (320, 240)) == (0.0, 0.0, 4000.0, 3000.0)
    assert cover_box((4000, 2000), (200, 200)) == (1000.0, 0.0, 3000.0, 2000.0)
    assert cover_box((1000, 2000), (200, 100)) == (0.0, 750.0, 1000.0, 1250.0)
