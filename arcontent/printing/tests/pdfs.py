"""Reading back what a print PDF contains: page size, text, raster images and where they
are drawn (from the content stream's transformation matrix), and WeasyPrint's layout boxes."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

from pypdf import PageObject, PdfReader
from weasyprint import Document

PT_PER_MM = 72 / 25.4
PX_PER_MM = 96 / 25.4


def only_page(pdf: bytes) -> PageObject:
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0]


def page_size_pt(page: PageObject) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


def page_text(page: PageObject) -> str:
    """The page's text with every run of whitespace (no-break spaces too) as one space."""
    return " ".join(page.extract_text().split())


def raster_images(page: PageObject) -> dict[str, Any]:
    """The page's image XObjects by resource name."""
    resources: Any = page["/Resources"]  # a PDF dictionary, typed only as a PdfObject
    xobjects = resources.get("/XObject", {}) if resources else {}
    return {
        name: xobject.get_object()
        for name, xobject in xobjects.items()
        if xobject.get_object().get("/Subtype") == "/Image"
    }


def image_placements_mm(page: PageObject) -> dict[str, tuple[float, float, float, float]]:
    """``name → (left, top, width, height)`` in millimetres from the page's top-left corner,
    for every image drawn on the page (an image is painted into the unit square, so the
    current matrix at its ``Do`` gives its size and position)."""
    height_pt = float(page.mediabox.height)
    placements = {}

    def visit(operator: bytes, operands: list[Any], matrix: list[float], text_matrix: list[float]) -> None:
        if operator == b"Do":
            a, _b, _c, d, e, f = matrix
            placements[str(operands[0])] = (
                e / PT_PER_MM,
                (height_pt - f - d) / PT_PER_MM,
                a / PT_PER_MM,
                d / PT_PER_MM,
            )

    page.extract_text(visitor_operand_before=visit)
    return placements


def filled_rectangles_mm(page: PageObject) -> list[tuple[tuple[float, float, float], float, float]]:
    """``(RGB fill colour 0–1, width, height)`` in millimetres of every rectangle the page
    paints with a fill (clipping rectangles are left out)."""
    fills: list[tuple[tuple[float, float, float], float, float]] = []
    colours: list[tuple[float, float, float]] = [(0.0, 0.0, 0.0)]
    path: list[tuple[float, float]] = []

    def visit(operator: bytes, operands: list[Any], matrix: list[float], text_matrix: list[float]) -> None:
        if operator == b"q":
            colours.append(colours[-1])
        elif operator == b"Q" and len(colours) > 1:
            colours.pop()
        elif operator == b"rg":
            colours[-1] = (
                round(float(operands[0]), 3),
                round(float(operands[1]), 3),
                round(float(operands[2]), 3),
            )
        elif operator == b"re":
            width, height = float(operands[2]) * matrix[0], float(operands[3]) * matrix[3]
            path.append((abs(width) / PT_PER_MM, abs(height) / PT_PER_MM))
        elif operator in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
            fills.extend((colours[-1], width, height) for width, height in path)
            path.clear()
        elif operator in (b"n", b"S", b"s"):
            path.clear()

    page.extract_text(visitor_operand_before=visit)
    return fills


def boxes_with_class(document: Document, css_class: str) -> list[Any]:
    """WeasyPrint's layout boxes, on the first page, of elements with ``css_class``."""
    return [box for box in _walk(document.pages[0]._page_box) if css_class in _classes(box)]


def content_box_mm(box: Any) -> tuple[float, float, float, float]:
    return (
        box.content_box_x() / PX_PER_MM,
        box.content_box_y() / PX_PER_MM,
        box.width / PX_PER_MM,
        box.height / PX_PER_MM,
    )


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def _walk(box: Any) -> Iterator[Any]:
    # Absolutely positioned boxes sit in the tree behind a placeholder that hides their
    # children from ``descendants()``.
    box = getattr(box, "_box", box)
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)
