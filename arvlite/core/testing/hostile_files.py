"""Hostile uploads made on the fly, so no binary file is committed that a test could make.

Every function returns the bytes of one file meant to be refused (or failed with a reason):
renamed text, pages with scripts, polyglots, decompression bombs, cut and corrupt media,
videos with no picture, one frame, or absurd tracks. Real media are written with Pillow and
PyAV; the damage is done to their bytes afterwards.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
import zlib
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from av.video.stream import VideoStream
from PIL import Image

SCRIPT_HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n"
SCRIPT_SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
    b"<script>alert(document.cookie)</script><rect width='64' height='64'/></svg>"
)


def _textured(width: int, height: int) -> Image.Image:
    ramp = np.add.outer(np.arange(height) * 3, np.arange(width) * 5) % 256
    return Image.fromarray(np.stack([ramp, ramp[::-1], (ramp * 7) % 256], -1).astype(np.uint8))


def jpeg(width: int = 320, height: int = 240, **save: object) -> bytes:
    buffer = io.BytesIO()
    _textured(width, height).save(buffer, format="JPEG", quality=90, **save)
    return buffer.getvalue()


def png(width: int = 320, height: int = 240) -> bytes:
    buffer = io.BytesIO()
    _textured(width, height).save(buffer, format="PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int, idat: bytes = b"") -> bytes:
    """A PNG whose header declares ``width`` × ``height`` RGB, with ``idat`` as its data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def zlib_bomb_png(inflated_bytes: int = 1024**3) -> bytes:
    """A 1×1 PNG whose IDAT inflates to ``inflated_bytes`` of zeros (about 1 MB compressed)."""
    packer = zlib.compressobj(9)
    zeros = bytes(1024**2)
    parts = [packer.compress(zeros) for _ in range(inflated_bytes // len(zeros))]
    parts.append(packer.flush())
    return png_declaring(1, 1, b"".join(parts))


def jpeg_with_zip() -> bytes:
    """A JPEG with a zip archive appended: an image to a browser, an archive to unzip."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("payload.html", SCRIPT_HTML)
    return jpeg() + archive.getvalue()


def png_with_html() -> bytes:
    return png() + SCRIPT_HTML


def truncated(data: bytes, share: float = 0.6) -> bytes:
    return data[: int(len(data) * share)]


def corrupt_jpeg() -> bytes:
    """A JPEG whose Huffman tables are overwritten with noise, so its scan cannot be decoded."""
    data = bytearray(jpeg())
    at = data.index(b"\xff\xc4")
    while at != -1:
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        data[at + 5 : at + 2 + length] = bytes([0xFF]) * (length - 3)
        at = data.find(b"\xff\xc4", at + 2 + length)
    return bytes(data)


def corrupt_png() -> bytes:
    """A PNG with its compressed data scrambled (the checksums no longer match)."""
    data = bytearray(png())
    start = data.index(b"IDAT") + 8
    data[start : start + 200] = bytes(range(200))
    return bytes(data)


def jpeg_with_huge_exif(segments: int = 40) -> bytes:
    """A small JPEG carrying ``segments`` APP1 blocks of 64 kB each (2.5 MB of metadata)."""
    data = jpeg(64, 48)
    blob = b"\xff\xe1" + struct.pack(">H", 65535) + b"Exif\x00\x00" + bytes(65527)
    return data[:2] + blob * segments + data[2:]


def jpeg_with_bogus_orientation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 57  # orientation is 1 to 8
    return jpeg(exif=exif.tobytes())


def clip(
    *, frames: int = 25, width: int = 160, height: int = 120, codec: str = "libx264",
    pix_fmt: str = "yuv420p", container: str = "mp4", audio_streams: int = 0, video: bool = True,
) -> bytes:  # fmt: skip
    """A real clip written with PyAV: ``frames`` frames of a moving gradient at 25 fps and
    ``audio_streams`` silent AAC tracks (only sound when ``video`` is False)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"clip.{container}"
        with av.open(str(path), "w", format=container) as out:
            picture: VideoStream | None = None
            if video:
                picture = cast(VideoStream, out.add_stream(codec, rate=25))
                picture.width, picture.height, picture.pix_fmt = width, height, pix_fmt
                if codec == "libx265":
                    picture.options = {"x265-params": "log-level=none"}
            sounds = [out.add_stream("aac", rate=44_100) for _ in range(audio_streams)]
            if picture is not None:
                for index in range(frames):
                    ramp = (np.add.outer(np.arange(height), np.arange(width)) + index * 4) % 256
                    rgb = np.stack([ramp, ramp, ramp], -1).astype(np.uint8)
                    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format=pix_fmt)
                    frame.pts, frame.time_base = index, Fraction(1, 25)
                    out.mux(picture.encode(frame))
                out.mux(picture.encode())
            for sound in sounds:
                seconds = max(frames, 1) / 25
                for start in range(0, int(44_100 * seconds), 1024):
                    samples = np.zeros((1, 1024), np.float32)
                    silence = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
                    silence.sample_rate, silence.pts = 44_100, start
                    out.mux(sound.encode(silence))
                out.mux(sound.encode())
        return path.read_bytes()


def mp4_with_huge_duration() -> bytes:
    """A real clip whose movie and track headers claim about 49 days."""
    data = bytearray(clip())
    for box in (b"mvhd", b"tkhd", b"mdhd"):
        at = data.find(box)
        while at != -1:
            version = data[at + 4]
            # version 0: 4-byte created, modified, (timescale or track id), ... duration
            offset = {b"mvhd": 20, b"mdhd": 20, b"tkhd": 24}[box] if version == 0 else None
            if offset is not None:
                data[at + offset : at + offset + 4] = b"\xff\xff\xff\xf0"
            at = data.find(box, at + 4)
    return bytes(data)


def corrupt_mp4() -> bytes:
    """A real clip whose index (``moov``) is overwritten with noise."""
    data = bytearray(clip())
    at = data.find(b"moov") + 4
    size = int.from_bytes(data[at - 8 : at - 4], "big") - 8
    data[at : at + size] = bytes((index * 97 + 13) % 256 for index in range(size))
    return bytes(data)
