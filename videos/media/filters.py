"""The FFmpeg filter chain that turns a decoded frame into a rendition frame, so rotating,
scaling and pixel-format conversion all run in C (and on several cores) instead of in Python."""

from __future__ import annotations

import itertools
from fractions import Fraction

import av
from av.filter import Graph
from av.video.frame import VideoFrame

from videos.media.encoding import PIXEL_FORMAT

# Filters that turn the stored picture upright, by the clockwise rotation players would apply.
_UPRIGHT: dict[int, tuple[tuple[str, dict[str, str]], ...]] = {
    0: (),
    90: (("transpose", {"dir": "clock"}),),
    180: (("hflip", {}), ("vflip", {})),
    270: (("transpose", {"dir": "cclock"}),),
}
_FULL_RANGE = 2  # AVCOL_RANGE_JPEG


def needs_filter(frame: VideoFrame, *, width: int, height: int, rotation: int, rate: Fraction | None) -> bool:
    """False when the decoded frame can go to the encoder as it is."""
    return (
        rate is not None
        or rotation != 0
        or (frame.width, frame.height) != (width, height)
        or frame.format.name != PIXEL_FORMAT
        or frame.color_range == _FULL_RANGE
    )


def video_graph(
    frame: VideoFrame,
    *,
    width: int,
    height: int,
    rotation: int,
    rate: Fraction | None = None,
    sample_aspect: Fraction | None = None,
) -> Graph:
    """A graph taking frames shaped like `frame` and giving upright `width`×`height` frames in
    limited-range yuv420p with square pixels, re-timed to `rate` if given (the `fps` filter
    comes first, so dropped frames are never scaled)."""
    graph = Graph()
    steps = [
        graph.add(
            "buffer",
            video_size=f"{frame.width}x{frame.height}",
            pix_fmt=frame.format.name,
            time_base=str(frame.time_base or Fraction(1, 1000)),
            pixel_aspect=str(sample_aspect or Fraction(1)),
            range=str(int(frame.color_range)),
        )
    ]
    if rate is not None:
        steps.append(graph.add("fps", fps=str(rate)))
    steps.extend(graph.add(name, **args) for name, args in _UPRIGHT[rotation])
    # Bicubic is also what ffmpeg's scale filter uses; out_range=tv turns full-range phone
    # footage into the limited range the H.264 stream will be flagged with.
    steps.append(graph.add("scale", w=str(width), h=str(height), flags="bicubic", out_range="tv"))
    steps.append(graph.add("format", pix_fmts=PIXEL_FORMAT))
    steps.append(graph.add("setsar", sar="1"))
    steps.append(graph.add("buffersink"))
    for upstream, downstream in itertools.pairwise(steps):
        upstream.link_to(downstream)
    graph.configure()
    return graph


def drain(graph: Graph) -> list[VideoFrame]:
    """Every frame the graph can give now."""
    frames = []
    while True:
        try:
            frames.append(graph.vpull())
        except (av.BlockingIOError, av.EOFError):
            return frames
