"""Trackability: how well image-tracking AR (MindAR, ARKit, ARCore) will recognise a
printed photo, as a 0-100 score, a level and advice in plain language.

Trackers learn a print from its corners and texture. They want it well exposed, contrasty,
sharp, full of detail spread over the whole picture, and without repeating patterns (a
repeated detail cannot tell the tracker where on the print it is looking).

How the score is made (all measured on greyscale with the longest side at 1024 px):

1. Each measure becomes a component between 0 and 1 through a linear ramp, "zero at or
   below A, full at or above B" (brightness is two-sided: full between 70 and 185):

   ============== ============================================ ========== ========= ======
   component      measure                                      zero at    full at   weight
   ============== ============================================ ========== ========= ======
   brightness     mean grey level                              15 / 245   70 - 185  0.08
   contrast       standard deviation of grey                   8          36        0.14
   sharpness      variance of the Laplacian (ramp on log10)    10         120       0.18
   edge_density   share of Canny (60/180) edge pixels          0.005      0.05      0.08
   features       ORB keypoints found (at most 1000)           50         500       0.22
   spread         share of 4x4 grid cells with ≥ 8 keypoints   0.25       0.875     0.18
   uniqueness     share of keypoints whose nearest other       0.2        0.7       0.12
                  descriptor differs in ≥ 40 of 256 bits
   ============== ============================================ ========== ========= ======

2. quality = the weighted sum of the components. Features, spread and sharpness weigh most
   because they decide whether a tracker finds the print at all and holds it.
3. A tracker fails on the weakest of five things however good the rest is: exposure,
   contrast, sharpness, number of features, uniqueness. So
   score = round(100 x quality x (0.5 + 0.5 x weakest of those five)).
   A photo that fails one of them outright keeps at most half its quality, so a flat,
   blurred, dark or repetitive photo stays "poor" however good the rest is.
4. Levels: "good" at 70 and above, "fair" from 45 to 69, "poor" below 45.

Print size: the camera sees each detail of a small print with fewer pixels, so fine detail
stops counting. When the print's shorter side is under 10 cm, the thresholds for sharpness,
edge density and features are multiplied by a detail demand rising linearly from 1 at
10 cm to 2 at 5 cm and below (measured values are divided by it before the ramps).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image

from arcontent.imaging.advice import advice_for
from arcontent.imaging.decode import load_photo
from arcontent.imaging.derivatives import make_marker
from arcontent.imaging.features import orb_features, working_gray

GOOD_SCORE = 70
FAIR_SCORE = 45

WEIGHTS = {
    "brightness": 0.08,
    "contrast": 0.14,
    "sharpness": 0.18,
    "edge_density": 0.08,
    "features": 0.22,
    "spread": 0.18,
    "uniqueness": 0.12,
}
CRITICAL = ("brightness", "contrast", "sharpness", "features", "uniqueness")

ANALYSIS_MAX_FEATURES = 1000
GRID = 4
KEYPOINTS_PER_CELL = 8
CANNY_LOW, CANNY_HIGH = 60, 180
DISTINCT_BITS = 40

SMALL_PRINT_CM = 10.0
TINY_PRINT_CM = 5.0
MAX_DETAIL_DEMAND = 2.0


@dataclass(frozen=True)
class Analysis:
    """The trackability verdict: score 0-100, level good/fair/poor, raw metrics, the 0-1
    components behind the score, and advice in English and Russian."""

    score: int
    level: str
    metrics: dict[str, float]
    recommendations: list[dict[str, str]]
    components: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "metrics": dict(self.metrics),
            "components": dict(self.components),
            "recommendations": [dict(item) for item in self.recommendations],
        }


def analyze(
    image: Image.Image, *, print_width_cm: float | None = None, print_height_cm: float | None = None
) -> Analysis:
    """Score how well AR trackers will recognise `image` printed at the given size (or at
    an unknown, assumed comfortable size when none is given)."""
    demand = detail_demand(print_width_cm, print_height_cm)
    metrics = measure(working_gray(image))
    components = score_components(metrics, demand)
    quality = sum(WEIGHTS[name] * value for name, value in components.items())
    weakest = min(components[name] for name in CRITICAL)
    score = max(0, min(100, round(100 * quality * (0.5 + 0.5 * weakest))))
    metrics["detail_demand"] = round(demand, 4)
    return Analysis(
        score=score,
        level=level_for(score),
        metrics=metrics,
        recommendations=advice_for(metrics, components, small_print=demand > 1),
        components={name: round(value, 4) for name, value in components.items()},
    )


def level_for(score: int) -> str:
    """good ≥ 70, fair ≥ 45, otherwise poor."""
    if score >= GOOD_SCORE:
        return "good"
    if score >= FAIR_SCORE:
        return "fair"
    return "poor"


def detail_demand(width_cm: float | None, height_cm: float | None) -> float:
    """1 for prints whose shorter side is 10 cm or more (or unknown), rising to 2 at 5 cm."""
    sides = [side for side in (width_cm, height_cm) if side is not None]
    for side in sides:
        if not math.isfinite(side) or side <= 0:
            raise ValueError(f"A print side must be a positive number of centimetres, not {side!r}.")
    if not sides:
        return 1.0
    shortfall = (SMALL_PRINT_CM - min(sides)) / (SMALL_PRINT_CM - TINY_PRINT_CM)
    return 1.0 + (MAX_DETAIL_DEMAND - 1.0) * min(1.0, max(0.0, shortfall))


def measure(gray: np.ndarray) -> dict[str, float]:
    """The raw measures of a greyscale image (see the module docstring)."""
    points, descriptors = orb_features(gray, ANALYSIS_MAX_FEATURES)
    return {
        "brightness": round(float(gray.mean()), 4),
        "contrast": round(float(gray.std()), 4),
        "sharpness": round(float(cv2.Laplacian(gray, cv2.CV_64F).var()), 4),
        "edge_density": round(float(np.count_nonzero(cv2.Canny(gray, CANNY_LOW, CANNY_HIGH)) / gray.size), 4),
        "feature_count": float(len(points)),
        "feature_spread": round(_spread(points, gray.shape), 4),
        "uniqueness": round(_uniqueness(descriptors), 4),
    }


def score_components(metrics: dict[str, float], demand: float = 1.0) -> dict[str, float]:
    """Each measure mapped to 0-1; detail measures are divided by the print's demand."""
    return {
        "brightness": min(_ramp(metrics["brightness"], 15, 70), _ramp(-metrics["brightness"], -245, -185)),
        "contrast": _ramp(metrics["contrast"], 8, 36),
        "sharpness": _ramp(math.log10(1 + metrics["sharpness"] / demand), math.log10(10), math.log10(120)),
        "edge_density": _ramp(metrics["edge_density"] / demand, 0.005, 0.05),
        "features": _ramp(metrics["feature_count"] / demand, 50, 500),
        "spread": _ramp(metrics["feature_spread"], 0.25, 0.875),
        "uniqueness": _ramp(metrics["uniqueness"], 0.2, 0.7),
    }


def _ramp(value: float, zero: float, full: float) -> float:
    return min(1.0, max(0.0, (value - zero) / (full - zero)))


def _spread(points: np.ndarray, shape: tuple[int, ...]) -> float:
    """Share of grid cells holding enough keypoints: a tracker that sees only part of the
    print (hand, glare, edge of the frame) still needs features there."""
    if len(points) == 0:
        return 0.0
    height, width = shape[:2]
    columns = np.minimum((points[:, 0] * GRID / width).astype(int), GRID - 1)
    rows = np.minimum((points[:, 1] * GRID / height).astype(int), GRID - 1)
    counts = np.bincount(rows * GRID + columns, minlength=GRID * GRID)
    return float(np.count_nonzero(counts >= KEYPOINTS_PER_CELL)) / (GRID * GRID)


def _uniqueness(descriptors: np.ndarray) -> float:
    """Share of keypoints that look unlike every other keypoint of the same image."""
    if len(descriptors) < 2:
        return 0.0
    # Each descriptor's two nearest are itself (distance 0) and its closest other; with an
    # exact duplicate both are 0, which is right: that keypoint is not unique.
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(descriptors, descriptors, k=2)
    nearest_other = np.array([pair[1].distance for pair in pairs])
    return float(np.count_nonzero(nearest_other >= DISTINCT_BITS)) / len(descriptors)


def analyze_marker_of(
    photo: Image.Image, *, print_width_cm: float | None = None, print_height_cm: float | None = None
) -> Analysis:
    """The score the pipeline will store: it analyses the marker made from the photo (scaled
    and re-encoded), not the upload itself, so the form's live check runs the same steps."""
    return analyze(
        load_photo(make_marker(photo)), print_width_cm=print_width_cm, print_height_cm=print_height_cm
    )
