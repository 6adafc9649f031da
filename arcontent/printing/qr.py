"""QR codes for a print's public link, as a PNG for screens and a true vector SVG for print.

Error correction is level Q (about 25 % of the code words can be restored) rather than M
(about 15 %): the code lives on a physical print that gets handled, scratched, creased,
laminated and photographed under glare, and the price of Q is one or two symbol versions
more, which at the sizes we print (≥ 25 mm) still leaves modules of 0.6 mm or more — well
within what a phone camera resolves at arm's length.
"""

from __future__ import annotations

from io import BytesIO

import qrcode
from qrcode.constants import ERROR_CORRECT_Q
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage

ERROR_CORRECTION = ERROR_CORRECT_Q
QUIET_ZONE_MODULES = 4  # the blank margin that the QR standard asks for around the symbol


def qr_png(url: str, *, box_size: int = 10, border: int = QUIET_ZONE_MODULES) -> bytes:
    """A black-on-white PNG of the QR code for ``url``, ``box_size`` pixels per module and
    ``border`` modules of quiet zone."""
    image = _code(url, border=border, box_size=box_size).make_image(image_factory=PilImage)
    buffer = BytesIO()
    image.save(buffer, kind="PNG")
    return buffer.getvalue()


def qr_svg(url: str, *, border: int = QUIET_ZONE_MODULES) -> bytes:
    """The QR code for ``url`` as a UTF-8 SVG document: a single ``<path>`` of dark modules
    (no raster), with a ``viewBox`` in module units so that it scales to any size."""
    # A box of 10 is the library's 1 mm per module, so the SVG's own width and height are a
    # sensible physical default; the viewBox lets any layout scale it.
    image = _code(url, border=border, box_size=10).make_image(image_factory=SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def _code(url: str, *, border: int, box_size: int) -> qrcode.QRCode:
    if not url.strip():
        raise ValueError("A QR code needs a non-empty URL")
    # qrcode itself rejects box_size < 1 and border < 0 with ValueError.
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=border, box_size=box_size)
    code.add_data(url)
    code.make(fit=True)
    return code
