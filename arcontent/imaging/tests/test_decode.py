from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageOps

from arcontent.imaging import decode
from arcontent.imaging.decode import PhotoRejectedError, load_photo
from arcontent.imaging.tests.images import encode, png_claiming, rgb, textured_photo


def refusal(data: bytes, **limits: int) -> PhotoRejectedError:
    with pytest.raises(PhotoRejectedError) as caught:
        load_photo(data, **limits)
    return caught.value


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return textured_photo(320, 240, seed=3)


@pytest.mark.parametrize(("image_format", "options"), [("JPEG", {"quality": 90}), ("PNG", {}), ("WEBP", {})])
def test_it_loads_jpeg_png_and_webp_as_rgb(photo: Image.Image, image_format: str, options: dict) -> None:
    loaded = load_photo(encode(photo, image_format, **options))

    assert loaded.mode == "RGB"
    assert loaded.size == (320, 240)


def test_it_keeps_the_pixels_of_a_lossless_photo(photo: Image.Image) -> None:
    loaded = load_photo(encode(photo, "PNG"))

    assert np.array_equal(np.asarray(loaded), np.asarray(photo))


def test_it_accepts_a_phones_multi_picture_jpeg(photo: Image.Image) -> None:
    data = encode(photo, "MPO", save_all=True, append_images=[Image.new("RGB", (320, 240), "blue")])

    loaded = load_photo(data)

    assert loaded.size == (320, 240)
    assert loaded.mode == "RGB"


def test_it_refuses_empty_bytes() -> None:
    error = refusal(b"")

    assert error.code == "empty"
    assert error.message == "The file is empty. Please choose a photo and upload it again."


def test_it_refuses_random_bytes() -> None:
    assert refusal(np.random.default_rng(5).bytes(5000)).code == "not_an_image"


def test_it_refuses_a_text_file_named_like_a_jpeg() -> None:
    # The name "holiday.jpg" never reaches the decoder; only the bytes count.
    error = refusal(b"Dear customer,\nyour photo is attached.\n" * 20)

    assert error.code == "not_an_image"
    assert "not an image" in error.message
    assert "JPEG, PNG or WebP" in error.message


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_it_refuses_a_file_cut_in_half(photo: Image.Image, image_format: str) -> None:
    data = encode(photo, image_format)

    error = refusal(data[: len(data) // 2])

    assert error.code == "truncated"
    assert "incomplete or damaged" in error.message


def test_it_calls_a_jpeg_with_only_its_first_bytes_damaged_not_foreign(photo: Image.Image) -> None:
    assert refusal(encode(photo)[:12]).code == "truncated"


@pytest.mark.parametrize(("image_format", "name"), [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF")])
def test_it_refuses_other_image_formats_by_name(photo: Image.Image, image_format: str, name: str) -> None:
    error = refusal(encode(photo, image_format))

    assert error.code == "unsupported_format"
    assert error.message.startswith(f"{name} files are not supported.")


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"\x00\x00\x00\x18ftypheic" + bytes(64), "HEIC"), (b"%PDF-1.7\n" + bytes(64), "PDF")],
)
def test_it_names_iphone_and_pdf_files_it_cannot_take(data: bytes, name: str) -> None:
    error = refusal(data)

    assert error.code == "unsupported_format"
    assert name in error.message


def test_it_refuses_a_decompression_bomb_without_decoding_it() -> None:
    bomb = png_claiming(100_000, 100_000)
    started = time.perf_counter()

    error = refusal(bomb)

    assert error.code == "decompression_bomb"
    assert len(bomb) < 200
    assert time.perf_counter() - started < 0.5
    assert "megapixels" in error.message


def test_it_turns_pillows_bomb_warning_into_a_refusal_without_leaking_it() -> None:
    # 100 megapixels: above Pillow's warning limit (89.5 MP), below its error limit.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error = refusal(png_claiming(10_000, 10_000), max_pixels=200_000_000)

    assert error.code == "decompression_bomb"
    assert not [item for item in caught if issubclass(item.category, Image.DecompressionBombWarning)]


def test_it_leaves_pillows_global_limits_alone() -> None:
    limit, filters = Image.MAX_IMAGE_PIXELS, list(warnings.filters)

    refusal(png_claiming(10_000, 10_000))
    refusal(png_claiming(100_000, 100_000))

    assert limit == Image.MAX_IMAGE_PIXELS
    assert warnings.filters == filters


def test_it_refuses_more_pixels_than_the_limit_from_the_header_alone() -> None:
    error = refusal(png_claiming(10_000, 6_100))

    assert error.code == "too_many_pixels"
    assert error.message.startswith(
        "The photo is 10000 \u00d7 6100 pixels (61 megapixels); the limit is 60 megapixels."
    )


def test_it_never_rounds_an_excess_down_to_the_limit() -> None:
    error = refusal(png_claiming(60_000_001, 1))

    assert "(60.1 megapixels); the limit is 60 megapixels" in error.message


def test_it_applies_a_lower_pixel_limit(photo: Image.Image) -> None:
    assert refusal(encode(photo), max_pixels=320 * 240 - 1).code == "too_many_pixels"
    assert load_photo(encode(photo), max_pixels=320 * 240).size == (320, 240)


def test_it_refuses_a_file_over_the_byte_limit(photo: Image.Image) -> None:
    data = encode(photo, "PNG")

    error = refusal(data, max_bytes=len(data) - 1)

    assert error.code == "too_large"
    assert error.message.endswith("MB.")
    assert load_photo(data, max_bytes=len(data)).size == (320, 240)


def test_it_states_the_file_size_and_the_limit_in_megabytes() -> None:
    error = refusal(b"x" * (41 * 1024**2 + 1))

    assert error.message == "The file is 41.1 MB; the limit is 40 MB."


def test_it_turns_a_photo_the_way_its_exif_says() -> None:
    # Stored landscape with a red top-left corner; Orientation 6 means "turn 90° clockwise".
    stored = Image.new("RGB", (60, 40), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6

    loaded = load_photo(encode(stored, "JPEG", quality=95, exif=exif))

    assert loaded.size == (40, 60)
    red, _green, blue = rgb(loaded, (35, 4))
    assert red > 200
    assert blue < 60
    assert rgb(loaded, (4, 4))[2] > 200


def test_it_keeps_the_photo_when_exif_orientation_cannot_be_read(
    photo: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_exif(image: Image.Image, **kwargs: object) -> None:
        raise SyntaxError("corrupt EXIF")

    monkeypatch.setattr(ImageOps, "exif_transpose", broken_exif)

    assert load_photo(encode(photo)).size == (320, 240)


@pytest.mark.parametrize(("mode", "image_format"), [("RGBA", "PNG"), ("LA", "PNG"), ("RGBA", "WEBP")])
def test_it_flattens_transparency_onto_white(mode: str, image_format: str) -> None:
    clear = Image.new("RGBA", (20, 10), (255, 0, 0, 0))
    clear.paste((0, 0, 0, 255), (0, 0, 10, 10))

    loaded = load_photo(encode(clear.convert(mode), image_format, lossless=True))

    assert loaded.mode == "RGB"
    assert loaded.getpixel((15, 5)) == (255, 255, 255)
    assert loaded.getpixel((5, 5)) == (0, 0, 0)


def test_it_flattens_a_palette_transparent_colour_onto_white() -> None:
    image = Image.new("P", (10, 10), 1)
    image.putpalette([0, 0, 0, 200, 0, 0] + [0] * 762)
    image.info["transparency"] = 1

    loaded = load_photo(encode(image, "PNG", transparency=1))

    assert loaded.getpixel((5, 5)) == (255, 255, 255)


def test_it_converts_cmyk_and_greyscale_to_rgb() -> None:
    cmyk = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # red ink
    grey = Image.new("L", (16, 16), 77)

    assert rgb(load_photo(encode(cmyk, "JPEG", quality=95)), (8, 8))[0] > 200
    assert load_photo(encode(grey, "PNG")).getpixel((8, 8)) == (77, 77, 77)


def test_it_scales_16_bit_grey_instead_of_clipping_it() -> None:
    levels = np.array([[0, 16_448, 32_896, 65_535]], dtype=np.uint16)

    loaded = load_photo(encode(Image.fromarray(levels), "PNG"))

    assert [rgb(loaded, (x, 0))[0] for x in range(4)] == [0, 64, 128, 255]


def test_it_converts_through_an_embedded_colour_profile(photo: Image.Image) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

    loaded = load_photo(encode(photo, "PNG", icc_profile=srgb))

    difference = np.abs(np.asarray(loaded, dtype=int) - np.asarray(photo, dtype=int))
    assert difference.max() <= 3


def test_it_ignores_a_broken_colour_profile(photo: Image.Image) -> None:
    loaded = load_photo(encode(photo, "PNG", icc_profile=b"not a profile at all"))

    assert np.array_equal(np.asarray(loaded), np.asarray(photo))


def test_its_refusal_carries_a_message_and_a_code() -> None:
    error = PhotoRejectedError("The file is empty.", "empty")

    assert str(error) == "The file is empty."
    assert repr(error) == "PhotoRejectedError(code='empty', message='The file is empty.')"
    assert decode.DEFAULT_MAX_PIXELS == 60_000_000
