#!/usr/bin/env python
"""Speed of our 720p rendition against the ffmpeg command line doing the same job.

Builds (or takes with --input) a 10 s 1080p30 H.264/AAC clip, then alternately runs

    videos.media.transcode.transcode(src, dst, max_height=720)       (PyAV, in-process)
    ffmpeg -i src -c:v libx264 <the same x264 settings> -vf scale=-2:720 -c:a aac ... dst

RUNS times each and prints the median wall time of both, the CPU time and the ratio
ffmpeg / ours (1.0 = as fast as ffmpeg; the target is at least 0.9). The x264 settings come
from videos.media.encoding, so the comparison stays fair when they change. No Django.

ffmpeg is Debian's (`apt-get install -y ffmpeg`); without it the script says so and stops.

    .venv/bin/python bench/transcode_speed.py
    .venv/bin/python bench/transcode_speed.py --runs 5 --input phone_clip.mp4
    .venv/bin/python bench/transcode_speed.py --compare-presets    # also: veryfast vs fast
    .venv/bin/python bench/transcode_speed.py --processing --seconds 60 --runs 1
        # upload-complete -> ready without the storage: both renditions, poster, thumbnails
        # in one pass, against the CLI's 720p alone (target <= 1.3x), with the breakdown
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import av  # noqa: E402
import numpy as np  # noqa: E402

from arvlite.core.thumbnails import make_thumbnails  # noqa: E402
from videos.media import encoding  # noqa: E402
from videos.media.frames import poster, poster_jpeg, thumbnails  # noqa: E402
from videos.media.probe import probe  # noqa: E402
from videos.media.sizes import fit_size, rendition_frame_rate  # noqa: E402
from videos.media.transcode import rendition_plan, transcode, transcode_all  # noqa: E402

TARGET_RATIO = 0.9
PROCESSING_TARGET = 1.3  # ours, everything, against the CLI's 720p rendition alone
HEIGHT = 720


def build_clip(path: Path, seconds: float) -> None:
    """A 1080p30 clip like a phone's: moving objects with light sensor grain (FFmpeg's
    testsrc2 + noise, generated in C), a 440 Hz stereo tone at 48 kHz, H.264 at CRF 18."""
    graph = av.filter.Graph()
    chain = [
        graph.add("testsrc2", size="1920x1080", rate="30"),
        graph.add("noise", alls="2", allf="t"),
        graph.add("format", pix_fmts="yuv420p"),
        graph.add("buffersink"),
    ]
    for upstream, downstream in itertools.pairwise(chain):
        upstream.link_to(downstream)
    graph.configure()
    with av.open(str(path), "w") as output:
        video = output.add_stream("libx264", rate=30, options={"preset": "veryfast", "crf": "18"})
        video.width, video.height, video.pix_fmt = 1920, 1080, "yuv420p"
        video.codec_context.thread_type = "AUTO"
        video.codec_context.gop_size = 30  # a keyframe a second, as phones write
        audio = output.add_stream("aac", rate=48_000)
        audio.codec_context.bit_rate = 192_000
        samples_done = 0
        for index in range(round(seconds * 30)):
            frame = graph.vpull()
            frame.pts, frame.time_base = index, Fraction(1, 30)
            output.mux(video.encode(frame))
            while samples_done < (index + 1) * 48_000 / 30:
                output.mux(audio.encode(_tone(samples_done)))
                samples_done += 1024
        output.mux(video.encode(None))
        output.mux(audio.encode(None))


def _tone(first_sample: int) -> av.AudioFrame:
    t = np.arange(first_sample, first_sample + 1024, dtype=np.float32) / 48_000
    wave = (0.3 * np.sin(2 * math.pi * 440 * t)).astype(np.float32)
    frame = av.AudioFrame.from_ndarray(np.stack([wave, wave]), format="fltp", layout="stereo")
    frame.sample_rate, frame.pts, frame.time_base = 48_000, first_sample, Fraction(1, 48_000)
    return frame


def ffmpeg_command(src: Path, dst: Path, preset: str, max_height: int = HEIGHT) -> list[str]:
    """The command line equivalent of transcode(src, dst, max_height=max_height)."""
    return ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src),
            *ffmpeg_output(src, dst, preset, max_height)]  # fmt: skip


def ffmpeg_output(src: Path, dst: Path, preset: str, max_height: int) -> list[str]:
    """The output options of one rendition (several may follow one -i)."""
    info = probe(src)
    width, height = fit_size(info.width, info.height, max_height)
    options = encoding.x264_options(width, height)
    rate = rendition_frame_rate(Fraction(info.fps).limit_denominator(1001), width, height)
    return [
        "-c:v", "libx264", "-preset", preset, "-crf", options["crf"],
        "-profile:v", options["profile"], "-level:v", options["level"],
        "-maxrate", options["maxrate"], "-bufsize", options["bufsize"],
        "-g", str(round(encoding.KEYFRAME_SECONDS * rate)),
        "-vf", f"scale=-2:{height}", "-pix_fmt", encoding.PIXEL_FORMAT,
        "-c:a", "aac", "-b:a", "128k", "-ar", str(encoding.AUDIO_RATE), "-ac", "2",
        "-movflags", "+faststart", str(dst),
    ]  # fmt: skip


def measure(work: Callable[[], object], who: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all threads, or the child process) of one call."""
    before = resource.getrusage(who)
    started = time.perf_counter()
    work()
    wall = time.perf_counter() - started
    after = resource.getrusage(who)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def x264_build(path: Path) -> str:
    """The x264 version the encoder wrote into the stream's first SEI."""
    match = re.search(rb"x264 - core \d+( r\d+ \w+)?", path.read_bytes()[:200_000])
    return match.group().decode() if match else "unknown"


def compare(src: Path, work: Path, runs: int) -> float:
    ours_dst, theirs_dst = work / "ours.mp4", work / "ffmpeg.mp4"
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(measure(lambda: transcode(src, ours_dst, max_height=HEIGHT), resource.RUSAGE_SELF))
        theirs.append(
            measure(
                lambda: subprocess.run(ffmpeg_command(src, theirs_dst, encoding.PRESET), check=True),
                resource.RUSAGE_CHILDREN,
            )
        )
    ours_wall = statistics.median(wall for wall, _ in ours)
    theirs_wall = statistics.median(wall for wall, _ in theirs)
    ratio = theirs_wall / ours_wall
    print(f"preset {encoding.PRESET}, crf {encoding.CRF}, {runs} runs each, {os.cpu_count()} CPUs")
    for name, samples, dst in (("ours (PyAV)", ours, ours_dst), ("ffmpeg CLI", theirs, theirs_dst)):
        wall, cpu = statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)
        print(
            f"  {name:<12} median {wall:6.2f} s wall  {cpu:6.2f} s CPU  "
            f"{dst.stat().st_size / 1e6:5.2f} MB  [{x264_build(dst)}]"
        )
    verdict = "OK" if ratio >= TARGET_RATIO else "BELOW TARGET"
    print(f"ratio ffmpeg / ours: {ratio:.2f}  (target >= {TARGET_RATIO}): {verdict}")
    return ratio


def compare_processing(src: Path, work: Path, runs: int) -> float:
    """What a studio waits for after an upload: both renditions, the poster and the
    thumbnails (videos.processing._build without the storage), made in one decode pass and,
    for the breakdown, one pass per output as before; against the CLI's 720p alone, its
    1080p alone and its two renditions from one decode."""
    heights = rendition_plan(probe(src))
    cases: dict[str, tuple[Callable[[], object], int]] = {
        "ours, one pass (renditions + poster + thumbnails)": (
            lambda: _one_pass(src, work, heights), resource.RUSAGE_SELF),
        "ours, a pass per output (before)": (lambda: _pass_per_output(src, work, heights), resource.RUSAGE_SELF),
        "ffmpeg CLI, 720p alone": (lambda: _cli(ffmpeg_command(src, work / "cli-720.mp4", encoding.PRESET)),
                                   resource.RUSAGE_CHILDREN),
        "ffmpeg CLI, 1080p alone": (
            lambda: _cli(ffmpeg_command(src, work / "cli-1080.mp4", encoding.PRESET, heights[0])),
            resource.RUSAGE_CHILDREN),
        "ffmpeg CLI, 1080p + 720p from one decode": (
            lambda: _cli(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src),
                          *ffmpeg_output(src, work / "cli-both-1080.mp4", encoding.PRESET, heights[0]),
                          *ffmpeg_output(src, work / "cli-both-720.mp4", encoding.PRESET, HEIGHT)]),
            resource.RUSAGE_CHILDREN),
    }  # fmt: skip
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (work_once, who) in cases.items():
            samples[name].append(measure(work_once, who))
    print(f"processing, renditions {heights}, {runs} runs each, {os.cpu_count()} CPUs (median)")
    walls = {name: statistics.median(w for w, _ in runs_of) for name, runs_of in samples.items()}
    for name, runs_of in samples.items():
        cpu = statistics.median(c for _, c in runs_of)
        print(f"  {name:<52} {walls[name]:7.2f} s wall  {cpu:7.2f} s CPU")
    baseline = walls["ffmpeg CLI, 720p alone"]
    ratio = walls["ours, one pass (renditions + poster + thumbnails)"] / baseline
    print(f"ours one pass / CLI 720p alone: {ratio:.2f}  (target <= {PROCESSING_TARGET})")
    for name in (
        "ours, a pass per output (before)",
        "ffmpeg CLI, 1080p alone",
        "ffmpeg CLI, 1080p + 720p from one decode",
    ):
        print(f"  {name} / CLI 720p alone: {walls[name] / baseline:.2f}")
    return ratio


def _one_pass(src: Path, work: Path, heights: list[int]) -> None:
    made = transcode_all(src, [(work / f"one-{height}.mp4", height) for height in heights])
    assert made.poster is not None
    poster_jpeg(made.poster)
    make_thumbnails(made.poster)


def _pass_per_output(src: Path, work: Path, heights: list[int]) -> None:
    for height in heights:
        transcode(src, work / f"each-{height}.mp4", max_height=height)
    poster(src)
    thumbnails(src)


def _cli(command: list[str]) -> None:
    subprocess.run(command, check=True)


def compare_presets(src: Path, work: Path) -> None:
    """veryfast against fast with the ffmpeg command line: time, size and SSIM against the
    source scaled the same way (1.0 = identical)."""
    print("presets (ffmpeg CLI, one run each):")
    for preset in ("veryfast", "fast"):
        dst = work / f"{preset}.mp4"
        wall, cpu = measure(
            lambda preset=preset, dst=dst: subprocess.run(ffmpeg_command(src, dst, preset), check=True),
            resource.RUSAGE_CHILDREN,
        )
        print(
            f"  {preset:<9} {wall:6.2f} s wall  {cpu:6.2f} s CPU  {dst.stat().st_size / 1e6:5.2f} MB  "
            f"SSIM {ssim(dst, src)}"
        )


def ssim(rendition: Path, src: Path) -> str:
    info = probe(src)
    width, height = fit_size(info.width, info.height, HEIGHT)
    graph = f"[1:v]scale={width}:{height}[reference];[0:v][reference]ssim"
    result = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-i",
            str(rendition),
            "-i",
            str(src),
            "-lavfi",
            graph,
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"All:(\S+)", result.stderr)
    return match.group(1) if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, help="a clip to use instead of the generated one")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the generated clip")
    parser.add_argument("--compare-presets", action="store_true")
    parser.add_argument(
        "--processing", action="store_true",
        help="time what processing makes (both renditions, poster, thumbnails) instead",
    )  # fmt: skip
    args = parser.parse_args()

    if shutil.which("ffmpeg") is None:
        sys.exit(
            "ffmpeg is not installed, and this benchmark compares against it.\n"
            "Install Debian's build (it has libx264): apt-get install -y ffmpeg"
        )
    with tempfile.TemporaryDirectory(prefix="transcode_speed_") as temporary:
        work = Path(temporary)
        src = args.input
        if src is None:
            src = work / "source_1080p.mp4"
            print(f"building a {args.seconds:g} s 1080p30 clip ... ", end="", flush=True)
            build_clip(src, args.seconds)
            print(f"{src.stat().st_size / 1e6:.1f} MB")
        if args.processing:
            compare_processing(src, work, args.runs)
        else:
            compare(src, work, args.runs)
        if args.compare_presets:
            compare_presets(src, work)


if __name__ == "__main__":
    main()
