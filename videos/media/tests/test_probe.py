from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from videos.media import mp4
from videos.media.errors import VideoRejectedError
from videos.media.probe import VideoInfo, probe
from videos.media.tests.conftest import cut


def refusal(path: Path, **kwargs: float) -> VideoRejectedError:
    with pytest.raises(VideoRejectedError) as caught:
        probe(path, **kwargs)
    return caught.value


def test_it_describes_an_h264_aac_clip(h264_clip: Path) -> None:
    info = probe(h264_clip)

    assert info == VideoInfo(
        duration_seconds=2,
        width=640,
        height=360,
        fps=25.0,
        codec="h264",
        has_audio=True,
        rotation=0,
        bitrate=info.bitrate,
        size_bytes=h264_clip.stat().st_size,
    )
    assert 0.8 * info.size_bytes * 8 / 2 < info.bitrate < 1.2 * info.size_bytes * 8 / 2


def test_it_reads_hevc_and_vp9(hevc_clip: Path, vp9_clip: Path) -> None:
    hevc, vp9 = probe(hevc_clip), probe(vp9_clip)

    assert (hevc.codec, hevc.width, hevc.height, hevc.has_audio) == ("hevc", 320, 240, True)
    assert (vp9.codec, vp9.width, vp9.height, vp9.has_audio) == ("vp9", 320, 240, True)
    assert hevc.duration_seconds == vp9.duration_seconds == 2


def test_a_portrait_phone_clip_is_reported_as_displayed(portrait_clip: Path) -> None:
    info = probe(portrait_clip)

    assert (info.rotation, info.width, info.height) == (90, 360, 640)


def test_it_notices_a_clip_without_sound(silent_clip: Path) -> None:
    assert probe(silent_clip).has_audio is False


def test_a_clip_under_a_second_lasts_one_second(short_clip: Path) -> None:
    assert probe(short_clip).duration_seconds == 1


def test_a_browser_recording_without_a_declared_duration_is_measured(streamed_webm: Path) -> None:
    info = probe(streamed_webm)

    assert (info.codec, info.duration_seconds, info.width) == ("vp9", 2, 320)
    assert info.bitrate > 0


def test_it_keeps_a_high_frame_rate(fast_motion_clip: Path) -> None:
    assert probe(fast_motion_clip).fps == 120.0


def test_it_refuses_a_clip_over_the_limit(h264_clip: Path) -> None:
    error = refusal(h264_clip, max_seconds=1)

    assert error.code == "too_long"
    assert error.message == "The video is 2 s long; the limit is 1 s. Please trim it and upload it again."
    assert probe(h264_clip, max_seconds=2).duration_seconds == 2


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")

    assert refusal(tmp_path / "empty.mp4").code == "empty"


def test_it_refuses_text_renamed_to_mp4(tmp_path: Path) -> None:
    (tmp_path / "notes.mp4").write_text("Shopping list:\n- milk\n- bread\n" * 20)

    error = refusal(tmp_path / "notes.mp4")

    assert error.code == "not_a_video"
    assert error.message.endswith("Please upload an MP4, MOV, WebM or MKV video.")


def test_it_refuses_random_bytes(tmp_path: Path) -> None:
    (tmp_path / "noise.mp4").write_bytes(np.random.default_rng(1).bytes(100_000))

    assert refusal(tmp_path / "noise.mp4").code == "not_a_video"


def test_it_refuses_a_playlist_that_would_make_ffmpeg_open_other_files(
    tmp_path: Path, h264_clip: Path
) -> None:
    playlist = tmp_path / "clip.mp4"
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n{h264_clip}\n#EXT-X-ENDLIST\n")

    assert refusal(playlist).code == "not_a_video"


@pytest.mark.parametrize("clip", ["h264_clip", "faststart_clip", "vp9_clip"])
def test_it_refuses_a_file_cut_in_half(request: pytest.FixtureRequest, tmp_path: Path, clip: str) -> None:
    source: Path = request.getfixturevalue(clip)

    error = refusal(cut(source, tmp_path / f"cut{source.suffix}"))

    assert error.code == "truncated"
    assert "incomplete" in error.message


def test_it_refuses_a_file_without_video(tmp_path: Path) -> None:
    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w", format="mp4") as output:
        stream = output.add_stream("aac", rate=48_000)
        frame = av.AudioFrame(format="fltp", layout="stereo", samples=1024)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate, frame.pts = 48_000, 0
        output.mux(stream.encode(frame))
        output.mux(stream.encode(None))

    assert refusal(path).code == "no_video_stream"


def test_it_refuses_a_clip_whose_pictures_cannot_be_decoded(tmp_path: Path, silent_clip: Path) -> None:
    # A valid MP4 structure whose media data is noise: the header alone would look fine.
    data = bytearray(silent_clip.read_bytes())
    mdat = next(box for box in mp4.top_level_boxes(silent_clip) if box.type == "mdat")
    data[mdat.offset + 8 : mdat.end] = np.random.default_rng(7).bytes(mdat.size - 8)
    (tmp_path / "noise_inside.mp4").write_bytes(data)

    assert refusal(tmp_path / "noise_inside.mp4").code == "undecodable"


def test_it_refuses_a_codec_ffmpeg_cannot_decode(tmp_path: Path) -> None:
    # MPEG-5 EVC: MP4 can carry it, this FFmpeg build has no decoder for it.
    path = tmp_path / "evc.mp4"
    with av.open(str(path), "w") as output:
        stream = output.add_mux_stream("evc", width=320, height=240)
        for index in range(5):
            packet = av.Packet(bytes(64))
            packet.stream, packet.pts, packet.dts, packet.time_base = stream, index, index, Fraction(1, 25)
            output.mux(packet)

    assert refusal(path).code == "undecodable"


def test_a_missing_file_is_the_callers_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "nowhere.mp4")


def _mutations(clip: bytes) -> st.SearchStrategy[bytes]:
    prefixes = st.integers(0, len(clip)).map(lambda end: clip[:end])
    overwrites = st.tuples(st.integers(0, len(clip) - 1), st.binary(min_size=1, max_size=64)).map(
        lambda spot: clip[: spot[0]] + spot[1] + clip[spot[0] + len(spot[1]) :]
    )
    return st.one_of(st.binary(max_size=2048), prefixes, overwrites)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_content_is_described_or_refused_never_crashes(
    data: st.DataObject, silent_clip: Path, tmp_path: Path
) -> None:
    content = data.draw(_mutations(silent_clip.read_bytes()))
    path = tmp_path / f"upload-{os.getpid()}.mp4"
    path.write_bytes(content)

    outcome = described_or_refused(path)

    if isinstance(outcome, VideoRejectedError):
        assert outcome.code in {"empty", "not_a_video", "undecodable", "no_video_stream", "truncated"}
        assert outcome.message.endswith(".")
    else:
        assert min(outcome.width, outcome.height, outcome.duration_seconds) >= 1


def described_or_refused(path: Path) -> VideoInfo | VideoRejectedError:
    try:
        return probe(path)
    except VideoRejectedError as error:
        return error
