from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from arcontent.imaging.analysis import analyze
from arcontent.imaging.enhance import enhance
from arcontent.imaging.tests.images import flat_grey, textured_photo, washed_out


def test_it_makes_a_low_contrast_textured_photo_score_higher() -> None:
    faded = washed_out(textured_photo(seed=7), 90, 170)

    before, after = analyze(faded), analyze(enhance(faded))

    assert after.score >= before.score + 15
    assert after.metrics["contrast"] > before.metrics["contrast"]
    assert after.metrics["sharpness"] > before.metrics["sharpness"]


def test_it_returns_an_rgb_image_of_the_same_size() -> None:
    enhanced = enhance(textured_photo(300, 500, seed=7))

    assert enhanced.mode == "RGB"
    assert enhanced.size == (300, 500)


def test_it_accepts_grey_and_transparent_images() -> None:
    assert enhance(Image.new("L", (40, 30), 90)).mode == "RGB"
    assert enhance(Image.new("RGBA", (40, 30), (10, 20, 30, 0))).size == (40, 30)


def test_it_does_not_invent_texture_on_a_flat_picture() -> None:
    enhanced = np.asarray(enhance(flat_grey(200, 100)), dtype=int)

    assert enhanced.max() - enhanced.min() <= 2


def test_it_keeps_the_colours_of_the_photo() -> None:
    photo = textured_photo(256, 192, seed=8)

    before = cv2.cvtColor(np.asarray(photo), cv2.COLOR_RGB2LAB).astype(float)
    after = cv2.cvtColor(np.asarray(enhance(photo)), cv2.COLOR_RGB2LAB).astype(float)

    # Only lightness is reworked: the colour axes of LAB stay put (up to rounding and the
    # odd colour pushed out of the RGB range).
    assert np.abs(after[:, :, 1:] - before[:, :, 1:]).mean() < 2
    assert np.abs(after[:, :, 0] - before[:, :, 0]).mean() > 5
