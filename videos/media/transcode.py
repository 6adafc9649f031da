"""Mobile-safe renditions: H.264 High@4.1 + AAC-LC in an MP4 whose index comes first.

Every player the product serves (AVPlayer, ExoPlayer, mobile Safari and Chrome) plays this in
hardware, starts before the download finishes (faststart) and needs no rotation support of its
own, because the rotation is baked into the pixels.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from videos.media.container import open_input
from videos.media.errors import TranscodeError
from videos.media.pipeline import Pipeline
from videos.media.probe import VideoInfo, probe
from videos.media.sizes import even_floor, fit_size

RENDITION_HEIGHTS = (1080, 720)


@dataclass(frozen=True)
class RenditionInfo:
    """A finished rendition: its file, displayed size, frame rate, measured duration (seconds),
    whether it carries sound, and its size and overall bitrate (bit/s)."""

    path: Path
    width: int
    height: int
    fps: float
    duration_seconds: float
    has_audio: bool
    size_bytes: int
    bitrate: int


def rendition_plan(info: VideoInfo) -> list[int]:
    """The heights to produce, largest first: a 1080 (or the source's own height if less)
    and a 720 when the source is taller than 720; otherwise the source's own height, made even.
    Each value is meant as `max_height` for transcode()."""
    height = even_floor(info.height)
    low = RENDITION_HEIGHTS[-1]
    if height > low:
        return [min(RENDITION_HEIGHTS[0], height), low]
    return [height]


def transcode(
    src: str | Path,
    dst: str | Path,
    *,
    max_height: int,
    progress: Callable[[float], None] | None = None,
    time_limit: float | None = None,
) -> RenditionInfo:
    """Write the rendition of `src` at most `max_height` pixels tall (as displayed) to `dst`.

    The picture is turned upright, scaled down (never up) to even sides and re-timed only to stay
    at or below 60 fps and level 4.1; sound becomes 128 kbit/s stereo 48 kHz AAC, or is absent
    when the source has none. `progress` receives 0 first, then rising percentages as frames are
    encoded (each at least a point above the last), then 100 once the file is complete.
    `dst` appears only when complete (it is written beside and renamed), so a retried job
    never serves half a file. Raises VideoRejectedError for an unusable source (as probe()
    does) and TranscodeError for a time_limit (seconds of wall time) overrun, a source that
    breaks part-way, or an FFmpeg failure.
    """
    deadline = None if time_limit is None else time.monotonic() + time_limit
    src, dst = Path(src), Path(dst)
    info = probe(src)
    width, height = fit_size(info.width, info.height, max_height)
    report = _Progress(progress)
    report(0.0)
    handle, name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".part", dir=dst.parent)
    os.close(handle)
    partial = Path(name)
    try:
        with open_input(src) as source:
            pipeline = Pipeline(
                source,
                partial,
                width=width,
                height=height,
                rotation=info.rotation,
                expected_seconds=info.duration_seconds,
                # 100 is kept for the finished file: the index is still to be written.
                on_progress=lambda percent: report(min(99.0, percent)),
                deadline=deadline,
                time_limit=time_limit,
            )
            fps = pipeline.run()
        os.replace(partial, dst)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    report(100.0)
    return _describe(dst, width, height, fps)


class _Progress:
    """Forwards percentages that rise by at least a point, so a caller that saves each call
    to the database makes about a hundred writes per rendition, not one per frame."""

    def __init__(self, callback: Callable[[float], None] | None) -> None:
        self.callback = callback
        self.last: float | None = None

    def __call__(self, percent: float) -> None:
        if self.callback is None or (self.last is not None and percent < self.last + 1):
            return
        self.last = percent
        self.callback(percent)


def _describe(path: Path, width: int, height: int, fps: Fraction) -> RenditionInfo:
    """Measure the finished file rather than trusting what was asked of the encoder."""
    try:
        with av.open(str(path)) as written:
            duration = (written.duration or 0) / av.time_base
            has_audio = bool(written.streams.audio)
    except av.FFmpegError as error:  # pragma: no cover - our own fresh file; would be an FFmpeg bug
        raise TranscodeError("The converted video could not be read back.", "failed") from error
    size_bytes = path.stat().st_size
    return RenditionInfo(
        path=path,
        width=width,
        height=height,
        fps=round(float(fps), 3),
        duration_seconds=round(duration, 3),
        has_audio=has_audio,
        size_bytes=size_bytes,
        bitrate=round(size_bytes * 8 / duration) if duration else 0,
    )
