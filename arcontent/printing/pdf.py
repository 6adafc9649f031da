"""Print-ready PDFs: a 70 x 50 mm QR label and an A4 print sheet with the photo at its exact
size. HTML from Django templates (autoescaped), laid out by WeasyPrint offline; every font,
image and QR code is embedded, the QR codes as vectors.
"""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string
from weasyprint import Document

from arcontent.printing.fetcher import data_uri, render_document
from arcontent.printing.images import logo_data_uri, photo_data_uri
from arcontent.printing.qr import qr_svg
from arcontent.printing.sheet_layout import PANEL_GAP_MM, Rect, sheet_layout
from arcontent.printing.texts import texts_for

DEFAULT_BRAND_COLOR = "#3b5bdb"
LABEL_WIDTH_MM = 70.0
LABEL_HEIGHT_MM = 50.0
LABEL_ORDER_WIDTH_MM = 22.0  # the order number's column on the label (see label.html)
# The QR label styles a project can choose (projects.models.QrLabelStyle); see label.html.
LABEL_STYLES = ("standard", "branded", "minimal")
_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# DejaVu Sans Bold's digits and capitals are ~0.7 em wide; a little slack for dashes.
_BOLD_EM_PER_CHAR = 0.72
_MM_PER_PT = 25.4 / 72


def label_pdf(
    *,
    url: str,
    order_number: str,
    company_name: str,
    brand_color: str = DEFAULT_BRAND_COLOR,
    logo: bytes | None = None,
    language: str = "ru",
    style: str = "standard",
) -> bytes:
    """A 70 x 50 mm label: a vector QR code for ``url`` (38 mm with its quiet zone) and the
    order number; in the ``standard`` style under the company's colour band with its name
    and logo and with how to use it, in ``branded`` the same on a label all in the brand
    colour, in ``minimal`` nothing else. A ``logo`` that is not a real PNG, JPEG or WebP
    image and a ``brand_color`` that is not ``#rgb``/``#rrggbb`` are replaced (no logo, the
    default colour) rather than failing; an unknown ``style`` is a ValueError."""
    return label_document(
        url=url,
        order_number=order_number,
        company_name=company_name,
        brand_color=brand_color,
        logo=logo,
        language=language,
        style=style,
    ).write_pdf()


def label_document(
    *,
    url: str,
    order_number: str,
    company_name: str,
    brand_color: str = DEFAULT_BRAND_COLOR,
    logo: bytes | None = None,
    language: str = "ru",
    style: str = "standard",
) -> Document:
    """The laid-out label of :func:`label_pdf`, before it is written as PDF."""
    if style not in LABEL_STYLES:
        raise ValueError(f"Unknown label style {style!r}")
    order_number = _required(order_number, "An order number")
    background, foreground = brand_colors(brand_color)
    context = {
        "texts": texts_for(language),
        "style": style,
        "order_number": order_number,
        "order_font_size": f"{_fitting_font_pt(order_number, LABEL_ORDER_WIDTH_MM, largest=12.0, smallest=5.5):.1f}pt",
        "company_name": company_name.strip(),
        "brand_background": background,
        "brand_foreground": foreground,
        "logo_uri": logo_data_uri(logo),
        "qr_uri": data_uri(qr_svg(url), "image/svg+xml"),
    }
    return render_document(render_to_string("arcontent/print/label.html", context))


def print_sheet_pdf(
    *,
    photo_jpeg: bytes,
    print_width_cm: float,
    print_height_cm: float,
    url: str,
    order_number: str,
    company_name: str,
    language: str = "ru",
) -> bytes:
    """An A4 sheet with the photo at exactly ``print_width_cm`` x ``print_height_cm`` (a photo
    of another shape is centre-cropped to it, never stretched), crop marks at its corners, and
    the QR code, order number and instructions beside or below it. Portrait unless the print
    only fits in landscape; ``ValueError`` when it fits neither or the photo is not a JPEG."""
    return print_sheet_document(
        photo_jpeg=photo_jpeg,
        print_width_cm=print_width_cm,
        print_height_cm=print_height_cm,
        url=url,
        order_number=order_number,
        company_name=company_name,
        language=language,
    ).write_pdf()


def print_sheet_document(
    *,
    photo_jpeg: bytes,
    print_width_cm: float,
    print_height_cm: float,
    url: str,
    order_number: str,
    company_name: str,
    language: str = "ru",
) -> Document:
    """The laid-out sheet of :func:`print_sheet_pdf`, before it is written as PDF."""
    layout = sheet_layout(
        photo_width_mm=float(print_width_cm) * 10, photo_height_mm=float(print_height_cm) * 10
    )
    order_number = _required(order_number, "An order number")
    texts = texts_for(language)
    context: dict[str, Any] = {
        "texts": texts,
        "placement": layout.placement.value,
        "page_size": f"{_mm(layout.page_width)} {_mm(layout.page_height)}",
        "photo_box": _box(layout.photo),
        "mark_boxes": [_box(mark) for mark in layout.marks],
        "panel_box": _box(layout.panel),
        "qr_size": _mm(layout.qr_size),
        "text_offset": _mm(layout.qr_size + PANEL_GAP_MM),
        "photo_uri": photo_data_uri(photo_jpeg),
        "qr_uri": data_uri(qr_svg(url), "image/svg+xml"),
        "order_number": order_number,
        "company_name": company_name.strip(),
        "print_size": texts.size(float(print_width_cm), float(print_height_cm)),
    }
    return render_document(render_to_string("arcontent/print/sheet.html", context))


def brand_colors(brand_color: str) -> tuple[str, str]:
    """``(background, text colour)`` for the brand band: the brand colour as ``#rrggbb``
    (the default one when ``brand_color`` is not a hex colour — it goes into CSS, so nothing
    else may pass) and black or white, whichever reads better on it (WCAG contrast)."""
    color = brand_color.strip()
    if not _HEX_COLOR.fullmatch(color):
        color = DEFAULT_BRAND_COLOR
    digits = color[1:]
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    luminance = 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return f"#{digits.lower()}", "#ffffff" if on_white >= on_black else "#111111"


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _fitting_font_pt(text: str, width_mm: float, *, largest: float, smallest: float) -> float:
    """The largest size, within bounds, at which ``text`` in bold fits ``width_mm`` on one
    line (longer text wraps at the smallest size)."""
    fitting = width_mm / (_BOLD_EM_PER_CHAR * _MM_PER_PT * max(1, len(text)))
    return round(max(smallest, min(largest, fitting)), 1)


def _required(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError(f"{what} is required")
    return value


def _mm(value: float) -> str:
    # Formatted here, not in the template: Django localises numbers it renders, and "12,5mm"
    # (the Russian decimal comma) is not CSS.
    return f"{value:.3f}mm"


def _box(rect: Rect) -> dict[str, str]:
    return {
        "left": _mm(rect.left),
        "top": _mm(rect.top),
        "width": _mm(rect.width),
        "height": _mm(rect.height),
    }
