"""Real pictures made in memory for the imaging tests and benchmarks, all from fixed seeds."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
from PIL import Image, ImageFilter

_WORDS = ("ARVlite", "Moscow 2026", "Happy birthday", "Wedding", "Anna & Ivan", "Summer", "Studio 7")


def rgb(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The pixel at ``xy`` of an image with bands (RGB, RGBA, CMYK…)."""
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple), pixel
    return pixel


def textured_photo(width: int = 1024, height: int = 768, seed: int = 1) -> Image.Image:
    """A busy, photo-like scene: a graded background, many coloured shapes, lines and words,
    sensor noise and a touch of lens softness."""
    rng = np.random.default_rng(seed)
    scale = max(width, height) / 1024
    top, bottom = rng.integers(40, 215, size=(2, 3))
    blend = np.linspace(0.0, 1.0, height)[:, None, None]
    canvas = (top * (1 - blend) + bottom * blend).repeat(width, axis=1).astype(np.uint8)
    canvas = np.ascontiguousarray(canvas)
    area = width * height / (1024 * 768)
    for _ in range(int(90 * area)):
        _draw_shape(canvas, rng, scale)
    for _ in range(int(50 * area)):
        start = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        end = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.line(canvas, start, end, _colour(rng), max(1, int(rng.integers(1, 5) * scale)), cv2.LINE_AA)
    for _ in range(int(14 * area)):
        word = _WORDS[int(rng.integers(0, len(_WORDS)))]
        origin = (int(rng.integers(0, int(width - 100 * scale))), int(rng.integers(int(30 * scale), height)))
        size = float(rng.uniform(0.6, 2.2) * scale)
        cv2.putText(
            canvas, word, origin, cv2.FONT_HERSHEY_SIMPLEX, size, _colour(rng), max(1, int(2 * scale))
        )
    noise = rng.normal(0, 6, size=canvas.shape)
    canvas = np.clip(canvas + noise, 0, 255).astype(np.uint8)
    canvas = cv2.GaussianBlur(canvas, (0, 0), 0.7 * scale)
    return Image.fromarray(canvas, mode="RGB")


def _draw_shape(canvas: np.ndarray, rng: np.random.Generator, scale: float) -> None:
    height, width = canvas.shape[:2]
    centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
    size = int(rng.integers(10, 120) * scale)
    kind = int(rng.integers(0, 4))
    thickness = -1 if rng.random() < 0.7 else max(1, int(3 * scale))
    if kind == 0:
        axes = (size, max(3, int(size * rng.uniform(0.3, 1.0))))
        cv2.ellipse(
            canvas, centre, axes, float(rng.uniform(0, 180)), 0, 360, _colour(rng), thickness, cv2.LINE_AA
        )
    elif kind == 1:
        corner = (centre[0] + size, centre[1] + int(size * rng.uniform(0.3, 1.5)))
        cv2.rectangle(canvas, centre, corner, _colour(rng), thickness)
    elif kind == 2:
        points = rng.integers(-size, size, size=(int(rng.integers(3, 7)), 2)) + np.array(centre)
        cv2.fillPoly(canvas, [points.astype(np.int32)], _colour(rng), cv2.LINE_AA)
    else:
        cv2.circle(canvas, centre, max(2, size // 3), _colour(rng), thickness, cv2.LINE_AA)


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    red, green, blue = rng.integers(0, 256, size=3)
    return int(red), int(green), int(blue)


def flat_grey(width: int = 1024, height: int = 768) -> Image.Image:
    return Image.new("RGB", (width, height), (128, 128, 128))


def blurred(image: Image.Image, radius: float = 8) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))


def darkened(image: Image.Image, factor: float = 0.08) -> Image.Image:
    return image.point(lambda value: int(value * factor))


def washed_out(image: Image.Image, low: int = 105, high: int = 150) -> Image.Image:
    """Contrast squeezed into [low, high], like a faded print photographed in haze."""
    return image.point(lambda value: low + value * (high - low) // 255)


def checkerboard(width: int = 1024, height: int = 768, square: int = 64) -> Image.Image:
    rows, columns = np.indices((height, width))
    board = (((rows // square) + (columns // square)) % 2 * 255).astype(np.uint8)
    return Image.fromarray(board, mode="L").convert("RGB")


def encode(image: Image.Image, image_format: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, valid-looking 1-bit PNG whose header claims `width` x `height`: opening it
    costs nothing, decoding it would allocate the claimed size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
