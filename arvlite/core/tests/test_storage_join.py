"""Joining stored objects (the parts of a resumable upload) and the S3 backend's shared
client, on local disk and on a real S3 server (SeaweedFS)."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import threading
import uuid
from typing import IO, Any, cast

import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from arvlite.core.storage import s3
from arvlite.core.storage.join import join_objects, read_head
from arvlite.core.testing.storage import s3_client

MIB = 1024**2


def put(data: bytes) -> str:
    return default_storage.save(f"join-test/{uuid.uuid4().hex}.part", ContentFile(data))


def stored(key: str) -> bytes:
    with default_storage.open(key, "rb") as handle:
        return bytes(handle.read())


def pattern(size: int, seed: int) -> bytes:
    """Bytes that differ at every offset and per part, so a part out of order shows."""
    return (hashlib.sha256(str(seed).encode()).digest() * (size // 32 + 1))[:size]


class Calls:
    """S3 operations the process's client sends, recorded by botocore's event hooks."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.get_ranges: list[str | None] = []

    def record(self, event_name: str, params: dict[str, Any], **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        self.names.append(operation)
        if operation == "GetObject":
            self.get_ranges.append(params.get("Range"))


@pytest.fixture
def s3_calls(s3_storage: Any) -> Any:
    calls = Calls()
    events = s3_client().meta.events
    events.register("provide-client-params.s3", calls.record)
    yield calls
    events.unregister("provide-client-params.s3", calls.record)


def test_parts_are_joined_in_order_with_their_hash(storage_backend: str) -> None:
    parts = [pattern(3000, 1), pattern(1, 2), pattern(70000, 3)]
    keys = [put(part) for part in parts]
    whole = b"".join(parts)

    joined = join_objects(default_storage, keys, "join-test/whole.mp4")

    assert stored(joined.key) == whole
    assert joined.size == len(whole)
    assert joined.sha256 == hashlib.sha256(whole).hexdigest()  # small parts: streamed here
    assert all(default_storage.exists(key) for key in keys), "the parts are left to the caller"


def test_a_missing_part_leaves_nothing_behind(storage_backend: str) -> None:
    keys = [put(pattern(6 * MIB if storage_backend == "s3" else 5000, 1)), put(pattern(10, 2))]
    default_storage.delete(keys[1])
    target = "join-test/missing.mp4"

    with pytest.raises(FileNotFoundError):
        join_objects(default_storage, keys, target)

    assert not default_storage.exists(target)


def test_the_head_is_read_across_parts_without_reading_them_whole(storage_backend: str) -> None:
    keys = [put(b"abc"), put(b"defgh"), put(b"ij")]
    assert read_head(default_storage, keys, 6) == b"abcdef"
    assert read_head(default_storage, keys, 100) == b"abcdefghij"
    default_storage.delete(keys[0])
    with pytest.raises(FileNotFoundError):
        read_head(default_storage, keys, 6)


def test_s3_joins_parts_of_5_mib_itself_without_reading_them(s3_calls: Calls) -> None:
    parts = [pattern(5 * MIB, 1), pattern(5 * MIB + 17, 2), pattern(1000, 3)]
    keys = [put(part) for part in parts]
    s3_calls.names.clear()

    joined = join_objects(default_storage, keys, "join-test/composed.mp4")

    assert "GetObject" not in s3_calls.names, "no part was read back through this process"
    assert s3_calls.names.count("UploadPartCopy") == 3
    assert "CompleteMultipartUpload" in s3_calls.names
    assert joined.sha256 == ""
    assert joined.size == sum(map(len, parts))
    assert stored(joined.key) == b"".join(parts)


def test_s3_streams_parts_under_its_5_mib_minimum(s3_calls: Calls) -> None:
    parts = [pattern(5 * MIB - 1, 1), pattern(5 * MIB, 2)]
    keys = [put(part) for part in parts]
    s3_calls.names.clear()

    joined = join_objects(default_storage, keys, "join-test/streamed.mp4")

    assert "UploadPartCopy" not in s3_calls.names
    assert joined.sha256 == hashlib.sha256(b"".join(parts)).hexdigest()
    assert stored(joined.key) == b"".join(parts)


def test_a_failed_part_copy_aborts_the_multipart_upload(s3_calls: Calls) -> None:
    keys = [put(pattern(5 * MIB, 1)), put(pattern(5 * MIB, 2)), put(pattern(10, 3))]
    events = s3_client().meta.events

    def fail_the_second(params: dict[str, Any], **_: Any) -> None:
        if params.get("PartNumber") == 2:
            raise ConnectionError("S3 went away")

    events.register("provide-client-params.s3.UploadPartCopy", fail_the_second)
    try:
        with pytest.raises(ConnectionError):
            join_objects(default_storage, keys, "join-test/aborted.mp4")
    finally:
        events.unregister("provide-client-params.s3.UploadPartCopy", fail_the_second)

    assert "AbortMultipartUpload" in s3_calls.names
    assert not default_storage.exists("join-test/aborted.mp4")
    storage = storages["default"]
    assert isinstance(storage, s3.SharedClientS3Storage)
    listed = storage.client.list_multipart_uploads(
        Bucket=storage.bucket_name, Prefix=s3.s3_key(storage, "join-test/aborted")
    )
    assert not listed.get("Uploads")


class ForwardOnly(io.RawIOBase):
    """A body without seek(), as the resumable upload hands each part to storage."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self.data.readinto(buffer)


def test_s3_sends_an_upload_part_in_one_put(s3_calls: Calls) -> None:
    s3_calls.names.clear()
    body = cast(IO[bytes], ForwardOnly(pattern(16 * MIB, 4)))
    key = default_storage.save("join-test/one-put.part", File(body, name="part"))

    assert [name for name in s3_calls.names if name != "HeadObject"] == ["PutObject"]
    assert stored(key) == pattern(16 * MIB, 4)


def test_s3_shares_one_client_per_process_across_threads(s3_storage: Any, monkeypatch: Any) -> None:
    storage = storages["default"]
    assert isinstance(storage, s3.SharedClientS3Storage)
    seen: dict[str, Any] = {}

    def in_a_thread() -> None:
        seen["resource"] = storage.connection
        seen["client"] = storage.connection.meta.client
        seen["bucket_client"] = storage.bucket.meta.client
        seen["exists"] = storage.exists(put(b"x"))

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()

    assert seen["exists"] is True
    assert seen["client"] is storage.client is storage.connection.meta.client
    assert seen["bucket_client"] is storage.client
    assert seen["resource"] is not storage.connection, "resources are per thread (not thread-safe)"
    assert storage.connection is storage.connection

    # A forked child (Celery's prefork pool) must not reuse the parent's sockets.
    parent_client = storage.client
    monkeypatch.setattr(os, "getpid", lambda: -1)
    assert storage.client is not parent_client
    assert storage.connection.meta.client is storage.client

    copy = pickle.loads(pickle.dumps(storage))  # noqa: S301 - our own object, as Celery pickles it
    assert copy.client is not storage.client
    assert copy.exists("nothing-here") is False
