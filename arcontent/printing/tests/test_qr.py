from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pytest
import qrcode
from qrcode import constants

from arcontent.printing.qr import qr_png, qr_svg
from arcontent.printing.tests.samples import URL

SVG = "{http://www.w3.org/2000/svg}"
_SQUARE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H(\d+)z")


def _parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def _png_array(png: bytes) -> np.ndarray:
    return np.asarray(cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_GRAYSCALE))


def _decode(image: np.ndarray) -> str:
    text, _points, _straight = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return text


def _modules(png: bytes, *, box_size: int, border: int) -> list[list[bool]]:
    """The dark/light modules of a PNG made by qr_png, read at each module's centre."""
    image = _png_array(png)
    count = image.shape[0] // box_size - 2 * border
    centre = border * box_size + box_size // 2
    return [
        [bool(image[centre + row * box_size, centre + column * box_size] < 128) for column in range(count)]
        for row in range(count)
    ]


def _svg_raster(svg: bytes, *, pixels_per_unit: int = 8) -> np.ndarray:
    """Paint the SVG path's unit squares (one per dark module) black on white."""
    root = _parse(svg)
    _x, _y, width, height = (int(float(value)) for value in root.get("viewBox", "").split())
    image = np.full((height * pixels_per_unit, width * pixels_per_unit), 255, dtype=np.uint8)
    (path,) = root.iter(f"{SVG}path")
    for left, top, right, bottom, back in _SQUARE.findall(path.get("d", "")):
        assert back == left
        image[
            int(top) * pixels_per_unit : int(bottom) * pixels_per_unit,
            int(left) * pixels_per_unit : int(right) * pixels_per_unit,
        ] = 0
    return image


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"{URL}?c=7f3c2a10",
        "http://localhost:8000/view/00000000-0000-0000-0000-000000000000",
    ],
)
def test_the_png_decodes_back_to_the_exact_url(url: str) -> None:
    png = qr_png(url)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert _decode(_png_array(png)) == url


def test_the_png_has_box_size_pixels_per_module_and_the_quiet_zone() -> None:
    png = qr_png(URL, box_size=6, border=2)
    modules = len(_modules(png, box_size=6, border=2))

    assert _png_array(png).shape == ((modules + 4) * 6, (modules + 4) * 6)
    assert modules in (33, 37, 41)  # versions 4-6: what a ~70-character link needs


def test_it_uses_error_correction_level_q() -> None:
    drawn = _modules(qr_png(URL, box_size=4, border=4), box_size=4, border=4)
    matching = []
    for name in ("L", "M", "Q", "H"):
        code = qrcode.QRCode(error_correction=getattr(constants, f"ERROR_CORRECT_{name}"), border=0)
        code.add_data(URL)
        code.make(fit=True)
        if code.get_matrix() == drawn:
            matching.append(name)

    assert matching == ["Q"]


def test_a_scratched_print_still_scans() -> None:
    box = 8
    image = _png_array(qr_png(URL, box_size=box, border=4)).copy()
    # A scratch across the data area: rows 14-16, columns 10-30 of the symbol, painted white.
    image[(4 + 14) * box : (4 + 17) * box, (4 + 10) * box : (4 + 31) * box] = 255

    assert _decode(image) == URL


def test_an_empty_url_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty URL"):
        qr_png("  ")
    with pytest.raises(ValueError, match="non-empty URL"):
        qr_svg("")


@pytest.mark.parametrize("options", [{"box_size": 0}, {"border": -1}])
def test_impossible_png_sizes_are_refused(options: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="Invalid"):
        qr_png(URL, **options)


def test_the_svg_is_one_vector_path_with_a_viewbox() -> None:
    svg = qr_svg(URL)
    root = _parse(svg)

    assert svg.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert len(list(root.iter(f"{SVG}path"))) == 1
    assert list(root.iter(f"{SVG}image")) == []
    assert b"<image" not in svg
    assert b"base64" not in svg


def test_the_svg_draws_the_same_code_as_the_png() -> None:
    svg_image = _svg_raster(qr_svg(URL))

    assert _decode(svg_image) == URL
    assert svg_image.shape[0] == _png_array(qr_png(URL, box_size=8)).shape[0]


def test_the_svg_quiet_zone_follows_the_border() -> None:
    wide = _parse(qr_svg(URL))
    tight = _parse(qr_svg(URL, border=1))

    wide_size = int(wide.get("viewBox", "").split()[2])
    tight_size = int(tight.get("viewBox", "").split()[2])
    assert wide_size - tight_size == 6
