"""The encoder settings of every rendition, in one place so the benchmark can hand the very
same ones to the ffmpeg command line."""

from __future__ import annotations

from typing import Final

# veryfast rather than fast: a studio waits for "ready" and media workers are small. On a 10 s
# 1080p -> 720p clip (bench/transcode_speed.py --compare-presets) fast took 1.4x the CPU time and,
# at the same CRF, made a larger file for an SSIM gain of 0.001; the peak caps below bound the
# size either way. ultrafast/superfast lose B-frame and partition tools and grow files a lot.
PRESET = "veryfast"
CRF = 23
# High profile (8x8 transforms, better compression than Main) at level 4.1: decoded in hardware by
# every iPhone since the 4S and every Android phone of the last decade.
PROFILE = "high"
LEVEL = "4.1"
PIXEL_FORMAT = "yuv420p"
# A keyframe every 2 s: seeking or scrubbing on a phone never decodes more than 2 s of frames
# (x264 alone would allow 250 frames, 8-10 s), for a bitrate cost of a few per cent.
KEYFRAME_SECONDS = 2

# Final, so the checker sees the literal and types add_stream() as an audio stream.
AUDIO_CODEC: Final = "aac"
AUDIO_BITRATE = 128_000
AUDIO_RATE = 48_000
AUDIO_LAYOUT = "stereo"

# Peak video bitrate (bit/s) by picture area, with a VBV buffer of two seconds at that rate:
# CRF decides the quality, the cap keeps a busy scene streamable over a mobile connection
# (close to Apple's HLS authoring ladder for 1080p, 720p and below).
PEAK_BITRATES = ((1280 * 720, 5_000_000), (854 * 480, 3_000_000), (0, 1_500_000))


def peak_bitrate(width: int, height: int) -> int:
    """The VBV peak rate (bit/s) for a rendition of this size."""
    return next(rate for area, rate in PEAK_BITRATES if width * height > area)


def x264_options(width: int, height: int) -> dict[str, str]:
    """libx264 options (FFmpeg option names) for a rendition of this size."""
    peak = peak_bitrate(width, height)
    return {
        "preset": PRESET,
        "crf": str(CRF),
        "profile": PROFILE,
        "level": LEVEL,
        "maxrate": str(peak),
        "bufsize": str(2 * peak),
    }
