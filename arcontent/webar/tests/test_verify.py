"""verify_target accepts only structurally sound MindAR .mind data and refuses anything else
with InvalidTargetError (never another exception)."""

from __future__ import annotations

import contextlib
from typing import Any

import msgpack
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arcontent.webar.compiler import InvalidTargetError, TargetInfo, verify_target


def _target(width: int = 640, height: int = 480) -> dict[str, Any]:
    """The smallest target with the shape MindAR 1.2.5's exportData writes."""
    point = {"maxima": True, "x": 10.5, "y": 20.5, "scale": 1, "angle": 0.3, "descriptors": [1, 2, 3]}
    cluster = {"rootNode": {"centerPointIndex": None, "leaf": True, "pointIndexes": [0]}}
    return {
        "targetImage": {"width": width, "height": height},
        "trackingData": [
            {"data": bytes(8 * 6), "scale": 0.5, "width": 8, "height": 6, "points": [{"x": 3, "y": 2}]},
            {"data": bytes(4 * 3), "scale": 0.25, "width": 4, "height": 3, "points": []},
        ],
        "matchingData": [
            {
                "maximaPoints": [point],
                "minimaPoints": [],
                "maximaPointsCluster": cluster,
                "minimaPointsCluster": {
                    "rootNode": {"centerPointIndex": None, "leaf": True, "pointIndexes": []}
                },
                "width": width,
                "height": height,
                "scale": 1,
            }
        ],
    }


def _mind(content: Any) -> bytes:
    return msgpack.packb(content, use_bin_type=True)


def test_a_well_formed_target_is_read() -> None:
    data = _mind({"v": 2, "dataList": [_target(640, 480), _target(300, 200)]})

    assert verify_target(data) == TargetInfo(version=2, targets=2, width=640, height=480)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (np.random.default_rng(7).bytes(4096), "not MindAR data"),
        (b"\xc1", "not MindAR data"),  # a byte msgpack never uses
        (_mind([1, 2, 3]), "expected a map"),
        (_mind({"v": 2}), "no image targets"),
        (_mind({"v": 2, "dataList": []}), "no image targets"),
        (_mind({"v": 2, "dataList": "x"}), "no image targets"),
        (_mind({"dataList": [_target()]}), "no format version"),
        (_mind({"v": "2", "dataList": [_target()]}), "no format version"),
        (_mind({"v": True, "dataList": [_target()]}), "no format version"),
        (_mind({"v": 0, "dataList": [_target()]}), "no format version"),
        (_mind({"v": 2, "dataList": [7]}), "target 0 is not a map"),
    ],
    ids=[
        "empty",
        "random-bytes",
        "invalid-msgpack",
        "list",
        "no-dataList",
        "empty-dataList",
        "dataList-not-a-list",
        "no-version",
        "version-string",
        "version-bool",
        "version-zero",
        "target-not-a-map",
    ],
)
def test_garbage_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(InvalidTargetError, match=message):
        verify_target(data)


def _broken(change: str) -> dict[str, Any]:
    target = _target()
    match change:
        case "no-targetImage":
            del target["targetImage"]
        case "zero-width":
            target["targetImage"]["width"] = 0
        case "float-height":
            target["targetImage"]["height"] = 480.0
        case "no-trackingData":
            del target["trackingData"]
        case "empty-trackingData":
            target["trackingData"] = []
        case "tracking-set-not-a-map":
            target["trackingData"][0] = [1]
        case "tracking-image-short":
            target["trackingData"][0]["data"] = bytes(10)
        case "tracking-points-missing":
            del target["trackingData"][1]["points"]
        case "no-tracking-points":
            target["trackingData"][0]["points"] = []
        case "no-matchingData":
            del target["matchingData"]
        case "keyframe-not-a-map":
            target["matchingData"] = ["x"]
        case "keyframe-no-size":
            del target["matchingData"][0]["width"]
        case "keyframe-no-minima":
            del target["matchingData"][0]["minimaPoints"]
        case "no-matching-points":
            target["matchingData"][0]["maximaPoints"] = []
    return target


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no-targetImage", "has no targetImage"),
        ("zero-width", "targetImage has no positive width and height"),
        ("float-height", "targetImage has no positive width and height"),
        ("no-trackingData", "has no trackingData"),
        ("empty-trackingData", "has no trackingData"),
        ("tracking-set-not-a-map", r"trackingData\[0\] is not a map"),
        ("tracking-image-short", r"trackingData\[0\] has no grey image of 8x6 pixels"),
        ("tracking-points-missing", r"trackingData\[1\] has no points"),
        ("no-tracking-points", "has no points to track: the image has too little detail"),
        ("no-matchingData", "has no matchingData"),
        ("keyframe-not-a-map", r"matchingData\[0\] is not a map"),
        ("keyframe-no-size", r"matchingData\[0\] has no positive width and height"),
        ("keyframe-no-minima", r"matchingData\[0\] has no minimaPoints"),
        ("no-matching-points", "has no feature points to match: the image has too little detail"),
    ],
)
def test_a_target_missing_a_part_is_refused(change: str, message: str) -> None:
    data = _mind({"v": 2, "dataList": [_target(), _broken(change)]})

    with pytest.raises(InvalidTargetError, match=f"target 1 {message}"):
        verify_target(data)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_raise_only_invalid_target_error(data: bytes) -> None:
    with contextlib.suppress(InvalidTargetError):
        verify_target(data)
