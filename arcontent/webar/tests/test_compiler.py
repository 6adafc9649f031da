"""compiler_status names what is missing; compile_target runs MindAR's real OfflineCompiler.

The compile tests need `npm ci` in arcontent/webar/node (scripts/test does it): when the
packages are missing they fail with the reason instead of being skipped.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from arcontent.webar import compiler
from arcontent.webar.compiler import (
    CompileError,
    CompilerUnavailableError,
    compile_target,
    compiler_status,
    verify_target,
)

REAL_NODE_DIR = compiler.NODE_DIR


def _textured_jpeg(width: int = 640, height: int = 480, seed: int = 2024) -> bytes:
    """A deterministic busy picture (coarse noise under outlined shapes): plenty of corners."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, size=(height // 8, width // 8, 3), dtype=np.uint8)
    image = Image.fromarray(blocks).resize((width, height), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        box = (x, y, x + int(rng.integers(10, 120)), y + int(rng.integers(10, 120)))
        fill = tuple(int(v) for v in rng.integers(0, 256, size=3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape(box, fill=fill, outline=(0, 0, 0), width=2)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _flat_png(width: int = 300, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (128, 128, 128)).save(out, format="PNG")
    return out.getvalue()


def _require_compiler() -> None:
    status = compiler_status()
    assert status.available, status.reason


def _fake_node_on_path(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH holds only a `node` executable, for the status checks (it is never run)."""
    directory = root / "bin"
    directory.mkdir()
    node = directory / "node"
    node.write_text("#!/bin/sh\nexit 0\n")
    node.chmod(0o755)
    monkeypatch.setenv("PATH", str(directory))


def _fake_node_modules(root: Path, *, canvas_built: bool = True, version: str = "1.2.5") -> Path:
    modules = root / "node_modules"
    (modules / "mind-ar").mkdir(parents=True)
    (modules / "mind-ar" / "package.json").write_text(json.dumps({"name": "mind-ar", "version": version}))
    (modules / "@tensorflow" / "tfjs").mkdir(parents=True)
    (modules / "@tensorflow" / "tfjs" / "package.json").write_text("{}")
    if canvas_built:
        (modules / "canvas" / "build" / "Release").mkdir(parents=True)
        (modules / "canvas" / "build" / "Release" / "canvas.node").write_bytes(b"\x7fELF")
    return root


# --- compiler_status ---------------------------------------------------------------------


def test_status_without_node_says_node_is_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    status = compiler_status()

    assert status.available is False
    assert status.reason.startswith("Node.js is not installed")


def test_status_without_packages_says_how_to_install_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_node_on_path(tmp_path, monkeypatch)
    monkeypatch.setattr(compiler, "NODE_DIR", tmp_path / "node")

    status = compiler_status()

    assert status.available is False
    assert status.version is None
    assert status.reason.startswith("The MindAR compiler packages are not installed: run scripts/test")
    assert "`npm ci` in arcontent/webar/node" in status.reason
    assert "Missing: mind-ar, @tensorflow/tfjs, canvas." in status.reason


def test_status_names_an_unbuilt_canvas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_node_on_path(tmp_path, monkeypatch)
    monkeypatch.setattr(compiler, "NODE_DIR", _fake_node_modules(tmp_path / "node", canvas_built=False))

    status = compiler_status()

    assert status.available is False
    assert status.version == "1.2.5"
    assert status.reason.endswith("Missing: canvas.")


def test_status_with_an_unreadable_mindar_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_node_on_path(tmp_path, monkeypatch)
    node_dir = _fake_node_modules(tmp_path / "node")
    (node_dir / "node_modules" / "mind-ar" / "package.json").write_text("{not json")
    monkeypatch.setattr(compiler, "NODE_DIR", node_dir)

    status = compiler_status()

    assert status.available is False
    assert status.reason.endswith("Missing: mind-ar.")


def test_status_with_node_and_packages_is_available(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_node_on_path(tmp_path, monkeypatch)
    monkeypatch.setattr(compiler, "NODE_DIR", _fake_node_modules(tmp_path / "node", version="9.9.9"))

    status = compiler_status()

    assert status.available is True
    assert status.version == "9.9.9"


def test_status_of_this_checkout_is_available() -> None:
    """scripts/test installs the packages, so here the real compiler must be ready."""
    status = compiler_status()

    assert status.available, status.reason
    assert status.version == _installed_mindar_version()


def test_compile_without_node_raises_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(CompilerUnavailableError, match=r"Node\.js is not installed"):
        compile_target(_flat_png())


def test_compile_without_packages_raises_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiler, "NODE_DIR", tmp_path)

    with pytest.raises(CompilerUnavailableError, match="packages are not installed"):
        compile_target(_flat_png())


# --- compile_target with the real compiler (slow: each runs Node) -------------------------


def _installed_mindar_version() -> str:
    manifest = REAL_NODE_DIR / "node_modules" / "mind-ar" / "package.json"
    return json.loads(manifest.read_text())["version"]


@pytest.mark.slow
def test_compiles_a_textured_photo_into_a_verified_target() -> None:
    _require_compiler()

    target = compile_target(_textured_jpeg(640, 480))

    info = verify_target(target.data)
    assert (info.targets, info.width, info.height) == (1, 640, 480)
    assert info.version == 2  # MindAR 1.2.5's .mind format
    assert target.compiler_version == _installed_mindar_version()
    pinned = json.loads((REAL_NODE_DIR / "package.json").read_text())["dependencies"]["mind-ar"]
    assert target.compiler_version == pinned
    assert len(target.data) > 200_000  # ~0.6 MB: grey pyramids, feature points and descriptors
    assert 0 < target.seconds < 120


@pytest.mark.slow
def test_a_featureless_image_is_refused_not_returned() -> None:
    _require_compiler()

    with pytest.raises(CompileError, match=r"unusable target: .*too little detail"):
        compile_target(_flat_png())


def test_only_jpeg_and_png_are_compiled() -> None:
    _require_compiler()

    with pytest.raises(CompileError, match="Only JPEG and PNG"):
        compile_target(b"GIF89a" + bytes(100))


@pytest.mark.slow
def test_an_undecodable_jpeg_reports_the_compiler_error() -> None:
    _require_compiler()

    with pytest.raises(CompileError, match="cannot decode the image"):
        compile_target(b"\xff\xd8\xff\xe0" + bytes(500))


@pytest.mark.slow
def test_a_compile_over_the_time_limit_is_stopped() -> None:
    _require_compiler()

    with pytest.raises(CompileError, match=r"did not finish within 0\.5 s and was stopped"):
        compile_target(_textured_jpeg(640, 480), timeout=0.5)


@pytest.mark.slow
def test_a_broken_install_reports_nodes_own_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _require_compiler()
    monkeypatch.setattr(compiler, "COMPILE_SCRIPT", "no-such-script.mjs")

    with pytest.raises(
        CompileError, match=r"(?s)failed \(exit code 1\): .*Cannot find module .*no-such-script\.mjs"
    ):
        compile_target(_flat_png())


@pytest.mark.slow
def test_the_node_script_writes_one_json_line_on_bad_usage() -> None:
    _require_compiler()

    process = subprocess.run(
        [shutil.which("node") or "node", str(REAL_NODE_DIR / "compile.mjs")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert process.returncode == 1
    assert json.loads(process.stdout) == {
        "ok": False,
        "error": "usage: node compile.mjs <image.jpg|png> <output.mind>",
    }
