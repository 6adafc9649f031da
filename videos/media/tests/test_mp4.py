from __future__ import annotations

import struct
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from videos.media.mp4 import Box, is_cut_short, is_faststart, top_level_boxes
from videos.media.tests.conftest import cut


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_it_lists_the_top_level_boxes_in_order(tmp_path: Path) -> None:
    path = write(tmp_path / "a.mp4", box(b"ftyp", b"isom") + box(b"moov", b"x" * 10) + box(b"mdat", b"y" * 5))

    assert list(top_level_boxes(path)) == [Box("ftyp", 0, 12), Box("moov", 12, 18), Box("mdat", 30, 13)]


def test_it_reads_a_64_bit_box_size(tmp_path: Path) -> None:
    large_mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + 4) + b"data"
    path = write(tmp_path / "a.mp4", box(b"ftyp") + large_mdat + box(b"moov"))

    assert [(b.type, b.size) for b in top_level_boxes(path)] == [("ftyp", 8), ("mdat", 20), ("moov", 8)]
    assert not is_faststart(path)


def test_a_size_of_zero_runs_to_the_end_of_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.mp4", box(b"ftyp") + box(b"moov") + struct.pack(">I4s", 0, b"mdat") + b"z" * 100
    )

    assert list(top_level_boxes(path))[-1] == Box("mdat", 16, 108)
    assert is_faststart(path)


def test_it_stops_at_a_header_that_cannot_be_a_box(tmp_path: Path) -> None:
    too_small = struct.pack(">I4s", 4, b"free")
    truncated_large = struct.pack(">I4s", 1, b"mdat") + b"\x00\x00"
    for tail in (too_small, truncated_large, b"\x00\x00\x00\x10\x00\x01\x02\x03"):
        path = write(tmp_path / "a.mp4", box(b"ftyp") + tail)
        assert [b.type for b in top_level_boxes(path)] == ["ftyp"]


def test_faststart_needs_moov_before_mdat(tmp_path: Path, h264_clip: Path, faststart_clip: Path) -> None:
    assert is_faststart(faststart_clip)
    assert not is_faststart(h264_clip)
    assert not is_faststart(write(tmp_path / "no_moov.mp4", box(b"ftyp") + box(b"free")))
    assert not is_faststart(write(tmp_path / "text.mp4", b"just some text, not a video at all"))
    assert not is_faststart(write(tmp_path / "empty.mp4", b""))


def test_it_tells_a_file_cut_short(tmp_path: Path, h264_clip: Path, faststart_clip: Path) -> None:
    assert not is_cut_short(h264_clip)
    assert not is_cut_short(faststart_clip)
    assert is_cut_short(cut(h264_clip, tmp_path / "camera.mp4"))  # the index never arrived
    assert is_cut_short(cut(faststart_clip, tmp_path / "fast.mp4"))  # the media data stops early
    assert not is_cut_short(write(tmp_path / "webm.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 40))
    assert not is_cut_short(write(tmp_path / "empty.mp4", b""))


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_are_walked_without_error(tmp_path_factory, data: bytes) -> None:
    path = write(tmp_path_factory.mktemp("fuzz") / "x.mp4", data)

    boxes = list(top_level_boxes(path))

    assert all(b.size >= 8 and b.offset < len(data) for b in boxes)
    assert isinstance(is_faststart(path), bool)
    assert isinstance(is_cut_short(path), bool)
