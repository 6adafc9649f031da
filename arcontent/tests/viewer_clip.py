"""A fake camera for browser tests: a YUV4MPEG2 clip of a printed photo held in front of a
grey wall, which Chromium plays as its camera (--use-file-for-fake-video-capture)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

FRAME_SIZE = (640, 480)
PHOTO_SIZE = (480, 360)
WALL_GREY = 128


def camera_frame(photo: bytes) -> Image.Image:
    """The photo scaled to PHOTO_SIZE, centred on a grey FRAME_SIZE frame."""
    frame = Image.new("RGB", FRAME_SIZE, (WALL_GREY,) * 3)
    picture = Image.open(io.BytesIO(photo)).convert("RGB").resize(PHOTO_SIZE, Image.Resampling.LANCZOS)
    frame.paste(picture, ((FRAME_SIZE[0] - PHOTO_SIZE[0]) // 2, (FRAME_SIZE[1] - PHOTO_SIZE[1]) // 2))
    return frame


def write_y4m(path: Path, frame: Image.Image, *, fps: int = 15, seconds: float = 4.0) -> Path:
    """A still frame repeated for `seconds`, as 4:2:0 planes (Y full size, Cb and Cr halved)."""
    width, height = frame.size
    luma, blue, red = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = [
        np.asarray(luma, dtype=np.uint8).tobytes(),
        np.asarray(blue.resize(half, Image.Resampling.BOX), dtype=np.uint8).tobytes(),
        np.asarray(red.resize(half, Image.Resampling.BOX), dtype=np.uint8).tobytes(),
    ]
    picture = b"FRAME\n" + b"".join(planes)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(round(fps * seconds)):
            out.write(picture)
    return path


def photo_clip(path: Path, photo: bytes, *, fps: int = 15, seconds: float = 4.0) -> Path:
    return write_y4m(path, camera_frame(photo), fps=fps, seconds=seconds)
