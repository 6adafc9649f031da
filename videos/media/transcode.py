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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

from videos.media.container import open_input
from videos.media.errors import TranscodeError
from videos.media.frames import POSTER_SECONDS, upright_image
from videos.media.pipeline import Pipeline, Target
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
    Each value is meant as a `max_height` for transcode_all()."""
    height = even_floor(info.height)
    low = RENDITION_HEIGHTS[-1]
    if height > low:
        return [min(RENDITION_HEIGHTS[0], height), low]
    return [height]


@dataclass(frozen=True)
class Transcoded:
    """What one pass over a source made: its renditions, in the order asked, and the poster
    frame (upright, at most POSTER_MAX_HEIGHT tall; None if not asked for or never decoded)."""

    renditions: list[RenditionInfo]
    poster: Image.Image | None


def transcode(
    src: str | Path,
    dst: str | Path,
    *,
    max_height: int,
    progress: Callable[[float], None] | None = None,
    time_limit: float | None = None,
) -> RenditionInfo:
    """Write the rendition of `src` at most `max_height` pixels tall (as displayed) to `dst`;
    transcode_all() with one target and no poster."""
    made = transcode_all(src, [(dst, max_height)], progress=progress, time_limit=time_limit, poster_at=None)
    return made.renditions[0]


def transcode_all(
    src: str | Path,
    targets: Sequence[tuple[str | Path, int]],
    *,
    progress: Callable[[float], None] | None = None,
    time_limit: float | None = None,
    poster_at: float | None = POSTER_SECONDS,
    info: VideoInfo | None = None,
) -> Transcoded:
    """Write a rendition of `src` for each (`dst`, `max_height`) of `targets`, decoding the
    source once, and keep the frame shown nearest to `poster_at` seconds for the poster.

    Each picture is turned upright, scaled down (never up) to even sides and re-timed only to
    stay at or below 60 fps and level 4.1; sound becomes 128 kbit/s stereo 48 kHz AAC, or is
    absent when the source has none. `progress` receives 0 first, then rising percentages as
    the source is worked through (each at least a point above the last), then 100 once every
    file is complete. Each `dst` appears only when complete (it is written beside and
    renamed), so a retried job never serves half a file. Raises VideoRejectedError for an
    unusable source (as probe() does) and TranscodeError for a time_limit (seconds of wall
    time) overrun, a source that breaks part-way, or an FFmpeg failure. `info` is the
    source's probe() when the caller has it already.
    """
    deadline = None if time_limit is None else time.monotonic() + time_limit
    src = Path(src)
    info = info or probe(src)
    report = _Progress(progress)
    report(0.0)
    planned = [(Path(dst), *fit_size(info.width, info.height, height)) for dst, height in targets]
    with contextlib.ExitStack() as cleanup:
        partials = [cleanup.enter_context(_partial_beside(dst)) for dst, _, _ in planned]
        with open_input(src) as source:
            pipeline = Pipeline(
                source,
                [
                    Target(partial, width, height)
                    for partial, (_, width, height) in zip(partials, planned, strict=True)
                ],
                rotation=info.rotation,
                expected_seconds=info.duration_seconds,
                # 100 is kept for the finished files: the indexes are still to be written.
                on_progress=lambda percent: report(min(99.0, percent)),
                deadline=deadline,
                time_limit=time_limit,
                poster_at=poster_at,
            )
            rates = pipeline.run()
            picked = pipeline.poster_frame
            poster = upright_image(picked, pipeline.video_in.sample_aspect_ratio) if picked else None
        for partial, (dst, _, _) in zip(partials, planned, strict=True):
            os.replace(partial, dst)
    report(100.0)
    renditions = [
        _describe(dst, width, height, fps) for (dst, width, height), fps in zip(planned, rates, strict=True)
    ]
    return Transcoded(renditions=renditions, poster=poster)


@contextlib.contextmanager
def _partial_beside(dst: Path) -> Iterator[Path]:
    """A fresh temporary name next to `dst`, removed on the way out unless renamed."""
    handle, name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".part", dir=dst.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


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
