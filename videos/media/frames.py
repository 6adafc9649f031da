"""Still pictures of a video: the poster shown before playback and the portal thumbnails."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from arvlite.core.thumbnails import make_thumbnails
from videos.media.container import open_input, packets_until_damage, require_video_stream
from videos.media.errors import UNDECODABLE, VideoRejectedError
from videos.media.filters import drain, needs_filter, video_graph
from videos.media.probe import declared_duration, frame_rotation
from videos.media.sizes import display_size, fit_size

POSTER_SECONDS = 1.0
# The poster stands in for the video until it plays, so it is as large as the largest rendition.
POSTER_MAX_HEIGHT = 1080
POSTER_JPEG_QUALITY = 85


def poster(src: str | Path, *, at_seconds: float = POSTER_SECONDS) -> bytes:
    """A baseline JPEG (quality 85) of the frame shown nearest to `at_seconds`, or of the first
    frame when the clip is not longer than that; upright, at most 1080 px tall, never enlarged."""
    return poster_jpeg(frame_image(src, at_seconds=at_seconds))


def poster_jpeg(image: Image.Image) -> bytes:
    """The poster file of a poster frame (see poster())."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=POSTER_JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def thumbnails(src: str | Path) -> dict[str, bytes]:
    """WebP thumbnails of the poster frame keyed "150x112", "320x240" and "640x480", made
    exactly like the photo thumbnails: scaled to cover each size, then centre-cropped."""
    return make_thumbnails(frame_image(src))


def frame_image(src: str | Path, *, at_seconds: float = POSTER_SECONDS) -> Image.Image:
    """The poster frame as an RGB image (see poster()). Refuses an unusable file with
    VideoRejectedError, like probe()."""
    with open_input(src) as container:
        stream = require_video_stream(container)
        return upright_image(_frame_near(container, stream, at_seconds), stream.sample_aspect_ratio)


def upright_image(frame: VideoFrame, sample_aspect: Fraction | None) -> Image.Image:
    """A decoded frame as the RGB picture players show: turned upright, with square pixels,
    at most POSTER_MAX_HEIGHT tall, never enlarged."""
    rotation = frame_rotation(frame)
    shown = display_size(frame.width, frame.height, rotation, sample_aspect)
    width, height = fit_size(*shown, POSTER_MAX_HEIGHT)
    if needs_filter(frame, width=width, height=height, rotation=rotation, rate=None):
        graph = video_graph(frame, width=width, height=height, rotation=rotation, sample_aspect=sample_aspect)
        graph.vpush(frame)
        graph.vpush(None)
        frame = drain(graph)[0]
    return frame.to_image()


def _frame_near(container: InputContainer, stream: VideoStream, at_seconds: float) -> VideoFrame:
    """The decoded frame whose time is nearest to `at_seconds` after the stream's start."""
    duration = declared_duration(container) or 0.0
    target = at_seconds if duration > at_seconds else 0.0
    time_base = stream.time_base
    if time_base is None:  # pragma: no cover - demuxers give each stream one; PyAV types it optional
        raise VideoRejectedError(UNDECODABLE, "undecodable")
    start = float(stream.start_time * time_base) if stream.start_time is not None else 0.0
    if target > 0:
        # Lands on the keyframe before the target; decoding forward from there finds it. If the
        # file cannot seek, decoding simply starts from the beginning.
        with contextlib.suppress(av.FFmpegError):
            container.seek(round((start + target) / time_base), stream=stream, backward=True)
    best: VideoFrame | None = None
    for frame in _decoded(container, stream):
        offset = frame.time - start
        if best is None or abs(offset - target) < abs(best.time - start - target):
            best = frame
        if offset >= target:
            break
    if best is None:
        raise VideoRejectedError(UNDECODABLE, "undecodable")
    return best


def _decoded(container: InputContainer, stream: VideoStream) -> Iterator[VideoFrame]:
    """Timed frames of `stream` from where the demuxer stands, skipping damaged packets."""
    for packet in packets_until_damage(container, stream):
        with contextlib.suppress(av.FFmpegError, ValueError):
            yield from (frame for frame in packet.decode() if frame.time is not None)
