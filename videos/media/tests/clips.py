"""Small synthetic clips written with PyAV, so the tests need no fixture files and no ffmpeg
binary.

Every frame shows a drifting gradient (real motion for the encoder), a white square in the
top-left corner of the stored picture (to see where a rotation put it) and the frame number
in binary as eight black or white cells along the bottom edge (to see which frame a poster or
a rendition holds).
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

MARKER_SIDE_SHARE = 0.15
BITS = 8


def write_clip(
    path: Path,
    *,
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    seconds: float = 2.0,
    codec: str = "libx264",
    audio: str | None = "aac",
    audio_rate: int = 44_100,
    rotation: int = 0,
    faststart: bool = False,
    keyframe_every: int | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """Write a clip. `rotation` is the clockwise turn a player must apply (90 for a phone held
    upright), stored as a display matrix exactly as phones do; the mono sine tone at
    `audio_rate` makes the transcoder resample and upmix. Keyframes come every second, as
    phones write them, unless `keyframe_every` (frames; 1 = intra-only) says otherwise."""
    container_options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", options=container_options) as output:
        video = output.add_stream(codec, rate=fps, options=options or _fast_options(codec))
        assert isinstance(video, VideoStream), codec
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.gop_size = keyframe_every or fps
        if rotation:
            # PyAV takes the counter-clockwise angle of the display matrix.
            video.set_display_rotation(-rotation)
        sound = output.add_stream(audio, rate=audio_rate) if audio else None
        assert sound is None or isinstance(sound, AudioStream), audio
        if sound is not None:
            sound.codec_context.layout = "mono"
        tone = _tone_frames(seconds, audio_rate)
        for index in range(round(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(picture(index, width, height), format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            output.mux(video.encode(frame))
            # Interleave the sound up to this frame's time, as a camera would.
            while sound is not None and tone and (tone[0].pts or 0) <= (index + 1) * audio_rate / fps:
                output.mux(sound.encode(tone.pop(0)))
        output.mux(video.encode(None))
        if sound is not None:
            for chunk in tone:
                output.mux(sound.encode(chunk))
            output.mux(sound.encode(None))
    return path


def write_streamed_webm(path: Path, *, frames: int = 50, fps: int = 25) -> Path:
    """A VP9 WebM written as a browser's MediaRecorder writes it: to a stream that cannot seek
    back, so it declares no duration and has no index."""

    class Unseekable:
        def __init__(self, file: BinaryIO) -> None:
            self.file = file

        def write(self, data: bytes) -> int:
            return self.file.write(data)

    with open(path, "wb") as file, av.open(Unseekable(file), "w", format="webm") as output:
        video = output.add_stream("libvpx-vp9", rate=fps, options=_fast_options("libvpx-vp9"))
        video.width, video.height = 320, 240
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(picture(index, 320, 240), format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            output.mux(video.encode(frame))
        output.mux(video.encode(None))
    return path


def write_resolution_switch(path: Path, *, fps: int = 25) -> Path:
    """An MPEG-TS whose picture drops from 320×240 to 160×120 after one second, as a browser
    recording does when the device gets busy."""
    with av.open(str(path), "w", format="mpegts") as output:
        stream = output.add_mux_stream("h264", rate=fps)
        stream.time_base = Fraction(1, 90_000)
        for width, height, first in ((320, 240, 0), (160, 120, fps)):
            encoder = av.CodecContext.create("libx264", "w")
            encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuv420p"
            encoder.time_base, encoder.framerate = Fraction(1, fps), Fraction(fps)
            encoder.options = _fast_options("libx264")
            frames = [
                av.VideoFrame.from_ndarray(picture(i, width, height), format="rgb24")
                for i in range(first, first + fps)
            ]
            for index, frame in enumerate(frames, start=first):
                frame.pts, frame.time_base = index, Fraction(1, fps)
            for packet in [*(p for f in frames for p in encoder.encode(f)), *encoder.encode(None)]:
                packet.stream = stream
                output.mux(packet)
    return path


def picture(index: int, width: int, height: int) -> np.ndarray:
    """Frame `index` as an RGB array (see the module docstring)."""
    columns = np.arange(width, dtype=np.float32)[None, :]
    rows = np.arange(height, dtype=np.float32)[:, None]
    shade = 128 + 100 * np.sin((columns + rows * 0.5 + index * 6) / 23.0)
    image = np.repeat(shade[:, :, None], 3, axis=2).astype(np.uint8)
    image[:, :, 2] = (index * 7) % 256
    side = int(min(width, height) * MARKER_SIDE_SHARE)
    image[:side, :side] = 255
    cell = width // BITS
    for bit in range(BITS):
        image[height - cell // 2 :, bit * cell : (bit + 1) * cell] = 255 if index >> bit & 1 else 0
    return image


def read_frame_number(rgb: np.ndarray) -> int:
    """The frame number drawn by `picture`, read back from an upright RGB array."""
    height, width = rgb.shape[:2]
    cell = width // BITS
    strip = rgb[height - cell // 4 :, :, :].mean(axis=2)
    bits = [
        strip[:, bit * cell + cell // 4 : (bit + 1) * cell - cell // 4].mean() > 128 for bit in range(BITS)
    ]
    return sum(1 << bit for bit, on in enumerate(bits) if on)


def marker_corner(rgb: np.ndarray) -> str:
    """Which corner of an upright RGB array holds the white marker square."""
    height, width = rgb.shape[:2]
    side = max(4, int(min(width, height) * MARKER_SIDE_SHARE) // 2)
    corners = {
        "top-left": rgb[:side, :side],
        "top-right": rgb[:side, -side:],
        "bottom-left": rgb[-side:, :side],
        "bottom-right": rgb[-side:, -side:],
    }
    return max(corners, key=lambda name: float(corners[name].mean()))


def _fast_options(codec: str) -> dict[str, str]:
    if codec == "libx264":
        return {"preset": "ultrafast", "crf": "18"}
    if codec == "libx265":
        return {"preset": "ultrafast", "x265-params": "log-level=error"}
    if codec == "libvpx-vp9":
        return {"deadline": "realtime", "cpu-used": "8", "b": "1M"}
    return {}


def _tone_frames(seconds: float, rate: int) -> list[av.AudioFrame]:
    """A 440 Hz mono sine lasting `seconds`, in frames of 1024 samples."""
    total = round(seconds * rate)
    frames = []
    for start in range(0, total, 1024):
        samples = np.arange(start, min(start + 1024, total), dtype=np.float32)
        tone = (0.3 * np.sin(2 * math.pi * 440 * samples / rate)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(tone[None, :], format="flt", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
        frames.append(frame)
    return frames
