"""Files made on request for one AR content: QR codes, the label and print-sheet PDFs, and
the export pack. Nothing here is stored; each answer reflects the current branding."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from arcontent.api.serializers import public_view_url
from arcontent.models import ARContent
from arcontent.printing.pdf import label_pdf, print_sheet_pdf
from arcontent.printing.qr import qr_png, qr_svg
from arcontent.scene import effective_scene
from companies.models import StoredFile

ZIP_CHUNK = 256 * 1024


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _name(content: ARContent, suffix: str) -> str:
    return f"{content.order_number}-{suffix}"


def _read(stored: StoredFile) -> bytes:
    with default_storage.open(stored.key, "rb") as handle:
        return handle.read()


def _logo(content: ARContent) -> bytes | None:
    logo = content.company.logo
    if not logo:
        return None
    try:
        with logo.open("rb") as handle:
            return handle.read()
    except OSError:  # a missing logo must not stop the label
        return None


def qr_png_response(content: ARContent) -> HttpResponse:
    return _download(qr_png(public_view_url(content)), "image/png", _name(content, "qr.png"))


def qr_svg_response(content: ARContent) -> HttpResponse:
    return _download(qr_svg(public_view_url(content)), "image/svg+xml", _name(content, "qr.svg"))


def label_pdf_response(content: ARContent, *, language: str) -> HttpResponse:
    pdf = label_pdf(
        url=public_view_url(content),
        order_number=content.order_number,
        company_name=content.company.name,
        brand_color=content.company.brand_color,
        logo=_logo(content),
        language=language,
        style=content.project.qr_label_style,
    )
    return _download(pdf, "application/pdf", _name(content, "label.pdf"))


def print_sheet_response(content: ARContent, *, language: str) -> HttpResponse:
    """The A4 sheet with the photo at its print size; the marker JPEG is what prints."""
    marker = content.marker_in_use
    if marker is None:
        raise ValidationError("The marker is not ready yet: wait until processing has finished.")
    try:
        pdf = print_sheet_pdf(
            photo_jpeg=_read(marker),
            print_width_cm=float(content.print_width_cm),
            print_height_cm=float(content.print_height_cm),
            url=public_view_url(content),
            order_number=content.order_number,
            company_name=content.company.name,
            language=language,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None
    return _download(pdf, "application/pdf", _name(content, "print-sheet.pdf"))


def _stream(handle: IO[bytes]) -> Iterator[bytes]:
    try:
        handle.seek(0)
        while chunk := handle.read(ZIP_CHUNK):
            yield chunk
    finally:
        handle.close()


def _described(name: str) -> str:
    """What a member of the export pack is, for its page (in the active language)."""
    if name.startswith("photo."):
        return gettext("the original photo")
    if name.startswith("videos/"):
        return gettext("a video of this living photo")
    return {
        "marker.jpg": gettext("the AR marker (the image that is printed and recognised)"),
        "target.mind": gettext("the web AR target, for MindAR"),
        "overlay.png": gettext("the overlay frame drawn above the video"),
        "qr.png": gettext("the QR code (PNG)"),
        "qr.svg": gettext("the QR code (vector SVG)"),
    }[name]


_CSS_FIT = {"cover": "cover", "contain": "contain", "stretch": "fill"}


def export_scene(content: ARContent) -> dict[str, Any]:
    """The scene as CSS for the pack's page: a file opened from disk cannot run the viewer's
    WebGL (no module scripts, every video "tainted"), so the box, fit, corners, loop, sound
    and fade are plain CSS and attributes; only the chroma key needs WebGL and is left out."""
    scene = effective_scene(content.project.scene_defaults, content.scene)
    half = scene.scale * 50
    return {
        "fit": _CSS_FIT[scene.fit],
        "left": f"{50 + scene.offset_x * 100 - half:.3f}%",
        "top": f"{50 - scene.offset_y * 100 - half:.3f}%",
        "size": f"{scene.scale * 100:.3f}%",
        # A fraction of the shorter side of the box (container units: the photo's size).
        "radius": f"calc({scene.corner_radius * scene.scale:.4f} * min(100cqw, 100cqh))",
        "ratio": f"{content.print_width_cm} / {content.print_height_cm}",
        "loop": scene.loop,
        "muted": not scene.sound_on,
        "fade_in_ms": scene.fade_in_ms,
    }


def export_zip_response(content: ARContent, *, language: str) -> StreamingHttpResponse:
    """A zip the customer can keep: original photo, marker, web target (when one was built),
    QR codes, videos (once they exist) and an index.html in ``language`` that shows them
    without ARVlite and lists exactly the files the zip holds."""
    members: list[tuple[str, StoredFile]] = []
    if content.photo:
        members.append((f"photo.{content.photo.key.rsplit('.', 1)[-1]}", content.photo))
    marker = content.marker_in_use
    if marker:
        members.append(("marker.jpg", marker))
    if content.web_target:
        members.append(("target.mind", content.web_target))
    if content.scene_overlay:
        members.append(("overlay.png", content.scene_overlay))
    videos = []
    for number, video in enumerate(
        content.videos.filter(status="ready").select_related("rendition_720", "rendition_1080"), 1
    ):
        rendition = video.rendition_720 or video.rendition_1080
        if rendition is not None:
            name = f"videos/{number:02d}.mp4"
            members.append((name, rendition))
            videos.append(name)

    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024**2)  # noqa: SIM115 - closed by _stream
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, stored in members:
            with default_storage.open(stored.key, "rb") as source, archive.open(name, "w") as target:
                while chunk := source.read(ZIP_CHUNK):
                    target.write(chunk)
        url = public_view_url(content)
        archive.writestr("qr.png", qr_png(url))
        archive.writestr("qr.svg", qr_svg(url))
        names = [*(name for name, _ in members), "qr.png", "qr.svg"]
        with translation.override(language):
            page = render_to_string(
                "arcontent/export_index.html",
                {
                    "content": content,
                    "files": [(name, _described(name)) for name in names],
                    "has_marker": marker is not None,
                    "url": url,
                    "videos": videos,
                    "language": translation.get_language(),
                    "scene": export_scene(content),
                    "has_overlay": content.scene_overlay is not None,
                },
            )
        archive.writestr("index.html", page)
    size = spool.tell()
    response = StreamingHttpResponse(_stream(spool), content_type="application/zip")
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = f'attachment; filename="{_name(content, "export.zip")}"'
    return response
