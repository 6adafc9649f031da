"""What an uploaded video is, and whether it is usable at all.

The header alone is not trusted: a file can have a perfect header and no playable picture,
or an index that promises ten seconds the file no longer holds. So the probe also decodes
the first frames and reads the packets of the last seconds.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from videos.media import mp4
from videos.media.container import (
    file_size,
    open_input,
    packets_until_damage,
    pick_audio_stream,
    require_video_stream,
)
from videos.media.errors import ONE_FRAME, TOO_MANY_STREAMS, TRUNCATED, UNDECODABLE, VideoRejectedError
from videos.media.sizes import display_size

FRAMES_TO_DECODE = 2
# Phones and editors write a picture, a sound track or two, and some metadata tracks; a file
# with dozens of tracks is made to cost the demuxer, not to be watched.
MAX_STREAMS = 16
# A few broken packets before the first picture (a damaged first GOP of a camera file) are
# survivable; a file whose packets keep failing is not.
DECODE_ERRORS_TOLERATED = 8
# How far before the declared end the packets are read to prove that the end is really there.
TAIL_SECONDS = 2.0
# The last packet may end a little before the declared duration (audio priming, rounding in the
# index); a cut file misses far more than this.
TRUNCATION_SLACK_SECONDS = 0.5
TRUNCATION_SLACK_SHARE = 0.02


@dataclass(frozen=True)
class VideoInfo:
    """Facts about an accepted video. `width` and `height` are as displayed (rotation
    applied); `rotation` is the clockwise turn players apply to the stored picture;
    `bitrate` is the whole file's, in bits per second."""

    duration_seconds: int
    width: int
    height: int
    fps: float
    codec: str
    has_audio: bool
    rotation: int
    bitrate: int
    size_bytes: int


def probe(path: str | Path | BinaryIO, *, max_seconds: float | None = None) -> VideoInfo:
    """Describe the video at `path`, or refuse it with VideoRejectedError (codes empty,
    not_a_video, no_video_stream, too_many_streams, undecodable, one_frame, too_long,
    truncated). Any content, even random
    bytes, ends in one of the two; a missing file raises FileNotFoundError, since that is the
    caller's fault and not the user's. `path` may also be an open seekable file (the parts of
    an upload still in storage, read by range)."""
    if isinstance(path, str):
        path = Path(path)
    if mp4.is_cut_short(path):
        raise VideoRejectedError(TRUNCATED, "truncated")
    with open_input(path) as container:
        if len(container.streams) > MAX_STREAMS:
            raise VideoRejectedError(TOO_MANY_STREAMS, "too_many_streams")
        stream = require_video_stream(container)
        first, fps = _first_frames(container, stream)
        start = (container.start_time or 0) / av.time_base
        declared = declared_duration(container)
        # Without a declared duration (a stream with no index) there is nothing to hold the end
        # against: what the packets cover is the video.
        duration = declared if declared is not None else _covered(container, start)
        if max_seconds is not None and duration > max_seconds:
            raise VideoRejectedError(
                f"The video is {_clock(duration)} long; the limit is {_clock(max_seconds)}. "
                "Please trim it and upload it again.",
                "too_long",
            )
        if declared is not None:
            _refuse_if_cut_short(container, start, declared)
        size_bytes = file_size(path)
        rotation = frame_rotation(first)
        width, height = display_size(first.width, first.height, rotation, stream.sample_aspect_ratio)
        return VideoInfo(
            duration_seconds=max(1, math.floor(duration + 0.5)),
            width=width,
            height=height,
            fps=fps,
            codec=stream.codec_context.codec.canonical_name,
            has_audio=pick_audio_stream(container) is not None,
            rotation=rotation,
            bitrate=container.bit_rate or (round(size_bytes * 8 / duration) if duration else 0),
            size_bytes=size_bytes,
        )


def frame_rotation(frame: VideoFrame) -> int:
    """The clockwise turn (0, 90, 180 or 270) that shows `frame` upright. FFmpeg reports the
    display matrix as a counter-clockwise angle; phones only ever use right angles, anything
    else is snapped to the nearest one."""
    clockwise = -frame.rotation % 360
    return round(clockwise / 90) % 4 * 90


def declared_duration(container: InputContainer) -> float | None:
    """The duration in seconds the file's header or index claims (FFmpeg derives it from the
    streams' own durations too), if it claims one."""
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    return None


def _first_frames(container: InputContainer, stream: VideoStream) -> tuple[VideoFrame, float]:
    """The first decoded frame and the frame rate, after decoding FRAMES_TO_DECODE frames."""
    frames: list[VideoFrame] = []
    errors = 0
    packets_left = True
    for packet in packets_until_damage(container, stream):
        try:
            frames.extend(packet.decode())
        except (av.FFmpegError, ValueError):
            errors += 1
        if len(frames) >= FRAMES_TO_DECODE or errors > DECODE_ERRORS_TOLERATED:
            break
    else:
        packets_left = False
    if not frames:
        raise VideoRejectedError(UNDECODABLE, "undecodable")
    if len(frames) == 1 and not packets_left and errors == 0:
        # Every packet was read and decoded cleanly, and they held one picture: a still.
        raise VideoRejectedError(ONE_FRAME, "one_frame")
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return frames[0], round(float(rate or 0), 3)


def _covered(container: InputContainer, start: float) -> float:
    """Seconds from `start` to the end of the last packet, reading on from where the demuxer is."""
    return max(0.0, (_end_of_packets(container, seek_to=None) or start) - start)


def _refuse_if_cut_short(container: InputContainer, start: float, duration: float) -> None:
    """Read the packets of the last TAIL_SECONDS; raise truncated unless they reach the
    declared end."""
    end = _end_of_packets(container, seek_to=start + duration - TAIL_SECONDS)
    slack = TRUNCATION_SLACK_SECONDS + TRUNCATION_SLACK_SHARE * duration
    if end is None or end - start < duration - slack:
        raise VideoRejectedError(TRUNCATED, "truncated")


def _end_of_packets(container: InputContainer, *, seek_to: float | None) -> float | None:
    """The latest time (seconds) any packet reaches, reading from `seek_to` (or from where the
    demuxer stands) to the end of the file. Only packets are read, nothing is decoded, so this
    costs little even for 4K footage."""
    if seek_to is not None:
        # A video shorter than the tail is read again from its start (the first frames have
        # used its packets up). A file that cannot seek is read on from where it stands.
        with contextlib.suppress(av.FFmpegError):
            container.seek(int(max(seek_to, 0.0) * av.time_base), backward=True)
    end: float | None = None
    for packet in packets_until_damage(container):
        stamp = packet.pts if packet.pts is not None else packet.dts
        if stamp is not None and packet.time_base is not None:
            packet_end = float((stamp + (packet.duration or 0)) * packet.time_base)
            end = packet_end if end is None else max(end, packet_end)
    return end


def _clock(seconds: float) -> str:
    """12 s, 4 min 5 s, 1 h 2 min: how a duration is written in messages."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "", f"{secs} s" if secs else ""]
    return " ".join(part for part in parts if part) or "0 s"
