"""Where labels and photos go on shared A4 sheets (millimetres from the top-left corner).

Labels (70 x 50 mm) touch each other in a grid, cut along its lines: the marks sit outside
the grid on each line. Photos keep their exact print size and are placed in rows with a
gutter wide enough for each one's own crop marks."""

from __future__ import annotations

from dataclasses import dataclass

from arcontent.printing.sheet_layout import (
    A4_LONG_MM,
    A4_SHORT_MM,
    MARK_LENGTH_MM,
    MARK_OFFSET_MM,
    MARK_WEIGHT_MM,
    MARK_ZONE_MM,
    Rect,
    crop_marks,
)

SHEET_MARGIN_MM = 8.0
LABEL_WIDTH_MM, LABEL_HEIGHT_MM = 70.0, 50.0
PHOTO_GUTTER_MM = 2 * MARK_ZONE_MM  # two photos' marks side by side, never crossing
CAPTION_MM = 5.0  # the order number under a photo, inside the gutter below it
USABLE_WIDTH = A4_SHORT_MM - 2 * SHEET_MARGIN_MM
USABLE_HEIGHT = A4_LONG_MM - 2 * SHEET_MARGIN_MM


@dataclass(frozen=True)
class LabelGrid:
    columns: int
    rows: int
    cells: tuple[Rect, ...]  # one page's cells, row by row
    marks: tuple[Rect, ...]

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


def label_grid() -> LabelGrid:
    """The label cells of one A4 page, centred, with the marks outside the grid's lines."""
    # The marks need their zone around the grid as well as the printer's margin.
    columns = int((USABLE_WIDTH - 2 * MARK_ZONE_MM) // LABEL_WIDTH_MM)
    rows = int((USABLE_HEIGHT - 2 * MARK_ZONE_MM) // LABEL_HEIGHT_MM)
    left = (A4_SHORT_MM - columns * LABEL_WIDTH_MM) / 2
    top = (A4_LONG_MM - rows * LABEL_HEIGHT_MM) / 2
    cells = tuple(
        Rect(left + column * LABEL_WIDTH_MM, top + row * LABEL_HEIGHT_MM, LABEL_WIDTH_MM, LABEL_HEIGHT_MM)
        for row in range(rows)
        for column in range(columns)
    )
    right, bottom = left + columns * LABEL_WIDTH_MM, top + rows * LABEL_HEIGHT_MM
    half = MARK_WEIGHT_MM / 2
    marks = []
    for column in range(columns + 1):
        x = left + column * LABEL_WIDTH_MM
        marks.append(Rect(x - half, top - MARK_ZONE_MM, MARK_WEIGHT_MM, MARK_LENGTH_MM))
        marks.append(Rect(x - half, bottom + MARK_OFFSET_MM, MARK_WEIGHT_MM, MARK_LENGTH_MM))
    for row in range(rows + 1):
        y = top + row * LABEL_HEIGHT_MM
        marks.append(Rect(left - MARK_ZONE_MM, y - half, MARK_LENGTH_MM, MARK_WEIGHT_MM))
        marks.append(Rect(right + MARK_OFFSET_MM, y - half, MARK_LENGTH_MM, MARK_WEIGHT_MM))
    return LabelGrid(columns, rows, cells, tuple(marks))


@dataclass(frozen=True)
class PlacedPhoto:
    index: int  # the item's position in the input
    page: int
    photo: Rect
    marks: tuple[Rect, ...]


def photo_fits(width_mm: float, height_mm: float) -> bool:
    """Whether one photo of this size, with its marks and caption, fits a shared sheet."""
    return (
        width_mm + 2 * MARK_ZONE_MM <= USABLE_WIDTH + 1e-6
        and height_mm + MARK_ZONE_MM + max(MARK_ZONE_MM, CAPTION_MM) <= USABLE_HEIGHT + 1e-6
    )


def photo_pages(sizes: list[tuple[float, float]]) -> list[PlacedPhoto | None]:
    """Place photos of ``sizes`` (width, height in mm) in their order, left to right in
    rows and rows down the pages; ``None`` for a photo too large for a shared sheet."""
    placed: list[PlacedPhoto | None] = []
    page, x, y, row_height = 0, 0.0, 0.0, 0.0
    below = max(MARK_ZONE_MM, CAPTION_MM)
    for index, (width, height) in enumerate(sizes):
        if not photo_fits(width, height):
            placed.append(None)
            continue
        box_width, box_height = width + 2 * MARK_ZONE_MM, height + MARK_ZONE_MM + below
        if x > 0 and x + box_width > USABLE_WIDTH + 1e-6:  # next row
            x, y, row_height = 0.0, y + row_height, 0.0
        if y > 0 and y + box_height > USABLE_HEIGHT + 1e-6:  # next page
            page, x, y, row_height = page + 1, 0.0, 0.0, 0.0
        photo = Rect(SHEET_MARGIN_MM + x + MARK_ZONE_MM, SHEET_MARGIN_MM + y + MARK_ZONE_MM, width, height)
        placed.append(PlacedPhoto(index, page, photo, crop_marks(photo)))
        x += box_width
        row_height = max(row_height, box_height)
    return placed
