from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from arcontent.imaging.decode import load_photo
from arcontent.imaging.derivatives import make_marker
from arcontent.imaging.similarity import (
    FINGERPRINT_FEATURES,
    PREFILTER_TOP_N,
    Fingerprint,
    find_matches,
    fingerprint,
    hash_distances,
    match,
    prefilter,
    prefilter_array,
)
from arcontent.imaging.tests.images import checkerboard, encode, flat_grey, textured_photo

Transform = Callable[[Image.Image], Image.Image]


def recompressed(image: Image.Image) -> Image.Image:
    return load_photo(encode(image, "JPEG", quality=40))


def tilted(angle: float, *, expand: bool) -> Transform:
    def turn(image: Image.Image) -> Image.Image:
        return image.rotate(angle, Image.Resampling.BICUBIC, expand=expand, fillcolor=(255, 255, 255))

    return turn


SAME_PICTURE: dict[str, Transform] = {
    "re-uploaded": lambda image: image.copy(),
    "turned 90°": lambda image: image.transpose(Image.Transpose.ROTATE_90),
    "turned 180°": lambda image: image.transpose(Image.Transpose.ROTATE_180),
    "turned 270°": lambda image: image.transpose(Image.Transpose.ROTATE_270),
    "tilted 7° on a larger canvas": tilted(7, expand=True),
    "tilted 7° in its frame": tilted(-7, expand=False),
    "halved": lambda image: image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS),
    "recompressed at quality 40": recompressed,
    "halved, tilted and recompressed": lambda image: recompressed(tilted(5, expand=True)(image.reduce(2))),
}


@pytest.fixture(scope="module")
def marker() -> Image.Image:
    return load_photo(make_marker(textured_photo(1600, 1200, seed=11)))


@pytest.fixture(scope="module")
def stored(marker: Image.Image) -> Fingerprint:
    return fingerprint(marker)


@pytest.fixture(scope="module")
def unrelated() -> Fingerprint:
    return fingerprint(textured_photo(1024, 768, seed=12))


@pytest.fixture(scope="module")
def random_hashes() -> np.ndarray:
    return np.random.default_rng(42).integers(0, 2**64, size=3000, dtype=np.uint64)


def test_it_fingerprints_a_marker(stored: Fingerprint) -> None:
    assert len(stored.phashes) == 4
    assert all(0 <= value < 2**64 for value in stored.search_hashes)
    assert len(stored.tilt_phashes) == 64
    assert stored.phash == stored.phashes[0]
    assert stored.descriptors.shape == (FINGERPRINT_FEATURES, 32)
    assert stored.descriptors.dtype == np.uint8
    assert stored.keypoints.shape == (FINGERPRINT_FEATURES, 2)
    assert stored.size == (1024, 768)
    assert (stored.keypoints >= 0).all()
    assert (stored.keypoints[:, 0] < 1024).all()
    assert (stored.keypoints[:, 1] < 768).all()


def test_its_four_hashes_follow_the_turns_of_the_picture(marker: Image.Image, stored: Fingerprint) -> None:
    turned = fingerprint(marker.transpose(Image.Transpose.ROTATE_90))

    assert turned.phashes == stored.phashes[1:] + stored.phashes[:1]


def test_its_fingerprint_survives_a_round_trip_through_bytes(stored: Fingerprint) -> None:
    data = stored.to_bytes()
    restored = Fingerprint.from_bytes(data)

    assert restored.phashes == stored.phashes
    assert restored.tilt_phashes == stored.tilt_phashes
    assert restored.size == stored.size
    assert np.array_equal(restored.descriptors, stored.descriptors)
    assert np.array_equal(restored.keypoints, stored.keypoints)
    assert len(data) < 22_000
    assert match(restored, stored).inliers == match(stored, stored).inliers


def test_a_featureless_fingerprint_survives_the_round_trip_too() -> None:
    empty = fingerprint(flat_grey(64, 48))

    restored = Fingerprint.from_bytes(empty.to_bytes())

    assert restored.descriptors.shape == (0, 32)
    assert restored.keypoints.shape == (0, 2)


@pytest.mark.parametrize(
    "garbage",
    [b"", b"ARVF", b"PK\x03\x04" + bytes(100), "truncated", "wrong version"],
)
def test_it_refuses_bytes_that_are_not_a_fingerprint(stored: Fingerprint, garbage: bytes | str) -> None:
    data = stored.to_bytes()
    if garbage == "truncated":
        garbage = data[:-1]
    elif garbage == "wrong version":
        garbage = data[:4] + b"\x09" + data[5:]

    with pytest.raises(ValueError, match="Not a fingerprint"):
        Fingerprint.from_bytes(garbage if isinstance(garbage, bytes) else garbage.encode())


@pytest.mark.parametrize("change", list(SAME_PICTURE))
def test_it_finds_the_same_photo_changed(marker: Image.Image, stored: Fingerprint, change: str) -> None:
    query = fingerprint(SAME_PICTURE[change](marker))

    result = match(query, stored)

    assert result.is_match
    assert result.inliers >= 60
    assert 0 < result.ratio <= 1


@pytest.mark.parametrize("change", list(SAME_PICTURE))
def test_its_prefilter_passes_the_same_photo_changed(
    marker: Image.Image, stored: Fingerprint, random_hashes: np.ndarray, change: str
) -> None:
    query = fingerprint(SAME_PICTURE[change](marker))
    hashes = random_hashes.copy()
    hashes[1234] = stored.phash

    candidates = prefilter_array(query, hashes)

    assert candidates[0] == 1234
    assert hash_distances(query, hashes)[1234] <= 6


@pytest.mark.parametrize("other", ["unrelated photo", "checkerboard", "flat grey"])
def test_it_does_not_match_a_different_picture(
    stored: Fingerprint, unrelated: Fingerprint, other: str
) -> None:
    query = {
        "unrelated photo": unrelated,
        "checkerboard": fingerprint(checkerboard()),
        "flat grey": fingerprint(flat_grey()),
    }[other]

    result = match(query, stored)

    assert not result.is_match
    assert result.inliers < 15


def test_an_unrelated_photos_hash_is_far(stored: Fingerprint, unrelated: Fingerprint) -> None:
    assert hash_distances(unrelated, np.array([stored.phash], dtype=np.uint64))[0] > 12


def test_its_prefilter_keeps_the_close_ones_and_always_the_nearest(stored: Fingerprint) -> None:
    near = stored.phash ^ 0b111  # 3 bits away
    hashes = np.array([stored.phash ^ (2**64 - 1), near, stored.phash, near ^ (1 << 40)], dtype=np.uint64)

    assert prefilter_array(stored, hashes, max_distance=3, top_n=0).tolist() == [2, 1]
    assert prefilter_array(stored, hashes, max_distance=3, top_n=3).tolist() == [2, 1, 3]
    assert prefilter_array(stored, hashes, max_distance=64, top_n=0).tolist() == [2, 1, 3, 0]


def test_its_prefilter_reads_several_hashes_per_stored_marker(stored: Fingerprint) -> None:
    far = stored.phash ^ (2**64 - 1)
    rows = np.array([[far, far, far, far], [far, far, stored.phashes[2], far]], dtype=np.uint64)

    assert hash_distances(stored, rows).tolist()[1] == 0
    assert prefilter_array(stored, rows, top_n=0).tolist() == [1]


def test_its_prefilter_takes_keys_and_signed_hashes(stored: Fingerprint, random_hashes: np.ndarray) -> None:
    signed = stored.phash - 2**64 if stored.phash >= 2**63 else stored.phash
    candidates = [(f"content-{index}", int(value)) for index, value in enumerate(random_hashes)]
    candidates.insert(700, ("the original", signed))
    candidates.insert(701, ("a negative stranger", -1))

    keys = prefilter(stored, candidates)

    assert keys[0] == "the original"
    assert len(keys) == PREFILTER_TOP_N
    assert prefilter(stored, candidates, 0, top_n=0) == ["the original"]


def test_its_prefilter_and_matching_take_well_under_a_second_for_10000_markers(
    marker: Image.Image, stored: Fingerprint, unrelated: Fingerprint
) -> None:
    hashes = np.random.default_rng(7).integers(0, 2**64, size=(10_000, 4), dtype=np.uint64)
    hashes[5_000] = stored.phashes
    # What the database would hand back for each candidate: the fingerprint's bytes.
    blobs = {5_000: stored.to_bytes()}
    stranger = unrelated.to_bytes()
    query = fingerprint(tilted(7, expand=True)(marker))
    started = time.perf_counter()

    candidates = prefilter_array(query, hashes)
    found = find_matches(
        query, ((int(index), Fingerprint.from_bytes(blobs.get(int(index), stranger))) for index in candidates)
    )

    assert time.perf_counter() - started < 1.0
    assert [key for key, _ in found] == [5_000]


def test_it_lists_only_the_matching_candidates_most_inliers_first(
    marker: Image.Image, stored: Fingerprint, unrelated: Fingerprint
) -> None:
    tilted_copy = fingerprint(tilted(7, expand=True)(marker))

    found = find_matches(stored, [("unrelated", unrelated), ("tilted", tilted_copy), ("same", stored)])

    assert [key for key, _ in found] == ["same", "tilted"]
    assert found[0][1].inliers > found[1][1].inliers


def test_it_fingerprints_pictures_too_small_or_thin_for_features() -> None:
    for size in ((1, 1), (1024, 3), (40, 30)):
        tiny = fingerprint(Image.new("RGB", size, (90, 20, 200)))
        assert tiny.descriptors.shape == (0, 32)
        assert not match(tiny, tiny).is_match


def test_it_is_deterministic(marker: Image.Image, stored: Fingerprint, unrelated: Fingerprint) -> None:
    again = fingerprint(marker)

    assert again.to_bytes() == stored.to_bytes()
    assert match(again, unrelated) == match(stored, unrelated)
