"""Clips shared by the media tests, written once per run into a temporary directory (about a
second in all). No database: these tests use no db fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from videos.media.tests.clips import write_clip, write_resolution_switch, write_streamed_webm


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def h264_clip(clip_dir: Path) -> Path:
    """640×360 at 25 fps for 2 s, H.264 + mono 44.1 kHz AAC, index at the end (like a camera)."""
    return write_clip(clip_dir / "h264.mp4", width=640, height=360)


@pytest.fixture(scope="session")
def faststart_clip(clip_dir: Path) -> Path:
    return write_clip(clip_dir / "faststart.mp4", faststart=True)


@pytest.fixture(scope="session")
def hevc_clip(clip_dir: Path) -> Path:
    """HEVC, as recent iPhones record."""
    return write_clip(clip_dir / "hevc.mp4", codec="libx265")


@pytest.fixture(scope="session")
def vp9_clip(clip_dir: Path) -> Path:
    return write_clip(clip_dir / "vp9.webm", codec="libvpx-vp9", audio="libopus", audio_rate=48_000)


@pytest.fixture(scope="session")
def portrait_clip(clip_dir: Path) -> Path:
    """A phone held upright: stored 640×360, displayed turned 90° clockwise."""
    return write_clip(clip_dir / "portrait.mp4", width=640, height=360, rotation=90)


@pytest.fixture(scope="session")
def silent_clip(clip_dir: Path) -> Path:
    return write_clip(clip_dir / "silent.mp4", audio=None)


@pytest.fixture(scope="session")
def short_clip(clip_dir: Path) -> Path:
    return write_clip(clip_dir / "short.mp4", seconds=0.4)


@pytest.fixture(scope="session")
def fast_motion_clip(clip_dir: Path) -> Path:
    """120 fps slow-motion footage."""
    return write_clip(clip_dir / "fast_motion.mp4", width=160, height=120, fps=120, seconds=1.0)


@pytest.fixture(scope="session")
def intra_only_clip(clip_dir: Path) -> Path:
    """Every frame a keyframe, as some editors export."""
    return write_clip(clip_dir / "intra.mp4", keyframe_every=1, audio=None)


@pytest.fixture(scope="session")
def streamed_webm(clip_dir: Path) -> Path:
    """A browser recording: no declared duration, no index."""
    return write_streamed_webm(clip_dir / "recording.webm")


@pytest.fixture(scope="session")
def avi_with_b_frames(clip_dir: Path) -> Path:
    """AVI stores no presentation times, so B-frames come out of the decoder mis-stamped."""
    return write_clip(clip_dir / "camera.avi", audio="mp3", options={"preset": "ultrafast", "bf": "2"})


@pytest.fixture(scope="session")
def resolution_switch(clip_dir: Path) -> Path:
    return write_resolution_switch(clip_dir / "switch.ts")


def cut(source: Path, target: Path, share: float = 0.5) -> Path:
    """A copy of `source` that stops after `share` of its bytes, like an interrupted upload."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * share)])
    return target
