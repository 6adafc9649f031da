from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from videos.media import mp4
from videos.media import transcode as transcode_module
from videos.media.errors import TranscodeError, VideoRejectedError
from videos.media.frames import frame_image
from videos.media.probe import probe
from videos.media.tests.clips import marker_corner, picture, read_frame_number
from videos.media.transcode import RenditionInfo, transcode, transcode_all


@dataclass
class Decoded:
    """What a player would get from a rendition, found by decoding every frame."""

    video_codec: str
    profile: str | None
    level: int
    size: tuple[int, int]
    frames: int
    keyframes: int
    rotations: set[int]
    first_frame: np.ndarray
    frame_numbers: list[int]
    video_seconds: float
    audio: tuple[str, int, str, int | None] | None
    audio_seconds: float | None


def decode(path: Path) -> Decoded:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        frames = list(container.decode(video))
        container.seek(0)
        audio_stream = container.streams.audio[0] if container.streams.audio else None
        samples = sum(frame.samples for frame in container.decode(audio_stream)) if audio_stream else 0
        context = video.codec_context
        assert video.duration is not None
        assert video.time_base is not None
        return Decoded(
            video_codec=context.name,
            profile=context.profile,
            level=context.level,
            size=(context.width, context.height),
            frames=len(frames),
            keyframes=sum(frame.key_frame for frame in frames),
            rotations={frame.rotation for frame in frames},
            first_frame=frames[0].to_ndarray(format="rgb24"),
            frame_numbers=[read_frame_number(frame.to_ndarray(format="rgb24")) for frame in frames],
            video_seconds=float(video.duration * video.time_base),
            audio=(
                (
                    audio_stream.codec_context.name,
                    audio_stream.rate,
                    audio_stream.layout.name,
                    audio_stream.codec_context.bit_rate,
                )
                if audio_stream
                else None
            ),
            audio_seconds=samples / audio_stream.rate if audio_stream else None,
        )


def test_it_makes_a_mobile_safe_rendition(h264_clip: Path, tmp_path: Path) -> None:
    result = transcode(h264_clip, tmp_path / "720.mp4", max_height=720)

    decoded = decode(tmp_path / "720.mp4")
    assert result == RenditionInfo(
        path=tmp_path / "720.mp4",
        width=640,
        height=360,
        fps=25.0,
        duration_seconds=result.duration_seconds,
        has_audio=True,
        size_bytes=(tmp_path / "720.mp4").stat().st_size,
        bitrate=result.bitrate,
    )
    assert mp4.is_faststart(result.path)
    assert (decoded.video_codec, decoded.profile, decoded.size) == ("h264", "High", (640, 360))
    assert decoded.level <= 41
    assert decoded.frames == 50
    assert decoded.frame_numbers == list(range(50))
    assert decoded.rotations == {0}
    assert decoded.audio is not None
    assert decoded.audio[:3] == ("aac", 48_000, "stereo")
    assert decoded.audio[3] is not None
    assert 120_000 <= decoded.audio[3] <= 136_000
    assert abs(result.duration_seconds - 2.0) <= 0.2
    assert abs(decoded.video_seconds - 2.0) <= 0.2
    assert decoded.audio_seconds is not None
    assert abs(decoded.audio_seconds - 2.0) <= 0.2


def test_it_never_enlarges_and_scales_down_to_even_sides(h264_clip: Path, tmp_path: Path) -> None:
    same = transcode(h264_clip, tmp_path / "1080.mp4", max_height=1080)
    smaller = transcode(h264_clip, tmp_path / "240.mp4", max_height=240)

    assert (same.width, same.height) == (640, 360)
    assert (smaller.width, smaller.height) == decode(smaller.path).size == (426, 240)


def test_a_portrait_clip_comes_out_upright_without_rotation_metadata(
    portrait_clip: Path, tmp_path: Path
) -> None:
    result = transcode(portrait_clip, tmp_path / "portrait.mp4", max_height=1080)

    decoded = decode(result.path)
    assert (result.width, result.height) == decoded.size == (360, 640)
    assert decoded.rotations == {0}
    # The corner square is stored top-left; turned 90° clockwise it shows top-right.
    assert marker_corner(decoded.first_frame) == "top-right"
    assert probe(result.path).rotation == 0


@pytest.mark.parametrize("clip", ["hevc_clip", "vp9_clip"])
def test_other_codecs_become_h264_and_aac(request: pytest.FixtureRequest, tmp_path: Path, clip: str) -> None:
    result = transcode(request.getfixturevalue(clip), tmp_path / "out.mp4", max_height=720)

    decoded = decode(result.path)
    assert decoded.video_codec == "h264"
    assert decoded.audio is not None
    assert decoded.audio[0] == "aac"
    assert decoded.frame_numbers == list(range(50))
    assert abs(result.duration_seconds - 2.0) <= 0.2


def test_a_browser_recording_is_converted_with_progress(streamed_webm: Path, tmp_path: Path) -> None:
    reported: list[float] = []

    result = transcode(streamed_webm, tmp_path / "out.mp4", max_height=720, progress=reported.append)

    assert decode(result.path).frame_numbers == list(range(50))
    assert abs(result.duration_seconds - 2.0) <= 0.2
    assert len(reported) > 10


def test_avi_b_frames_keep_every_frame_in_order(avi_with_b_frames: Path, tmp_path: Path) -> None:
    result = transcode(avi_with_b_frames, tmp_path / "out.mp4", max_height=720)

    assert decode(result.path).frame_numbers == list(range(50))
    assert abs(result.duration_seconds - 2.0) <= 0.2


def test_a_change_of_resolution_mid_stream_keeps_every_frame(resolution_switch: Path, tmp_path: Path) -> None:
    result = transcode(resolution_switch, tmp_path / "out.mp4", max_height=720)

    decoded = decode(result.path)
    assert decoded.size == (320, 240)
    assert decoded.frame_numbers == list(range(50))


def test_a_silent_clip_gets_no_audio_track(silent_clip: Path, tmp_path: Path) -> None:
    result = transcode(silent_clip, tmp_path / "silent.mp4", max_height=720)

    assert result.has_audio is False
    assert decode(result.path).audio is None
    assert abs(result.duration_seconds - 2.0) <= 0.2


def test_high_frame_rates_are_halved_to_60(fast_motion_clip: Path, tmp_path: Path) -> None:
    result = transcode(fast_motion_clip, tmp_path / "60.mp4", max_height=720)

    decoded = decode(result.path)
    assert result.fps == 60.0
    assert decoded.frame_numbers == list(range(0, 120, 2))
    assert abs(result.duration_seconds - 1.0) <= 0.2


def test_an_intra_only_source_gets_normal_keyframes(intra_only_clip: Path, tmp_path: Path) -> None:
    result = transcode(intra_only_clip, tmp_path / "gop.mp4", max_height=720)

    # One keyframe per two seconds (plus any scene cut), not one per frame.
    assert decode(result.path).keyframes <= 3


def test_full_range_footage_is_brought_to_limited_range(tmp_path: Path) -> None:
    source = tmp_path / "full.mp4"
    with av.open(str(source), "w") as output:
        stream = output.add_stream("libx264", rate=25, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.codec_context.color_range = 2  # full ("JPEG") range, as some Android phones record
        for index in range(10):
            frame = av.VideoFrame.from_ndarray(picture(index, 320, 240), format="rgb24")
            frame = frame.reformat(format="yuv420p", dst_color_range="JPEG")
            frame.pts, frame.time_base = index, Fraction(1, 25)
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))

    result = transcode(source, tmp_path / "limited.mp4", max_height=720)

    with av.open(str(result.path)) as container:
        first = next(container.decode(video=0))
    assert first.color_range != 2
    # Full-range values read as limited range would be stretched by up to 19 levels.
    assert np.abs(first.to_ndarray(format="rgb24").astype(int) - picture(0, 320, 240)).mean() < 4


def test_progress_rises_from_0_to_100(h264_clip: Path, tmp_path: Path) -> None:
    reported: list[float] = []

    transcode(h264_clip, tmp_path / "out.mp4", max_height=720, progress=reported.append)

    assert reported[0] == 0.0
    assert reported[-1] == 100.0
    assert reported == sorted(reported)
    assert len(set(reported)) == len(reported)
    assert 20 <= len(reported) <= 101
    assert all(0.0 <= percent <= 100.0 for percent in reported)


def test_it_stops_at_the_time_limit_and_leaves_nothing(h264_clip: Path, tmp_path: Path) -> None:
    with pytest.raises(TranscodeError) as caught:
        transcode(h264_clip, tmp_path / "out.mp4", max_height=720, time_limit=0.0)

    assert caught.value.code == "time_limit"
    assert "took longer than the 0 s allowed" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_it_replaces_an_earlier_rendition(h264_clip: Path, tmp_path: Path) -> None:
    (tmp_path / "out.mp4").write_bytes(b"old")

    transcode(h264_clip, tmp_path / "out.mp4", max_height=240)

    assert decode(tmp_path / "out.mp4").size == (426, 240)
    assert [path.name for path in tmp_path.iterdir()] == ["out.mp4"]


def test_it_refuses_what_probe_refuses(tmp_path: Path) -> None:
    (tmp_path / "notes.mp4").write_text("not a video")

    with pytest.raises(VideoRejectedError) as caught:
        transcode(tmp_path / "notes.mp4", tmp_path / "out.mp4", max_height=720)

    assert caught.value.code == "not_a_video"
    assert not (tmp_path / "out.mp4").exists()


def _damage(clip: Path, target: Path, start: float, end: float) -> Path:
    """`clip` with the given share of its media data overwritten by noise."""
    data = bytearray(clip.read_bytes())
    mdat = next(box for box in mp4.top_level_boxes(clip) if box.type == "mdat")
    first, last = (mdat.offset + 8 + int((mdat.size - 8) * share) for share in (start, end))
    data[first:last] = np.random.default_rng(7).integers(0, 256, last - first, dtype=np.uint8).tobytes()
    target.write_bytes(data)
    return target


def test_a_glitch_is_survived_but_a_broken_middle_is_refused(silent_clip: Path, tmp_path: Path) -> None:
    glitch = _damage(silent_clip, tmp_path / "glitch.mp4", 0.30, 0.35)
    broken = _damage(silent_clip, tmp_path / "broken.mp4", 0.20, 0.90)

    assert transcode(glitch, tmp_path / "glitch_out.mp4", max_height=720).duration_seconds > 1.5
    with pytest.raises(TranscodeError) as caught:
        transcode(broken, tmp_path / "broken_out.mp4", max_height=720)
    assert caught.value.code == "damaged"
    assert not (tmp_path / "broken_out.mp4").exists()


# --- every rendition and the poster frame in one pass ---------------------------------------


def test_one_pass_makes_each_rendition_as_a_pass_of_its_own_would(
    h264_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = [decode(transcode(h264_clip, tmp_path / f"alone-{h}.mp4", max_height=h).path) for h in (360, 240)]
    opened: list[Path] = []
    real_open = transcode_module.open_input

    def counted_open(path: Path) -> Any:
        opened.append(Path(path))
        return real_open(path)

    monkeypatch.setattr(transcode_module, "open_input", counted_open)
    reported: list[float] = []

    made = transcode_all(
        h264_clip, [(tmp_path / "360.mp4", 360), (tmp_path / "240.mp4", 240)], progress=reported.append
    )

    assert opened == [h264_clip]  # decoded once for both
    together = [decode(rendition.path) for rendition in made.renditions]
    assert [(r.width, r.height) for r in made.renditions] == [(640, 360), (426, 240)]
    for one, other in zip(together, alone, strict=True):
        assert (one.size, one.frames, one.frame_numbers, one.audio) == (
            other.size,
            other.frames,
            other.frame_numbers,
            other.audio,
        )
    assert (reported[0], reported[-1]) == (0, 100)
    assert reported == sorted(reported)
    assert not list(tmp_path.glob("*.part"))


def test_the_poster_frame_is_the_one_frame_image_picks(
    h264_clip: Path, vp9_clip: Path, short_clip: Path, tmp_path: Path
) -> None:
    for clip, at in ((h264_clip, 1.0), (h264_clip, 1.5), (vp9_clip, 0.5), (short_clip, 1.0)):
        made = transcode_all(clip, [(tmp_path / "out.mp4", 240)], poster_at=at)
        assert made.poster is not None
        picked = read_frame_number(np.asarray(made.poster))
        assert picked == read_frame_number(np.asarray(frame_image(clip, at_seconds=at))), (clip, at)
    assert transcode_all(h264_clip, [(tmp_path / "out.mp4", 240)], poster_at=None).poster is None


def test_the_poster_frame_of_a_portrait_clip_is_upright_and_full_size(
    portrait_clip: Path, tmp_path: Path
) -> None:
    made = transcode_all(portrait_clip, [(tmp_path / "out.mp4", 240)], poster_at=0)
    assert made.poster is not None
    assert made.poster.size == (360, 640)  # as large as the source, not the 240p rendition
    assert marker_corner(np.asarray(made.poster.convert("RGB"))) == "top-right"


def test_a_failed_pass_leaves_no_rendition(h264_clip: Path, tmp_path: Path) -> None:
    with pytest.raises(TranscodeError):
        transcode_all(h264_clip, [(tmp_path / "a.mp4", 360), (tmp_path / "b.mp4", 240)], time_limit=0.0)
    assert list(tmp_path.iterdir()) == []
