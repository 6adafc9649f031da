# Expected texts are written as printed: Cyrillic, the multiplication sign and the
# non-breaking hyphen on purpose.

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.utils import translation

from arcontent.printing.pdf import LABEL_STYLES, brand_colors, label_document, label_pdf
from arcontent.printing.tests.pdfs import (
    PT_PER_MM,
    boxes_with_class,
    content_box_mm,
    filled_rectangles_mm,
    only_page,
    page_size_pt,
    page_text,
    raster_images,
)
from arcontent.printing.tests.samples import URL, logo_bytes
from projects.models import QrLabelStyle

LABEL: dict[str, Any] = {"url": URL, "order_number": "A-10427", "company_name": "Alice Photo"}


def test_the_label_page_is_exactly_70_by_50_mm() -> None:
    width, height = page_size_pt(only_page(label_pdf(**LABEL)))

    assert width == pytest.approx(70 * PT_PER_MM, abs=0.5)
    assert height == pytest.approx(50 * PT_PER_MM, abs=0.5)


def test_the_label_shows_the_order_number_and_company_name() -> None:
    text = page_text(only_page(label_pdf(**LABEL)))

    assert "A-10427" in text
    assert "Alice Photo" in text


def test_a_cyrillic_company_name_is_printed_in_an_embedded_dejavu_font() -> None:
    page = only_page(label_pdf(**{**LABEL, "company_name": "Фотостудия «Память»"}))

    assert "Фотостудия «Память»" in page_text(page)
    resources: Any = page["/Resources"]  # a PDF dictionary, typed only as a PdfObject
    fonts = [str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()]
    assert fonts
    assert all("DejaVu-Sans" in font for font in fonts)


@pytest.mark.parametrize(
    ("language", "instruction"),
    [
        ("ru", "Наведите камеру телефона на QR‑код, а затем — на фото"),
        ("ru-RU", "Наведите камеру телефона на QR‑код, а затем — на фото"),
        ("en", "Point your phone camera at the QR code, then at the photo"),
        ("de", "Point your phone camera at the QR code, then at the photo"),
    ],
)
def test_the_instruction_is_in_the_requested_language(language: str, instruction: str) -> None:
    text = page_text(only_page(label_pdf(**LABEL, language=language)))

    assert instruction in text


def test_user_text_is_printed_as_text_not_markup() -> None:
    text = page_text(
        only_page(label_pdf(**{**LABEL, "company_name": "<b>Tom & Jerry</b>", "order_number": "<i>7"}))
    )

    assert "<b>Tom & Jerry</b>" in text
    assert "<i>7" in text


def test_the_qr_code_is_vector_and_at_least_30_mm() -> None:
    page = only_page(label_pdf(**LABEL))
    (qr_box,) = boxes_with_class(label_document(**LABEL), "qr")
    left, top, width, height = content_box_mm(qr_box)

    assert raster_images(page) == {}  # no logo: nothing on the label is a bitmap
    assert width == pytest.approx(38, abs=0.05)
    assert height == pytest.approx(38, abs=0.05)
    assert left >= 3 - 0.05
    assert top + height <= 50 - 3 + 0.05


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP"])
def test_a_valid_logo_is_embedded_as_an_image(image_format: str) -> None:
    images = raster_images(only_page(label_pdf(**LABEL, logo=logo_bytes(image_format))))

    assert len(images) == 1
    ((_name, image),) = images.items()
    assert (image["/Width"], image["/Height"]) == (120, 40)


@pytest.mark.parametrize("logo", [b"GIF89a not really", logo_bytes("PNG")[:60], logo_bytes("GIF")])
def test_an_invalid_logo_is_ignored(logo: bytes) -> None:
    page = only_page(label_pdf(**LABEL, logo=logo))

    assert raster_images(page) == {}
    assert "Alice Photo" in page_text(page)


def test_a_brand_color_that_is_not_a_hex_color_cannot_inject_css() -> None:
    pdf = label_pdf(**LABEL, brand_color="red; } body { background: url(https://example.com/x.png)")

    assert "A-10427" in page_text(only_page(pdf))


@pytest.mark.parametrize(
    ("brand_color", "expected"),
    [
        ("#3b5bdb", ("#3b5bdb", "#ffffff")),
        ("#FFD43B", ("#ffd43b", "#111111")),
        (" #fff ", ("#ffffff", "#111111")),
        ("#000", ("#000000", "#ffffff")),
        ("blue", ("#3b5bdb", "#ffffff")),
        ("#12345", ("#3b5bdb", "#ffffff")),
        ("#3b5bdb;color:red", ("#3b5bdb", "#ffffff")),
    ],
)
def test_the_band_text_is_black_or_white_whichever_reads_better(
    brand_color: str, expected: tuple[str, str]
) -> None:
    assert brand_colors(brand_color) == expected


def test_long_names_and_numbers_stay_on_one_label() -> None:
    pdf = label_pdf(
        url=URL,
        order_number="ORD-2024-000000000123",
        company_name="Международная фотостудия и типография " * 4,
    )

    assert "ORD-2024-" in page_text(only_page(pdf))


def test_it_renders_without_css_warnings_when_russian_is_active(caplog: pytest.LogCaptureFixture) -> None:
    # Django localises numbers in templates ("12,5"), which would break CSS lengths.
    with translation.override("ru"), caplog.at_level(logging.WARNING, logger="weasyprint"):
        label_pdf(**LABEL, logo=logo_bytes("PNG"))

    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []


@pytest.mark.parametrize("order_number", ["", "   "])
def test_an_order_number_is_required(order_number: str) -> None:
    with pytest.raises(ValueError, match="order number is required"):
        label_pdf(**{**LABEL, "order_number": order_number})


ORANGE = "#ff8800"
ORANGE_RGB = (1.0, 0.533, 0.0)
WHITE_RGB = (1.0, 1.0, 1.0)


def _styled(style: str) -> tuple[str, list[tuple[tuple[float, float, float], float, float]]]:
    page = only_page(label_pdf(**LABEL, brand_color=ORANGE, language="en", style=style))
    return page_text(page), filled_rectangles_mm(page)


def _covers(fills: list[tuple[tuple[float, float, float], float, float]], colour: tuple[float, ...],
            width: float, height: float) -> bool:  # fmt: skip
    return any(c == colour and w == pytest.approx(width, abs=0.3) and h == pytest.approx(height, abs=0.3)
               for c, w, h in fills)  # fmt: skip


def test_every_label_style_a_project_can_choose_is_rendered() -> None:
    assert set(LABEL_STYLES) == set(QrLabelStyle.values)


def test_the_standard_label_has_the_brand_band_name_and_instruction() -> None:
    text, fills = _styled("standard")

    assert _covers(fills, ORANGE_RGB, 70, 9)
    assert not _covers(fills, ORANGE_RGB, 70, 50)
    assert text.startswith("Alice Photo")
    assert "A-10427" in text
    assert "Point your phone camera" in text


def test_the_branded_label_is_all_in_the_brand_colour_with_the_qr_on_white() -> None:
    text, fills = _styled("branded")

    assert _covers(fills, ORANGE_RGB, 70, 50)
    assert _covers(fills, WHITE_RGB, 38, 38)  # the QR code's tile, quiet zone included
    assert "Alice Photo" in text
    assert "Point your phone camera" in text


def test_the_minimal_label_is_the_qr_code_and_order_number_only() -> None:
    text, fills = _styled("minimal")

    assert not any(colour == ORANGE_RGB for colour, _, _ in fills)
    assert text == "ORDER A-10427"


def test_an_unknown_label_style_is_refused() -> None:
    with pytest.raises(ValueError, match="label style"):
        label_pdf(**LABEL, style="fancy")
