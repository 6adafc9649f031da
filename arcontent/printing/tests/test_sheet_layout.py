# Expected texts are written as printed: Cyrillic, the multiplication sign and the
# non-breaking hyphen on purpose.

from __future__ import annotations

import itertools

import pytest

from arcontent.printing.sheet_layout import (
    MARK_OFFSET_MM,
    PAGE_MARGIN_MM,
    QR_MAX_MM,
    QR_MIN_MM,
    Orientation,
    PanelPlacement,
    Rect,
    SheetLayout,
    sheet_layout,
)


def _layout(width_cm: float, height_cm: float) -> SheetLayout:
    return sheet_layout(photo_width_mm=width_cm * 10, photo_height_mm=height_cm * 10)


def _overlap(a: Rect, b: Rect) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom


def _inside_margins(rect: Rect, layout: SheetLayout) -> bool:
    tolerance = 1e-6
    return (
        rect.left >= PAGE_MARGIN_MM - tolerance
        and rect.top >= PAGE_MARGIN_MM - tolerance
        and rect.right <= layout.page_width - PAGE_MARGIN_MM + tolerance
        and rect.bottom <= layout.page_height - PAGE_MARGIN_MM + tolerance
    )


def test_a_10_by_15_print_is_portrait_with_the_panel_below() -> None:
    layout = _layout(10, 15)

    assert (layout.orientation, layout.placement) == (Orientation.PORTRAIT, PanelPlacement.BELOW)
    assert (layout.page_width, layout.page_height) == (210, 297)
    assert (layout.photo.width, layout.photo.height) == (100, 150)
    assert layout.qr_size == QR_MAX_MM


def test_a_25_by_18_print_only_fits_landscape_with_the_panel_beside() -> None:
    layout = _layout(25, 18)

    assert (layout.orientation, layout.placement) == (Orientation.LANDSCAPE, PanelPlacement.BESIDE)
    assert (layout.page_width, layout.page_height) == (297, 210)
    assert layout.qr_size == pytest.approx(QR_MIN_MM)


@pytest.mark.parametrize(
    ("width_cm", "height_cm", "orientation", "placement"),
    [
        (15, 10, Orientation.PORTRAIT, PanelPlacement.BELOW),
        (18.8, 25, Orientation.PORTRAIT, PanelPlacement.BELOW),  # the largest upright, to the 0.1 mm
        (16, 27, Orientation.PORTRAIT, PanelPlacement.BESIDE),
        (27, 16, Orientation.LANDSCAPE, PanelPlacement.BELOW),
        (25, 18.8, Orientation.LANDSCAPE, PanelPlacement.BESIDE),
    ],
)
def test_portrait_is_preferred_and_the_panel_goes_where_it_fits(
    width_cm: float, height_cm: float, orientation: Orientation, placement: PanelPlacement
) -> None:
    layout = _layout(width_cm, height_cm)

    assert (layout.orientation, layout.placement) == (orientation, placement)


@pytest.mark.parametrize(("width_cm", "height_cm"), [(40, 30), (30, 40), (21, 29.7), (20, 25), (19, 25.1)])
def test_a_print_too_large_for_a4_is_refused_with_the_largest_sizes(
    width_cm: float, height_cm: float
) -> None:
    with pytest.raises(ValueError, match="does not fit on an A4 sheet") as raised:
        _layout(width_cm, height_cm)

    message = str(raised.value)
    assert f"A {width_cm:g} × {height_cm:g} cm print" in message
    assert "18.8 × 25 cm and 25 × 18.8 cm" in message


@pytest.mark.parametrize(
    ("width_cm", "height_cm"), [(0, 10), (10, -1), (float("nan"), 10), (10, float("inf"))]
)
def test_a_size_that_is_not_a_positive_number_is_refused(width_cm: float, height_cm: float) -> None:
    with pytest.raises(ValueError, match="positive numbers"):
        _layout(width_cm, height_cm)


# The four largest prints (cm), worked out by hand from the margins, crop marks and the
# smallest QR panel: portrait with the panel below / beside, landscape below / beside.
_ENVELOPES_CM = [(18.8, 25), (16.3, 27.5), (27.5, 16.3), (25, 18.8)]
_GRID_CM = list(
    itertools.product([2, 5, 9.9, 10, 13, 15, 16.3, 16.4, 18, 18.8, 18.9, 21, 25, 25.1, 27.5, 28], repeat=2)
)


def _fits(width_cm: float, height_cm: float) -> bool:
    return any(width_cm <= most_wide and height_cm <= most_high for most_wide, most_high in _ENVELOPES_CM)


@pytest.mark.parametrize(("width_cm", "height_cm"), _GRID_CM)
def test_a_print_fits_exactly_when_it_is_within_one_of_the_four_largest(
    width_cm: float, height_cm: float
) -> None:
    if not _fits(width_cm, height_cm):
        with pytest.raises(ValueError, match="does not fit"):
            _layout(width_cm, height_cm)
        return
    layout = _layout(width_cm, height_cm)
    qr = Rect(layout.panel.left, layout.panel.top, layout.qr_size, layout.qr_size)

    assert (layout.photo.width, layout.photo.height) == pytest.approx((width_cm * 10, height_cm * 10))
    assert QR_MIN_MM - 1e-6 <= layout.qr_size <= QR_MAX_MM
    assert all(_inside_margins(rect, layout) for rect in (layout.photo, layout.panel, qr, *layout.marks))
    assert not _overlap(layout.panel, layout.photo)
    assert not any(_overlap(mark, layout.panel) or _overlap(mark, layout.photo) for mark in layout.marks)


def test_crop_marks_sit_on_the_photo_edges_a_little_away_from_it() -> None:
    photo = _layout(10, 15).photo
    marks = _layout(10, 15).marks

    assert len(marks) == 8
    horizontal = [mark for mark in marks if mark.width > mark.height]
    vertical = [mark for mark in marks if mark.height > mark.width]
    assert sorted({round(mark.top + mark.height / 2, 6) for mark in horizontal}) == [photo.top, photo.bottom]
    assert sorted({round(mark.left + mark.width / 2, 6) for mark in vertical}) == [photo.left, photo.right]
    for mark in horizontal:
        assert min(abs(mark.right - photo.left), abs(mark.left - photo.right)) == pytest.approx(
            MARK_OFFSET_MM
        )
    for mark in vertical:
        assert min(abs(mark.bottom - photo.top), abs(mark.top - photo.bottom)) == pytest.approx(
            MARK_OFFSET_MM
        )
