"""The similar-marker check: two prints must never trigger each other's video, so a new
photo is compared with the markers already stored.

Two stages:

1. Prefilter by perceptual hash (hashing.py). Each stored marker keeps one 64-bit hash; the
   new photo carries 68: its four right-angle turns and its small tilts turned back. The
   distance to a stored marker is the smallest Hamming distance over them, so a print
   turned by 90°, 180°, 270° or a few degrees lands as near as the original. Re-encoding,
   rescaling and turning move the distance by 0-6 bits in our tests; unrelated photos sit
   18 or more bits away, random hashes 14 or more.
2. Feature matching on the survivors: ORB descriptors, brute-force Hamming matching, Lowe's
   ratio test, then a RANSAC homography. Only matches that agree on one geometric mapping
   count (inliers), which is also what an AR tracker needs to lock on. Same picture: 120 to
   500 inliers of 500 in our tests; unrelated: under 10.

The prefilter keeps every stored marker within PREFILTER_MAX_DISTANCE (12 bits) *and* always
the PREFILTER_TOP_N (16) nearest whatever their distance, so a transformation that moves
the hash more than expected still reaches feature matching if it is among the nearest.
Cost: one feature match (about 2 ms, plus loading its ~20 KB fingerprint) per survivor;
normally 16, more only when many stored markers are genuinely close.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import cv2
import numpy as np
from PIL import Image

from arcontent.imaging.features import DESCRIPTOR_BYTES, orb_features, working_gray
from arcontent.imaging.hashing import hash_views

K = TypeVar("K")

# 500 ORB points: enough for hundreds of inliers on a true match, ~16 KB of descriptors.
FINGERPRINT_FEATURES = 500
# Changed copies land 0-6 bits away, unrelated photos 18+ and random hashes 14+: 12 keeps
# a margin on both sides. The top 16 go to matching regardless (see the module docstring).
PREFILTER_MAX_DISTANCE = 12
PREFILTER_TOP_N = 16
# Lowe's ratio: keep a match only when it is clearly better than the second best.
LOWE_RATIO = 0.75
# RANSAC: a match is an inlier when the homography puts it within 5 px (of 1024).
RANSAC_REPROJECTION_PX = 5.0
# RANSAC fits some homography to any 4+ matches, so unrelated photos still show a few
# "inliers" (up to 8 in our tests); a true copy shows 120+. 20 sits well between.
MIN_INLIERS = 20
# ...and be 5 % of the smaller keypoint set, so two detail-rich markers (500 points) need
# 25. Kept permissive on purpose: a false "similar" is a warning staff can override, a
# missed one is a print that plays someone else's video.
MIN_INLIER_RATIO = 0.05

_MASK64 = (1 << 64) - 1
_MAGIC = b"ARVF"
_VERSION = 1
# magic, version, descriptor bytes, width, height, hash count, keypoint count
_HEADER = struct.Struct("<4sBBHHHI")


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """What the check keeps of a marker: pHashes of its four right-angle rotations (0°, 90°,
    180°, 270° counter-clockwise), pHashes of small tilts turned back (used when it is the
    query), and its ORB keypoints (x, y in the 1024 px working image, `size`) with their
    descriptors."""

    phashes: tuple[int, int, int, int]
    tilt_phashes: tuple[int, ...]
    keypoints: np.ndarray
    descriptors: np.ndarray
    size: tuple[int, int]

    @property
    def phash(self) -> int:
        """The hash to store next to the marker for the prefilter (rotation 0°)."""
        return self.phashes[0]

    @property
    def search_hashes(self) -> tuple[int, ...]:
        """Every hash the prefilter compares when this fingerprint is the query."""
        return self.phashes + self.tilt_phashes

    def to_bytes(self) -> bytes:
        """Compact binary form (about 21 KB for 500 keypoints): a 16-byte header, the hashes
        as little-endian uint64, the descriptors, then the keypoints as float32."""
        hashes = np.array(self.search_hashes, dtype="<u8")
        header = _HEADER.pack(
            _MAGIC, _VERSION, DESCRIPTOR_BYTES, *self.size, len(hashes), len(self.descriptors)
        )
        descriptors = np.ascontiguousarray(self.descriptors, dtype=np.uint8)
        keypoints = np.ascontiguousarray(self.keypoints, dtype="<f4")
        return header + hashes.tobytes() + descriptors.tobytes() + keypoints.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Read what to_bytes wrote; ValueError when the bytes are not such a fingerprint."""
        if len(data) < _HEADER.size:
            raise ValueError("Not a fingerprint: too short.")
        magic, version, descriptor_bytes, width, height, hash_count, count = _HEADER.unpack_from(data)
        if magic != _MAGIC or version != _VERSION or descriptor_bytes != DESCRIPTOR_BYTES or hash_count < 4:
            raise ValueError("Not a fingerprint of this version.")
        descriptors_at = _HEADER.size + hash_count * 8
        keypoints_at = descriptors_at + count * DESCRIPTOR_BYTES
        if len(data) != keypoints_at + count * 2 * 4:
            raise ValueError("Not a fingerprint: wrong length.")
        hashes = [
            int(value) for value in np.frombuffer(data, dtype="<u8", count=hash_count, offset=_HEADER.size)
        ]
        descriptors = np.frombuffer(
            data, dtype=np.uint8, count=count * DESCRIPTOR_BYTES, offset=descriptors_at
        )
        keypoints = np.frombuffer(data, dtype="<f4", count=count * 2, offset=keypoints_at)
        return cls(
            phashes=(hashes[0], hashes[1], hashes[2], hashes[3]),
            tilt_phashes=tuple(hashes[4:]),
            keypoints=keypoints.reshape(count, 2).astype(np.float32),
            descriptors=descriptors.reshape(count, DESCRIPTOR_BYTES).copy(),
            size=(width, height),
        )


@dataclass(frozen=True)
class MatchResult:
    """Feature-matching verdict: RANSAC inliers, inliers as a share of the smaller keypoint
    set, and whether that makes the two markers the same picture."""

    inliers: int
    ratio: float
    is_match: bool


def fingerprint(image: Image.Image) -> Fingerprint:
    """Fingerprint a marker (any size; it is measured at 1024 px on the longest side)."""
    gray = working_gray(image)
    upright, tilted = hash_views(Image.fromarray(gray, mode="L"))
    keypoints, descriptors = orb_features(gray, FINGERPRINT_FEATURES)
    height, width = gray.shape
    return Fingerprint(
        phashes=(upright[0], upright[1], upright[2], upright[3]),
        tilt_phashes=tilted,
        keypoints=keypoints,
        descriptors=descriptors,
        size=(width, height),
    )


def hash_distances(query: Fingerprint, hashes: np.ndarray) -> np.ndarray:
    """Smallest Hamming distance from any of the query's hashes to each stored marker.
    `hashes` is (n,) with one hash per marker or (n, k) with several (say, its four
    right-angle turns); a marker's distance is then the smallest over all of them."""
    stored = np.asarray(hashes, dtype=np.uint64)
    stored = stored.reshape(len(stored), -1)
    views = np.array(query.search_hashes, dtype=np.uint64)[:, None]
    distances = np.full(len(stored), 64, dtype=np.int64)
    # One stored column at a time keeps the temporary array at (68 x n), not (68 x n x k).
    for column in stored.T:
        np.minimum(distances, np.bitwise_count(views ^ column[None, :]).min(axis=0), out=distances)
    return distances


def prefilter_array(
    query: Fingerprint,
    hashes: np.ndarray,
    max_distance: int = PREFILTER_MAX_DISTANCE,
    *,
    top_n: int = PREFILTER_TOP_N,
) -> np.ndarray:
    """Indices into `hashes` (shape (n,) or (n, k), see hash_distances) worth feature
    matching, nearest first: all within `max_distance`, and never fewer than the `top_n`
    nearest."""
    distances = hash_distances(query, hashes)
    order = np.argsort(distances, kind="stable")
    within = int(np.count_nonzero(distances <= max_distance))
    return order[: max(within, top_n)]


def prefilter(
    query: Fingerprint,
    candidates: Iterable[tuple[K, int]],
    max_distance: int = PREFILTER_MAX_DISTANCE,
    *,
    top_n: int = PREFILTER_TOP_N,
) -> list[K]:
    """Keys of the stored (key, pHash) pairs worth feature matching, nearest first (see
    prefilter_array). Hashes read back from a signed 64-bit column may be negative."""
    keys: list[K] = []
    values: list[int] = []
    for key, value in candidates:
        keys.append(key)
        values.append(value & _MASK64)
    hashes = np.array(values, dtype=np.uint64)
    return [keys[index] for index in prefilter_array(query, hashes, max_distance, top_n=top_n)]


def match(query: Fingerprint, other: Fingerprint) -> MatchResult:
    """Whether two fingerprints show the same picture: at least MIN_INLIERS ratio-test
    matches agreeing on one plausible homography, and at least MIN_INLIER_RATIO of the
    smaller keypoint set."""
    smaller = min(len(query.descriptors), len(other.descriptors))
    if smaller < 2:
        return MatchResult(inliers=0, ratio=0.0, is_match=False)
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(query.descriptors, other.descriptors, k=2)
    good = [pair[0] for pair in pairs if len(pair) == 2 and pair[0].distance < LOWE_RATIO * pair[1].distance]
    inliers = _homography_inliers(query, other, good)
    ratio = round(inliers / smaller, 4)
    return MatchResult(
        inliers=inliers, ratio=ratio, is_match=inliers >= MIN_INLIERS and ratio >= MIN_INLIER_RATIO
    )


def _homography_inliers(query: Fingerprint, other: Fingerprint, good: list[cv2.DMatch]) -> int:
    if len(good) < 4:
        return 0
    source = query.keypoints[[item.queryIdx for item in good]].reshape(-1, 1, 2)
    target = other.keypoints[[item.trainIdx for item in good]].reshape(-1, 1, 2)
    homography, mask = cv2.findHomography(source, target, cv2.RANSAC, RANSAC_REPROJECTION_PX)
    if homography is None or not _plausible(homography):
        return 0
    return int(mask.sum())


def _plausible(homography: np.ndarray) -> bool:
    """A camera can scale and turn a print but not mirror or crush it: the linear part must
    keep orientation and change area by less than 16x."""
    determinant = float(np.linalg.det(homography[:2, :2]))
    return 1 / 16 < determinant < 16


def find_matches(
    query: Fingerprint, candidates: Iterable[tuple[K, Fingerprint]]
) -> list[tuple[K, MatchResult]]:
    """The candidates that match the query, most inliers first."""
    results = [(key, match(query, other)) for key, other in candidates]
    matches = [(key, result) for key, result in results if result.is_match]
    return sorted(matches, key=lambda item: -item[1].inliers)
