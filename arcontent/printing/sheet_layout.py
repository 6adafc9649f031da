"""Where things go on an A4 print sheet: the photo at its exact print size, crop marks at its
corners, and a panel with the QR code and the order details below or beside it.

All lengths are millimetres, measured from the page's top-left corner. Portrait is preferred;
landscape is used only when the photo does not fit upright.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

A4_SHORT_MM = 210.0
A4_LONG_MM = 297.0
PAGE_MARGIN_MM = 5.0  # what most office and photo printers cannot reach at the sheet's edge
MARK_OFFSET_MM = 2.0  # blank gap between the photo's edge and a mark: a cut a little off never shows one
MARK_LENGTH_MM = 4.0
MARK_ZONE_MM = MARK_OFFSET_MM + MARK_LENGTH_MM
MARK_WEIGHT_MM = 0.2
QR_MIN_MM = 25.0  # the QR image, quiet zone included; the symbol itself is about 20 mm then
QR_MAX_MM = 40.0
PANEL_GAP_MM = 4.0  # between the QR code and its text when the panel sits below the photo
PANEL_TEXT_MM = 80.0
_TOLERANCE_MM = 1e-6  # 18.8 cm * 10 is 188.00000000000003 mm in floating point


class Orientation(StrEnum):
    PORTRAIT = "portrait"
    LANDSCAPE = "landscape"


class PanelPlacement(StrEnum):
    BELOW = "below"
    BESIDE = "beside"


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass(frozen=True)
class SheetLayout:
    orientation: Orientation
    placement: PanelPlacement
    page_width: float
    page_height: float
    photo: Rect
    marks: tuple[Rect, ...]
    panel: Rect
    qr_size: float


def sheet_layout(*, photo_width_mm: float, photo_height_mm: float) -> SheetLayout:
    """The layout for a photo printed ``photo_width_mm`` x ``photo_height_mm``: portrait with
    the panel below, else portrait with it beside, else the same two in landscape. Raises
    ``ValueError`` when the size is not a positive number or fits none of them."""
    width, height = float(photo_width_mm), float(photo_height_mm)
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise ValueError("A print's width and height must be positive numbers")
    for orientation, page_width, page_height in (
        (Orientation.PORTRAIT, A4_SHORT_MM, A4_LONG_MM),
        (Orientation.LANDSCAPE, A4_LONG_MM, A4_SHORT_MM),
    ):
        for arrange in (_below, _beside):
            layout = arrange(orientation, page_width, page_height, width, height)
            if layout is not None:
                return layout
    raise ValueError(_too_large_message(width, height))


def _below(
    orientation: Orientation, page_width: float, page_height: float, width: float, height: float
) -> SheetLayout | None:
    usable_width, usable_height = page_width - 2 * PAGE_MARGIN_MM, page_height - 2 * PAGE_MARGIN_MM
    qr_size = min(QR_MAX_MM, usable_height - (height + 2 * MARK_ZONE_MM))
    if width + 2 * MARK_ZONE_MM > usable_width + _TOLERANCE_MM or qr_size < QR_MIN_MM - _TOLERANCE_MM:
        return None
    group_top = (page_height - (height + 2 * MARK_ZONE_MM + qr_size)) / 2
    photo = Rect((page_width - width) / 2, group_top + MARK_ZONE_MM, width, height)
    # The panel starts under the photo's left edge, moved left only as far as it must to
    # keep its text inside the right margin.
    panel_width = min(usable_width, max(width, qr_size + PANEL_GAP_MM + PANEL_TEXT_MM))
    panel_left = min(photo.left, page_width - PAGE_MARGIN_MM - panel_width)
    panel_top = photo.bottom + MARK_ZONE_MM
    panel = Rect(panel_left, panel_top, panel_width, page_height - PAGE_MARGIN_MM - panel_top)
    return SheetLayout(
        orientation, PanelPlacement.BELOW, page_width, page_height, photo, crop_marks(photo), panel, qr_size
    )


def _beside(
    orientation: Orientation, page_width: float, page_height: float, width: float, height: float
) -> SheetLayout | None:
    usable_width, usable_height = page_width - 2 * PAGE_MARGIN_MM, page_height - 2 * PAGE_MARGIN_MM
    qr_size = min(QR_MAX_MM, usable_width - (width + 2 * MARK_ZONE_MM))
    if height + 2 * MARK_ZONE_MM > usable_height + _TOLERANCE_MM or qr_size < QR_MIN_MM - _TOLERANCE_MM:
        return None
    group_left = (page_width - (width + 2 * MARK_ZONE_MM + qr_size)) / 2
    photo = Rect(group_left + MARK_ZONE_MM, (page_height - height) / 2, width, height)
    panel = Rect(photo.right + MARK_ZONE_MM, photo.top, qr_size, page_height - PAGE_MARGIN_MM - photo.top)
    return SheetLayout(
        orientation, PanelPlacement.BESIDE, page_width, page_height, photo, crop_marks(photo), panel, qr_size
    )


def crop_marks(photo: Rect) -> tuple[Rect, ...]:
    """Eight thin strips, two at each corner of ``photo``, lying on the extension of its
    edges and starting :data:`MARK_OFFSET_MM` away from it."""
    half = MARK_WEIGHT_MM / 2
    marks = []
    for x, x_out in ((photo.left, -1), (photo.right, 1)):
        for y, y_out in ((photo.top, -1), (photo.bottom, 1)):
            near_x, far_x = x + x_out * MARK_OFFSET_MM, x + x_out * MARK_ZONE_MM
            near_y, far_y = y + y_out * MARK_OFFSET_MM, y + y_out * MARK_ZONE_MM
            marks.append(Rect(min(near_x, far_x), y - half, MARK_LENGTH_MM, MARK_WEIGHT_MM))
            marks.append(Rect(x - half, min(near_y, far_y), MARK_WEIGHT_MM, MARK_LENGTH_MM))
    return tuple(marks)


def _too_large_message(width: float, height: float) -> str:
    # The largest prints: portrait with the panel below, landscape with it beside.
    upright_width = A4_SHORT_MM - 2 * (PAGE_MARGIN_MM + MARK_ZONE_MM)
    upright_height = A4_LONG_MM - 2 * (PAGE_MARGIN_MM + MARK_ZONE_MM) - QR_MIN_MM
    return (
        f"A {_cm(width)} \u00d7 {_cm(height)} cm print does not fit on an A4 sheet with its crop marks "
        f"and QR code, in portrait or in landscape. The largest that fit are "
        f"{_cm(upright_width)} \u00d7 {_cm(upright_height)} cm and "
        f"{_cm(upright_height)} \u00d7 {_cm(upright_width)} cm."
    )


def _cm(millimetres: float) -> str:
    return f"{millimetres / 10:.2f}".rstrip("0").rstrip(".")
