"""The common view of a photo for measuring and matching: greyscale at a fixed size, and
its ORB feature points."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

WORKING_SIDE = 1024

# ORB settings shared by the analysis and the similar-marker check. FAST threshold 20 is
# OpenCV's default and what most trackers use; fixed so scores never drift between runs.
ORB_FAST_THRESHOLD = 20
ORB_EDGE_THRESHOLD = 31
# ORB needs that border on every side at every pyramid level; on thinner images OpenCV
# either finds nothing or fails an assertion, so we do not ask it.
_ORB_MIN_SIDE = 2 * ORB_EDGE_THRESHOLD + 1
DESCRIPTOR_BYTES = 32


def working_gray(image: Image.Image, longest_side: int = WORKING_SIDE) -> np.ndarray:
    """Greyscale uint8 array with the longest side scaled to exactly `longest_side`, so
    every measure is taken at the same scale whatever the upload's resolution."""
    gray = np.asarray(image.convert("L"))
    height, width = gray.shape
    scale = longest_side / max(height, width)
    if scale == 1:
        return gray
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # INTER_AREA averages when shrinking (no aliasing); cubic when a small photo grows.
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, size, interpolation=interpolation)


def orb_features(gray: np.ndarray, max_features: int) -> tuple[np.ndarray, np.ndarray]:
    """Keypoint coordinates (n x 2 float32, in `gray`'s pixels) and ORB descriptors
    (n x 32 uint8); empty arrays when the image has no usable corners."""
    if min(gray.shape) < _ORB_MIN_SIDE:
        return _no_features()
    orb = cv2.ORB.create(
        nfeatures=max_features,
        scaleFactor=1.2,
        nlevels=8,
        edgeThreshold=ORB_EDGE_THRESHOLD,
        fastThreshold=ORB_FAST_THRESHOLD,
    )
    keypoints, descriptors = orb.detectAndCompute(gray, None)
    if descriptors is None or not keypoints:
        return _no_features()
    points = np.array([keypoint.pt for keypoint in keypoints], dtype=np.float32).reshape(-1, 2)
    return points, np.ascontiguousarray(descriptors, dtype=np.uint8)


def _no_features() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros((0, 2), dtype=np.float32), np.zeros((0, DESCRIPTOR_BYTES), dtype=np.uint8)
