from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from videos.media import mp4
from videos.media.errors import VideoRejectedError
from videos.media.frames import frame_image, poster, thumbnails
from videos.media.tests.clips import marker_corner, read_frame_number


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_the_poster_is_a_jpeg_of_the_frame_at_one_second(h264_clip: Path) -> None:
    image = open_image(poster(h264_clip))

    assert (image.format, image.size) == ("JPEG", (640, 360))
    assert read_frame_number(np.asarray(image.convert("RGB"))) == 25  # 1.0 s at 25 fps


def test_the_poster_can_be_taken_elsewhere(h264_clip: Path, vp9_clip: Path) -> None:
    assert read_frame_number(np.asarray(frame_image(h264_clip, at_seconds=1.5))) == 37  # nearest to 1.5 s
    assert read_frame_number(np.asarray(frame_image(vp9_clip, at_seconds=0.5))) in {12, 13}


def test_a_clip_shorter_than_the_poster_time_gives_its_first_frame(short_clip: Path) -> None:
    assert read_frame_number(np.asarray(open_image(poster(short_clip)).convert("RGB"))) == 0


def test_the_poster_of_a_portrait_clip_is_upright(portrait_clip: Path) -> None:
    image = open_image(poster(portrait_clip, at_seconds=0))

    assert image.size == (360, 640)
    assert marker_corner(np.asarray(image.convert("RGB"))) == "top-right"


def test_thumbnails_are_webp_in_the_photo_sizes(portrait_clip: Path) -> None:
    made = thumbnails(portrait_clip)

    assert {name: (open_image(data).format, open_image(data).size) for name, data in made.items()} == {
        "150x112": ("WEBP", (150, 112)),
        "320x240": ("WEBP", (320, 240)),
        "640x480": ("WEBP", (640, 480)),
    }


def test_stills_refuse_a_clip_whose_pictures_cannot_be_decoded(tmp_path: Path, silent_clip: Path) -> None:
    data = bytearray(silent_clip.read_bytes())
    mdat = next(box for box in mp4.top_level_boxes(silent_clip) if box.type == "mdat")
    data[mdat.offset + 8 : mdat.end] = np.random.default_rng(7).bytes(mdat.size - 8)
    (tmp_path / "noise_inside.mp4").write_bytes(data)

    with pytest.raises(VideoRejectedError) as caught:
        thumbnails(tmp_path / "noise_inside.mp4")

    assert caught.value.code == "undecodable"


@pytest.mark.parametrize(("content", "code"), [(b"", "empty"), (b"hello, not a video", "not_a_video")])
def test_stills_refuse_what_is_not_a_video(tmp_path: Path, content: bytes, code: str) -> None:
    (tmp_path / "x.mp4").write_bytes(content)

    with pytest.raises(VideoRejectedError) as caught:
        poster(tmp_path / "x.mp4")

    assert caught.value.code == code
