"""A minimal reader of the top-level boxes of an MP4/MOV file (ISO/IEC 14496-12 §4.2).

Each box starts with a 32-bit big-endian size and a four-character type. A size of 1 means a
64-bit size follows the type; a size of 0 means the box runs to the end of the file. Only the
top level is walked: that is where `moov` (the index) and `mdat` (the media data) sit.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_HEADER = struct.Struct(">I4s")
_LARGE_SIZE = struct.Struct(">Q")


@dataclass(frozen=True)
class Box:
    """One top-level box: its type, where it starts and how many bytes it declares (header
    included). `size` may exceed what the file holds when the file was cut short."""

    type: str
    offset: int
    size: int

    @property
    def end(self) -> int:
        return self.offset + self.size


def top_level_boxes(path: str | Path | BinaryIO) -> Iterator[Box]:
    """The top-level boxes in file order. The walk stops quietly at the first header that
    cannot be a box (too short, a size smaller than its own header, a non-printable type),
    so any file, even random bytes, can be passed. ``path`` may be an open seekable file."""
    if not isinstance(path, (str, Path)):
        yield from _walk(path)
        return
    with open(path, "rb") as file:
        yield from _walk(file)


def _walk(file: BinaryIO) -> Iterator[Box]:
    file_size = file.seek(0, 2)
    offset = 0
    while offset + _HEADER.size <= file_size:
        box = _read_box(file, offset, file_size)
        if box is None:
            return
        yield box
        offset = box.end


def is_faststart(path: str | Path) -> bool:
    """True when `moov` comes before `mdat`, so a player can start while the rest downloads.
    False when `mdat` comes first, when either box is missing, or for a file that is not MP4."""
    for box in top_level_boxes(path):
        if box.type == "moov":
            return True
        if box.type == "mdat":
            return False
    return False


def is_cut_short(path: str | Path | BinaryIO) -> bool:
    """True for a file that starts like an MP4 (`ftyp` first) but ends early: its last box
    declares more bytes than the file has, or the index (`moov`, which most cameras write
    last) never arrived. Files that are not MP4 give False; FFmpeg judges those."""
    boxes = list(top_level_boxes(path))
    if not boxes or boxes[0].type != "ftyp":
        return False
    size = Path(path).stat().st_size if isinstance(path, (str, Path)) else path.seek(0, 2)
    return boxes[-1].end > size or all(box.type != "moov" for box in boxes)


def _read_box(file: BinaryIO, offset: int, file_size: int) -> Box | None:
    file.seek(offset)
    size, raw_type = _HEADER.unpack(file.read(_HEADER.size))
    if not all(0x20 <= byte <= 0x7E for byte in raw_type):
        return None
    header = _HEADER.size
    if size == 1:
        large = file.read(_LARGE_SIZE.size)
        if len(large) < _LARGE_SIZE.size:
            return None
        (size,) = _LARGE_SIZE.unpack(large)
        header += _LARGE_SIZE.size
    elif size == 0:
        size = file_size - offset
    if size < header:
        return None
    return Box(type=raw_type.decode("ascii"), offset=offset, size=size)
