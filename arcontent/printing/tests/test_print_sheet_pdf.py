# Expected texts are written as printed: Cyrillic, the multiplication sign and the
# non-breaking hyphen on purpose.

from __future__ import annotations

from typing import Any

import pytest

from arcontent.printing.pdf import print_sheet_document, print_sheet_pdf
from arcontent.printing.tests.pdfs import (
    PT_PER_MM,
    boxes_with_class,
    content_box_mm,
    image_placements_mm,
    only_page,
    page_size_pt,
    page_text,
    raster_images,
)
from arcontent.printing.tests.samples import URL, logo_bytes, photo_jpeg

A4_PORTRAIT_PT = (210 * PT_PER_MM, 297 * PT_PER_MM)
A4_LANDSCAPE_PT = (297 * PT_PER_MM, 210 * PT_PER_MM)
HALF_MM = 0.5


def _sheet(width_cm: float, height_cm: float, **overrides: Any) -> dict[str, Any]:
    # 60 px per cm: the photo has the print's own shape.
    return {
        "photo_jpeg": photo_jpeg(int(width_cm * 60), int(height_cm * 60)),
        "print_width_cm": width_cm,
        "print_height_cm": height_cm,
        "url": URL,
        "order_number": "A-10427",
        "company_name": "Фотостудия «Память»",
        **overrides,
    }


def _only_placement(pdf: bytes) -> tuple[float, float, float, float]:
    (placement,) = image_placements_mm(only_page(pdf)).values()
    return placement


@pytest.mark.parametrize(
    ("width_cm", "height_cm", "page_size"),
    [
        (10, 15, A4_PORTRAIT_PT),
        (15, 10, A4_PORTRAIT_PT),
        (25, 18, A4_LANDSCAPE_PT),
        (16.3, 27.5, A4_PORTRAIT_PT),
    ],
)
def test_the_sheet_is_a4_turned_only_when_the_print_needs_it(
    width_cm: float, height_cm: float, page_size: tuple[float, float]
) -> None:
    width, height = page_size_pt(only_page(print_sheet_pdf(**_sheet(width_cm, height_cm))))

    assert width == pytest.approx(page_size[0], abs=0.5)
    assert height == pytest.approx(page_size[1], abs=0.5)


@pytest.mark.parametrize(("width_cm", "height_cm"), [(10, 15), (15, 10), (13, 18), (25, 18), (18.8, 25)])
def test_the_photo_is_drawn_at_its_exact_print_size(width_cm: float, height_cm: float) -> None:
    left, top, width, height = _only_placement(print_sheet_pdf(**_sheet(width_cm, height_cm)))

    assert width == pytest.approx(width_cm * 10, abs=HALF_MM)
    assert height == pytest.approx(height_cm * 10, abs=HALF_MM)
    assert left >= 5
    assert top >= 5


def test_the_photo_box_in_the_layout_is_the_print_size() -> None:
    (photo_box,) = boxes_with_class(print_sheet_document(**_sheet(10, 15)), "photo")
    _left, _top, width, height = content_box_mm(photo_box)

    assert width == pytest.approx(100, abs=HALF_MM)
    assert height == pytest.approx(150, abs=HALF_MM)


def test_a_photo_of_another_shape_is_cropped_to_the_print_never_stretched() -> None:
    square = photo_jpeg(900, 900)
    document = print_sheet_document(**_sheet(10, 15, photo_jpeg=square))
    pdf = document.write_pdf()

    (photo_box,) = boxes_with_class(document, "photo")
    _left, _top, box_width, box_height = content_box_mm(photo_box)
    _left, _top, drawn_width, drawn_height = _only_placement(pdf)
    assert (box_width, box_height) == pytest.approx((100, 150), abs=HALF_MM)
    assert drawn_width == pytest.approx(drawn_height, abs=HALF_MM)  # still square
    assert drawn_height == pytest.approx(150, abs=HALF_MM)  # covering the box; the sides are clipped


def test_the_photo_is_embedded_as_the_original_jpeg() -> None:
    sheet = _sheet(10, 15)
    ((_name, image),) = raster_images(only_page(print_sheet_pdf(**sheet))).items()

    assert image["/Filter"] == "/DCTDecode"
    assert image.get_data() == sheet["photo_jpeg"]


def test_the_sheet_carries_the_order_details_and_instructions() -> None:
    text = page_text(only_page(print_sheet_pdf(**_sheet(15, 10))))

    assert "Заказ A-10427" in text
    assert "Фотостудия «Память»" in text
    assert "Наведите камеру телефона на QR‑код" in text
    assert "Размер печати: 15 × 10 см" in text
    assert "Печатать в масштабе 100 %" in text


def test_an_english_sheet_with_a_fractional_size() -> None:
    text = page_text(only_page(print_sheet_pdf(**_sheet(12.5, 17.75, language="en"))))

    assert "Order A-10427" in text
    assert "Print size: 12.5 × 17.75 cm" in text


@pytest.mark.parametrize(("width_cm", "height_cm"), [(10, 15), (25, 18)])
def test_the_qr_code_sits_beside_or_below_the_photo_at_a_scannable_size(
    width_cm: float, height_cm: float
) -> None:
    document = print_sheet_document(**_sheet(width_cm, height_cm))
    (qr_box,) = boxes_with_class(document, "qr")
    (photo_box,) = boxes_with_class(document, "photo")
    qr_left, qr_top, qr_width, qr_height = content_box_mm(qr_box)
    photo_left, photo_top, photo_width, photo_height = content_box_mm(photo_box)

    assert qr_width == qr_height >= 25 - 0.05
    beside = qr_left >= photo_left + photo_width
    below = qr_top >= photo_top + photo_height
    assert beside or below


def test_a_print_too_large_for_a4_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match=r"A 40 × 30 cm print does not fit on an A4 sheet") as raised:
        print_sheet_pdf(**_sheet(40, 30, photo_jpeg=photo_jpeg(40, 30)))

    assert "25 × 18.8 cm" in str(raised.value)


def test_a_photo_that_is_not_a_jpeg_is_refused() -> None:
    with pytest.raises(ValueError, match="must be a JPEG"):
        print_sheet_pdf(**_sheet(10, 15, photo_jpeg=logo_bytes("PNG")))


def test_user_text_on_the_sheet_is_not_markup() -> None:
    pdf = print_sheet_pdf(**_sheet(10, 15, company_name="<b>Tom & Jerry</b>", order_number="<i>7"))

    text = page_text(only_page(pdf))
    assert "<b>Tom & Jerry</b>" in text
    assert "<i>7" in text


def test_a_sheet_without_a_company_name_still_renders() -> None:
    text = page_text(only_page(print_sheet_pdf(**_sheet(10, 15, company_name="  "))))

    assert "Заказ A-10427" in text
