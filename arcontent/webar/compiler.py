"""Compile a marker photo into a MindAR image target (.mind) and check .mind files.

The rules:

- The compiler is MindAR's own ``OfflineCompiler``, run by ``node/compile.mjs`` under Node.js
  with the packages pinned in ``node/package-lock.json`` (pure-JS TensorFlow backend, no
  network). It is available only when ``node`` is on PATH and ``npm ci`` has installed those
  packages; ``compiler_status`` says which piece is missing.
- ``compile_target`` never returns a placeholder: the .mind it returns has been decoded and
  checked by ``verify_target``, and it carries the MindAR version that wrote it (the viewer
  rejects targets from another format version, so a target is recompiled on upgrade).
- ``verify_target`` accepts only a structurally sound .mind: a msgpack map
  ``{"v": <int>, "dataList": [target, ...]}`` where each target has ``targetImage`` with
  positive ``width``/``height``, ``trackingData`` (feature sets with a grey image and points)
  and ``matchingData`` (keyframes with maxima/minima feature points), and has feature points
  to track and to match. An image without detail compiles into a target with no points;
  such a target can never be found by the camera and is refused.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import msgpack

NODE_DIR = Path(__file__).resolve().parent / "node"
COMPILE_SCRIPT = "compile.mjs"
DEFAULT_TIMEOUT = 180.0

# Packages whose presence means `npm ci` finished: MindAR itself, the TensorFlow.js it runs on
# and node-canvas's native binding (built from source during the install).
_REQUIRED_FILES = {
    "mind-ar": "mind-ar/package.json",
    "@tensorflow/tfjs": "@tensorflow/tfjs/package.json",
    "canvas": "canvas/build/Release/canvas.node",
}

_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

NODE_MISSING = "Node.js is not installed (no `node` on PATH)."
PACKAGES_MISSING = (
    "The MindAR compiler packages are not installed: run scripts/test or `npm ci` in arcontent/webar/node."
)


class WebARError(Exception):
    """Base of the errors of this module; `message` says what went wrong in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CompilerUnavailableError(WebARError):
    """The compiler cannot run on this machine (Node.js or its packages are missing)."""


class CompileError(WebARError):
    """The compiler ran but gave no usable target (bad image, failure, timeout, bad output)."""


class InvalidTargetError(WebARError):
    """The bytes are not a structurally sound MindAR .mind target."""


@dataclass(frozen=True)
class CompilerStatus:
    """Whether ``compile_target`` can run; ``version`` is the installed MindAR version."""

    available: bool
    version: str | None
    reason: str


@dataclass(frozen=True)
class CompiledTarget:
    """A verified .mind file, the MindAR version that wrote it and the wall-clock seconds the
    compile took (Node start-up included)."""

    data: bytes
    compiler_version: str
    seconds: float


@dataclass(frozen=True)
class TargetInfo:
    """What ``verify_target`` read: format version, number of targets and the size of the
    first target's image in pixels."""

    version: int
    targets: int
    width: int
    height: int


def installed_mindar_version() -> str | None:
    """The version in node_modules/mind-ar/package.json, or None when it is not installed."""
    manifest = NODE_DIR / "node_modules" / "mind-ar" / "package.json"
    try:
        version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return version if isinstance(version, str) and version else None


def compiler_status() -> CompilerStatus:
    """Available only when ``node`` is on PATH and the pinned packages are installed in
    arcontent/webar/node/node_modules; otherwise ``reason`` names the missing piece."""
    version = installed_mindar_version()
    if shutil.which("node") is None:
        return CompilerStatus(False, version, NODE_MISSING)
    modules = NODE_DIR / "node_modules"
    missing = [name for name, path in _REQUIRED_FILES.items() if not (modules / path).is_file()]
    if version is None and "mind-ar" not in missing:
        missing.insert(0, "mind-ar")  # present but its package.json is unreadable
    if missing:
        return CompilerStatus(False, version, f"{PACKAGES_MISSING} Missing: {', '.join(missing)}.")
    return CompilerStatus(True, version, f"MindAR {version} compiler is ready.")


def compile_target(image: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> CompiledTarget:
    """Compile one JPEG or PNG marker image into a verified .mind target.

    Raises CompilerUnavailableError when Node.js or the packages are missing, CompileError when
    the image is refused, the compiler fails or runs longer than ``timeout`` seconds, or its
    output does not pass ``verify_target``.
    """
    status = compiler_status()
    if not status.available:
        raise CompilerUnavailableError(status.reason)
    if not (image.startswith(_JPEG_MAGIC) or image.startswith(_PNG_MAGIC)):
        raise CompileError("Only JPEG and PNG images can be compiled into an AR target.")
    node = shutil.which("node") or "node"

    # The prefix of arvlite.core.scratch.work_directory: left behind by a killed worker, it is cleaned up.
    with tempfile.TemporaryDirectory(prefix="arvlite-work-mind-") as workdir:
        source = Path(workdir) / ("marker.png" if image.startswith(_PNG_MAGIC) else "marker.jpg")
        output = Path(workdir) / "target.mind"
        source.write_bytes(image)
        command = [node, str(NODE_DIR / COMPILE_SCRIPT), str(source), str(output)]
        started = time.monotonic()
        try:
            process = subprocess.run(  # noqa: S603 - fixed argv, no shell
                command,
                cwd=workdir,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise CompileError(
                f"The MindAR compiler did not finish within {timeout:g} s and was stopped."
            ) from error
        except OSError as error:
            raise CompilerUnavailableError(f"Node.js could not be started: {error}") from error
        seconds = time.monotonic() - started
        result = _last_json_line(process.stdout)
        if process.returncode != 0 or result is None or result.get("ok") is not True:
            raise CompileError(_failure_message(process, result))
        try:
            data = output.read_bytes()
        except OSError as error:
            raise CompileError(f"The MindAR compiler reported success but wrote no file: {error}") from error

    try:
        info = verify_target(data)
    except InvalidTargetError as error:
        raise CompileError(f"The MindAR compiler produced an unusable target: {error.message}") from error
    if (info.width, info.height) != (result.get("width"), result.get("height")):
        raise CompileError(
            f"The compiled target is {info.width}x{info.height} px but the image is "
            f"{result.get('width')}x{result.get('height')} px."
        )
    version = result.get("mindar_version")
    if not isinstance(version, str) or not version:
        raise CompileError("The MindAR compiler did not report its version.")
    return CompiledTarget(data=data, compiler_version=version, seconds=round(seconds, 2))


def verify_target(data: bytes) -> TargetInfo:
    """Decode a .mind file and check it is structurally sound (see the module docstring), or
    raise InvalidTargetError saying what is wrong."""
    if not data:
        raise InvalidTargetError("The target file is empty.")
    try:
        content = msgpack.unpackb(data, raw=False)
    except (ValueError, TypeError, msgpack.UnpackException) as error:
        raise InvalidTargetError(f"The target file is not MindAR data: {error}") from error
    if not isinstance(content, dict):
        raise InvalidTargetError("The target file is not MindAR data: expected a map at the top.")
    version = content.get("v")
    if not _is_int(version) or version < 1:
        raise InvalidTargetError("The target file has no format version.")
    targets = content.get("dataList")
    if not isinstance(targets, list) or not targets:
        raise InvalidTargetError("The target file holds no image targets.")
    sizes = [_check_target(index, target) for index, target in enumerate(targets)]
    width, height = sizes[0]
    return TargetInfo(version=version, targets=len(targets), width=width, height=height)


def _check_target(index: int, target: Any) -> tuple[int, int]:
    where = f"target {index}"
    if not isinstance(target, dict):
        raise InvalidTargetError(f"{where} is not a map.")
    image = target.get("targetImage")
    if not isinstance(image, dict):
        raise InvalidTargetError(f"{where} has no targetImage.")
    width, height = _size(image, f"{where} targetImage")

    tracking = target.get("trackingData")
    if not isinstance(tracking, list) or not tracking:
        raise InvalidTargetError(f"{where} has no trackingData.")
    tracking_points = 0
    for level, feature_set in enumerate(tracking):
        name = f"{where} trackingData[{level}]"
        if not isinstance(feature_set, dict):
            raise InvalidTargetError(f"{name} is not a map.")
        set_width, set_height = _size(feature_set, name)
        pixels = feature_set.get("data")
        if not isinstance(pixels, bytes) or len(pixels) != set_width * set_height:
            raise InvalidTargetError(f"{name} has no grey image of {set_width}x{set_height} pixels.")
        points = feature_set.get("points")
        if not isinstance(points, list):
            raise InvalidTargetError(f"{name} has no points.")
        tracking_points += len(points)
    if tracking_points == 0:
        raise InvalidTargetError(f"{where} has no points to track: the image has too little detail.")

    matching = target.get("matchingData")
    if not isinstance(matching, list) or not matching:
        raise InvalidTargetError(f"{where} has no matchingData.")
    matching_points = 0
    for level, keyframe in enumerate(matching):
        name = f"{where} matchingData[{level}]"
        if not isinstance(keyframe, dict):
            raise InvalidTargetError(f"{name} is not a map.")
        _size(keyframe, name)
        for kind in ("maximaPoints", "minimaPoints"):
            points = keyframe.get(kind)
            if not isinstance(points, list):
                raise InvalidTargetError(f"{name} has no {kind}.")
            matching_points += len(points)
    if matching_points == 0:
        raise InvalidTargetError(f"{where} has no feature points to match: the image has too little detail.")
    return width, height


def _size(node: dict[str, Any], name: str) -> tuple[int, int]:
    width, height = node.get("width"), node.get("height")
    if not (_is_int(width) and _is_int(height) and width > 0 and height > 0):
        raise InvalidTargetError(f"{name} has no positive width and height.")
    return width, height


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _last_json_line(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.splitlines()):
        if line.strip():
            try:
                parsed = json.loads(line)
            except ValueError:
                return None
            return parsed if isinstance(parsed, dict) else None
    return None


def _failure_message(process: subprocess.CompletedProcess[str], result: dict[str, Any] | None) -> str:
    if result is not None and isinstance(result.get("error"), str):
        return f"The MindAR compiler failed: {result['error']}"
    detail = _tail(process.stderr) or _tail(process.stdout) or "no output"
    return f"The MindAR compiler failed (exit code {process.returncode}): {detail}"


def _tail(text: str, limit: int = 500) -> str:
    text = text.strip()
    return text if len(text) <= limit else "…" + text[-limit:]


__all__ = [
    "CompileError",
    "CompiledTarget",
    "CompilerStatus",
    "CompilerUnavailableError",
    "InvalidTargetError",
    "TargetInfo",
    "WebARError",
    "compile_target",
    "compiler_status",
    "installed_mindar_version",
    "verify_target",
]
