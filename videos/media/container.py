"""Opening an untrusted upload with FFmpeg.

FFmpeg can read hundreds of formats, and some of them (HLS and concat playlists, image
sequences) make it open other files or URLs named inside the upload. A file renamed to .mp4
is probed by content, not by name, so the formats and protocols are limited here to what
phones, cameras and editors actually produce.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import av
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.packet import Packet
from av.stream import Disposition, Stream
from av.video.stream import VideoStream

from videos.media.errors import EMPTY, NO_VIDEO_STREAM, NOT_A_VIDEO, VideoRejectedError

# Demuxer names as FFmpeg spells them: "mov" also reads MP4, M4V and 3GP; "matroska" reads MKV
# and WebM; "mpegts" reads camcorder .mts/.m2ts.
ALLOWED_FORMATS = ("mov", "matroska", "avi", "mpegts", "mpeg", "flv", "asf", "ogg")

_OPTIONS = {"format_whitelist": ",".join(ALLOWED_FORMATS), "protocol_whitelist": "file"}


def open_input(path: str | Path | BinaryIO) -> InputContainer:
    """Open a local file (or an open seekable file: no protocol is involved then) for
    reading. An empty file is refused with VideoRejectedError code "empty", one FFmpeg
    cannot read as one of ALLOWED_FORMATS with "not_a_video"."""
    if file_size(path) == 0:
        raise VideoRejectedError(EMPTY, "empty")
    try:
        if not isinstance(path, (str, Path)):
            path.seek(0)
            return av.open(path, "r", container_options={"format_whitelist": _OPTIONS["format_whitelist"]})
        return av.open(str(path), "r", container_options=_OPTIONS)
    except (av.FFmpegError, ValueError) as error:
        raise VideoRejectedError(NOT_A_VIDEO, "not_a_video") from error


def file_size(path: str | Path | BinaryIO) -> int:
    """Bytes in a local file or an open seekable file."""
    if isinstance(path, (str, Path)):
        return Path(path).stat().st_size
    return path.seek(0, 2)


def pick_video_stream(container: InputContainer) -> VideoStream | None:
    """The first video stream that is real footage. Cover art in audio files and thumbnails in
    some MOV files are video streams too, flagged as attached pictures; those do not count."""
    footage = (
        stream for stream in container.streams.video if not stream.disposition & Disposition.attached_pic
    )
    return next(footage, None)


def require_video_stream(container: InputContainer) -> VideoStream:
    """pick_video_stream(), refusing a file without footage (code "no_video_stream")."""
    stream = pick_video_stream(container)
    if stream is None:
        raise VideoRejectedError(NO_VIDEO_STREAM, "no_video_stream")
    return stream


def pick_audio_stream(container: InputContainer) -> AudioStream | None:
    """The first audio stream FFmpeg has a decoder for (an unknown codec counts as silence
    rather than failing the whole video)."""
    return next((stream for stream in container.streams.audio if stream.codec_context is not None), None)


def packets_until_damage(container: InputContainer, *streams: Stream) -> Iterator[Packet]:
    """The packets of `streams` (all streams if none are given) from where the demuxer stands to
    the end of the file, or up to where the container itself is damaged: the caller judges the
    file by what it got."""
    try:
        yield from container.demux(*streams)
    except (av.FFmpegError, ValueError):  # pragma: no cover - FFmpeg's demuxers mostly resync on damage
        return
