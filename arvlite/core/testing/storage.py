"""Storage fixtures: every test that asks for ``storage_backend`` runs twice, on local
disk and on a real S3-compatible server (SeaweedFS from PyPI, started here and stopped
when the test session ends)."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arvlite.core.testing.seaweed import SeaweedServer, s3_storage_options, start_seaweedfs


@pytest.fixture(scope="session")
def s3_server() -> Iterator[SeaweedServer]:
    # One server per xdist worker, each on free ports found now (never fixed ones).
    try:
        server = start_seaweedfs(Path(tempfile.mkdtemp(prefix="arvlite-s3-")))
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


def use_local_storage(settings: Any, directory: Path) -> None:
    settings.STORAGE_BACKEND = "local"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(directory), "base_url": "/files/"},
        },
    }


def use_s3_storage(settings: Any, server: SeaweedServer) -> None:
    # A prefix of its own per test, so tests never see each other's objects.
    settings.STORAGE_BACKEND = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_options(server, location=f"test-{uuid.uuid4().hex[:12]}"),
    }


@pytest.fixture
def s3_storage(settings: Any, s3_server: SeaweedServer) -> SeaweedServer:
    """Media storage on the S3 test server, under a prefix of this test's own."""
    use_s3_storage(settings, s3_server)
    return s3_server


@pytest.fixture(params=["local", "s3"])
def storage_backend(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> str:
    """Run the test twice: media on local disk (a fresh directory), then on S3."""
    if request.param == "local":
        use_local_storage(settings, tmp_path / "media")
    else:
        use_s3_storage(settings, request.getfixturevalue("s3_server"))
    return str(request.param)


def s3_client() -> Any:
    """The boto3 client of the S3 default storage a test switched to (typed for mypy)."""
    from django.core.files.storage import default_storage

    from arvlite.core.storage.s3 import SharedClientS3Storage

    assert isinstance(default_storage, SharedClientS3Storage), "the test runs on S3"
    return default_storage.client
