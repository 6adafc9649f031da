"""The S3 backend: one client per process, bounded memory for large files, and objects
joined inside S3 itself."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

PART_BYTES = 8 * 1024**2
# Up to this size an object goes in one PUT, held in memory while it is sent; a resumable
# upload's parts are at most this large (videos.uploads.PART_MAX_BYTES).
SINGLE_PUT_MAX_BYTES = 16 * 1024**2
# S3's multipart rules: every part but the last at least 5 MiB, at most 10,000 parts.
MIN_COPY_PART_BYTES = 5 * 1024**2
MAX_COPY_PARTS = 10_000
COPY_THREADS = 4  # part copies in flight at once; S3 does the work, we only wait


def bounded_transfer_config(*, max_concurrency: int) -> TransferConfig:
    """Multipart uploads in 8 MiB parts with at most ``max_concurrency`` parts in memory;
    objects up to SINGLE_PUT_MAX_BYTES in one PUT.

    django-storages hands boto3 a wrapper without seek(), which boto3 uploads by buffering
    parts; by default it may buffer ten of them (80 MiB). Capping the buffered parts keeps
    a 2 GB upload within a few tens of MB of the web process (docs/PERFORMANCE.md). At the
    default threshold an 8 MiB resumable-upload part took three requests (create, part,
    complete) and ~15 % longer than one PUT.
    """
    config = TransferConfig(
        multipart_threshold=SINGLE_PUT_MAX_BYTES + 1,
        multipart_chunksize=PART_BYTES,
        max_concurrency=max_concurrency,
    )
    config.max_in_memory_upload_chunks = max_concurrency  # not among TransferConfig's arguments
    return config


class SharedClientS3Storage(S3Storage):
    """S3Storage with one boto3 client per process instead of one per thread.

    django-storages builds a new boto3 session and resource in every thread that touches
    the storage, and Django's ASGI handler runs every request in a new thread, so each
    request paid 60-280 ms of session set-up (credential lookup, endpoint and service
    model loading) before its first S3 call. botocore clients are thread-safe; resources
    are not, so each thread gets its own light resource over the shared client. A child
    process (Celery's prefork pool) builds its own client: sockets must not be shared
    across a fork.
    """

    def __init__(
        self, *, connect_timeout: float = 5, read_timeout: float = 60, max_attempts: int = 3, **settings: Any
    ) -> None:
        super().__init__(**settings)
        # Bounded waits, so that S3 being away answers 503 within seconds: botocore's own
        # defaults wait 60 s for each connection and try up to 5 times.
        self.client_config: Config = self.client_config.merge(
            Config(
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"mode": "standard", "max_attempts": max_attempts},
            )
        )
        self._init_process_state()

    def _init_process_state(self) -> None:
        self._process_lock = threading.Lock()
        self._process_resource: tuple[int, Any] | None = None  # (pid, resource)

    def _shared_resource(self) -> Any:
        pid = os.getpid()
        current = self._process_resource
        if current is None or current[0] != pid:
            with self._process_lock:
                current = self._process_resource
                if current is None or current[0] != pid:
                    resource = self._create_session().resource(
                        "s3",
                        region_name=self.region_name,
                        use_ssl=self.use_ssl,
                        endpoint_url=self.endpoint_url,
                        config=self.client_config,
                        verify=self.verify,
                    )
                    current = self._process_resource = (pid, resource)
        return current[1]

    @property
    def connection(self) -> Any:
        shared = self._shared_resource()
        local = self._connections
        if getattr(local, "shared", None) is not shared:
            local.shared = shared
            local.connection = type(shared)(client=shared.meta.client)
            local.bucket = local.connection.Bucket(self.bucket_name)
        return local.connection

    @property
    def bucket(self) -> Any:
        self.connection  # noqa: B018 - makes this thread's resource and bucket
        return self._connections.bucket

    @property
    def client(self) -> Any:
        """The process's botocore client (thread-safe)."""
        return self._shared_resource().meta.client

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_process_lock", None)
        state.pop("_process_resource", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._init_process_state()


def s3_key(storage: S3Storage, name: str) -> str:
    return storage._normalize_name(clean_name(name))


def s3_read_head(storage: S3Storage, name: str, size: int) -> bytes:
    """The first ``size`` bytes of an object with one ranged GET (opening an object with
    django-storages downloads all of it)."""
    return s3_read_range(storage, name, 0, size)


def s3_read_range(storage: S3Storage, name: str, start: int, length: int) -> bytes:
    """``length`` bytes of an object from ``start``, with one ranged GET."""
    try:
        response = _client(storage).get_object(
            Bucket=storage.bucket_name, Key=s3_key(storage, name), Range=f"bytes={start}-{start + length - 1}"
        )
    except ClientError as error:
        raise _not_found_or(error, name) from error
    with response["Body"] as body:
        return body.read()


def s3_compose(storage: S3Storage, sources: Sequence[str], target: str) -> int | None:
    """Join the objects ``sources`` in order into a new object ``target`` inside S3: a
    multipart upload whose parts are server-side copies of the sources, so no byte passes
    through this process. Returns the size written, or None when S3 cannot do it (a source
    other than the last is under 5 MiB, or there are more than 10,000) and the caller must
    stream instead. A missing source raises FileNotFoundError, with nothing written."""
    if not sources or len(sources) > MAX_COPY_PARTS:
        return None
    client, bucket = _client(storage), storage.bucket_name
    keys = [s3_key(storage, name) for name in sources]
    with ThreadPoolExecutor(max_workers=min(COPY_THREADS, len(keys))) as pool:
        sizes = list(pool.map(lambda key: _object_size(client, bucket, key), keys))
        if any(size < MIN_COPY_PART_BYTES for size in sizes[:-1]):
            return None
        target_key = s3_key(storage, target)
        upload = client.create_multipart_upload(
            Bucket=bucket, Key=target_key, **storage._get_write_parameters(target_key)
        )
        upload_id = upload["UploadId"]

        def copy(numbered: tuple[int, str]) -> dict[str, Any]:
            number, key = numbered
            try:
                copied = client.upload_part_copy(
                    Bucket=bucket, Key=target_key, UploadId=upload_id, PartNumber=number,
                    CopySource={"Bucket": bucket, "Key": key},
                )  # fmt: skip
            except ClientError as error:
                raise _not_found_or(error, key) from error
            return {"PartNumber": number, "ETag": copied["CopyPartResult"]["ETag"]}

        try:
            parts = list(pool.map(copy, enumerate(keys, start=1)))
            client.complete_multipart_upload(
                Bucket=bucket, Key=target_key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            client.abort_multipart_upload(Bucket=bucket, Key=target_key, UploadId=upload_id)
            raise
    return sum(sizes)


def _client(storage: S3Storage) -> Any:
    if isinstance(storage, SharedClientS3Storage):
        return storage.client
    return storage.connection.meta.client


def _object_size(client: Any, bucket: str, key: str) -> int:
    try:
        return int(client.head_object(Bucket=bucket, Key=key)["ContentLength"])
    except ClientError as error:
        raise _not_found_or(error, key) from error


def _not_found_or(error: ClientError, name: str) -> Exception:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = error.response.get("Error", {}).get("Code")
    if status == 404 or code in {"NoSuchKey", "404", "NotFound"}:
        return FileNotFoundError(name)
    return error
