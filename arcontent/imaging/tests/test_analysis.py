from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from arcontent.imaging.advice import TEXTS
from arcontent.imaging.analysis import Analysis, analyze, detail_demand, level_for
from arcontent.imaging.tests.images import (
    blurred,
    checkerboard,
    darkened,
    flat_grey,
    textured_photo,
    washed_out,
)


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return textured_photo(seed=1)


@pytest.fixture(scope="module")
def photo_analysis(photo: Image.Image) -> Analysis:
    return analyze(photo)


def codes(analysis: Analysis) -> list[str]:
    return [item["code"] for item in analysis.recommendations]


def test_it_rates_a_richly_textured_photo_good(photo_analysis: Analysis) -> None:
    assert photo_analysis.score >= 80
    assert photo_analysis.level == "good"
    assert photo_analysis.recommendations == []


def test_it_rates_a_flat_grey_picture_poor(photo_analysis: Analysis) -> None:
    flat = analyze(flat_grey())

    assert flat.level == "poor"
    assert flat.score <= 10
    assert photo_analysis.score - flat.score >= 60
    assert {"low_contrast", "few_details"} <= set(codes(flat))


@pytest.mark.parametrize("radius", [3, 8])
def test_it_rates_a_blurred_photo_poor_and_says_so(
    photo: Image.Image, photo_analysis: Analysis, radius: int
) -> None:
    soft = analyze(blurred(photo, radius))

    assert soft.level == "poor"
    assert photo_analysis.score - soft.score >= 40
    assert "blurry" in codes(soft)


def test_it_rates_a_very_dark_photo_poor_and_says_so(photo: Image.Image) -> None:
    dark = analyze(darkened(photo))

    assert dark.level == "poor"
    assert codes(dark)[0] == "too_dark"
    assert dark.metrics["brightness"] < 20


def test_it_rates_an_overexposed_photo_poor_and_says_so(photo: Image.Image) -> None:
    bright = analyze(photo.point(lambda value: min(255, 200 + value // 4)))

    assert bright.level == "poor"
    assert "too_bright" in codes(bright)


def test_it_rates_a_repetitive_checkerboard_poor_despite_its_contrast(photo_analysis: Analysis) -> None:
    board = analyze(checkerboard())

    assert board.level == "poor"
    assert board.metrics["contrast"] > 100
    assert board.metrics["uniqueness"] < 0.1
    assert "repetitive" in codes(board)
    assert photo_analysis.score - board.score >= 30


def test_it_suggests_more_contrast_for_a_washed_out_photo(photo: Image.Image) -> None:
    assert "low_contrast" in codes(analyze(washed_out(photo)))


def test_it_says_when_details_sit_in_one_corner_only() -> None:
    canvas = Image.new("RGB", (1024, 768), (128, 128, 128))
    canvas.paste(textured_photo(300, 220, seed=9), (0, 0))

    lopsided = analyze(canvas)

    assert lopsided.metrics["feature_spread"] <= 0.25
    assert "uneven_details" in codes(lopsided)


def test_it_reports_every_metric(photo_analysis: Analysis) -> None:
    metrics = photo_analysis.metrics

    assert set(metrics) == {
        "brightness",
        "contrast",
        "sharpness",
        "edge_density",
        "feature_count",
        "feature_spread",
        "uniqueness",
        "detail_demand",
    }
    assert 0 < metrics["brightness"] < 255
    assert metrics["sharpness"] > 0
    assert 0 < metrics["edge_density"] < 1
    assert metrics["feature_count"] > 500
    assert 0 < metrics["feature_spread"] <= 1
    assert metrics["detail_demand"] == 1


def test_it_demands_more_detail_from_a_small_print(photo: Image.Image, photo_analysis: Analysis) -> None:
    small = analyze(photo, print_width_cm=6, print_height_cm=4.5)
    large = analyze(photo, print_width_cm=20, print_height_cm=15)

    assert small.score < large.score
    assert large.score == photo_analysis.score
    assert "small_print" in codes(small)
    assert "small_print" not in codes(large)
    assert small.metrics["detail_demand"] == 2


def test_it_judges_the_print_by_its_shorter_side(photo: Image.Image) -> None:
    assert "small_print" in codes(analyze(photo, print_width_cm=30, print_height_cm=7))


@pytest.mark.parametrize(
    ("width", "height", "demand"),
    [(None, None, 1.0), (15, None, 1.0), (10, 10, 1.0), (7.5, 20, 1.5), (20, 5, 2.0), (3, 2, 2.0)],
)
def test_it_raises_the_detail_demand_from_10_cm_down_to_5_cm(
    width: float | None, height: float | None, demand: float
) -> None:
    assert detail_demand(width, height) == pytest.approx(demand)


@pytest.mark.parametrize("side", [0, -3, float("nan"), float("inf")])
def test_it_refuses_an_impossible_print_size(photo: Image.Image, side: float) -> None:
    with pytest.raises(ValueError, match="positive number of centimetres"):
        analyze(photo, print_width_cm=side)


@pytest.mark.parametrize(
    ("score", "level"), [(100, "good"), (70, "good"), (69, "fair"), (45, "fair"), (44, "poor")]
)
def test_it_draws_the_levels_at_70_and_45(score: int, level: str) -> None:
    assert level_for(score) == level


def test_it_gives_the_same_answer_every_time(photo: Image.Image, photo_analysis: Analysis) -> None:
    assert analyze(photo).as_dict() == photo_analysis.as_dict()


def test_it_measures_at_the_same_scale_whatever_the_resolution() -> None:
    big = analyze(textured_photo(2048, 1536, seed=2))
    same = analyze(textured_photo(2048, 1536, seed=2).resize((1024, 768), Image.Resampling.LANCZOS))

    assert abs(big.score - same.score) <= 3


def test_it_gives_json_ready_data(photo: Image.Image) -> None:
    data = analyze(darkened(photo), print_width_cm=6).as_dict()

    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"score", "level", "metrics", "components", "recommendations"}
    assert all(isinstance(value, float) for value in data["metrics"].values())
    assert all(0 <= value <= 1 for value in data["components"].values())


def test_it_advises_in_english_and_russian(photo: Image.Image) -> None:
    dark = analyze(darkened(photo), print_width_cm=5)

    assert dark.recommendations[0] == {
        "code": "too_dark",
        "en": "The photo is too dark: choose a brighter shot or raise the brightness.",
        "ru": "Фото слишком тёмное: выберите более светлый кадр или повысьте яркость.",
    }
    for item in dark.recommendations:
        assert item["en"].endswith(".")
        assert re.search("[\u0430-\u044f]", item["ru"])


def test_every_piece_of_advice_has_both_languages() -> None:
    for english, russian in TEXTS.values():
        assert english[0].isupper()
        assert english.endswith((".", ")."))
        assert re.match("[\u0410-\u042f]", russian)  # a capital Cyrillic letter
        assert russian.endswith((".", ")."))


@settings(max_examples=25, deadline=None)
@given(
    pixels=arrays(
        np.uint8,
        st.tuples(st.integers(1, 48), st.integers(1, 48), st.sampled_from([1, 3, 4])),
    ),
    print_width=st.none() | st.floats(0.5, 200),
)
def test_it_always_scores_between_0_and_100(pixels: np.ndarray, print_width: float | None) -> None:
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[pixels.shape[2]]
    image = Image.fromarray(pixels[:, :, 0] if mode == "L" else pixels, mode=mode)

    result = analyze(image, print_width_cm=print_width)

    assert 0 <= result.score <= 100
    assert result.level == level_for(result.score)
    assert all(0 <= value <= 1 for value in result.components.values())
    assert json.dumps(result.as_dict())
