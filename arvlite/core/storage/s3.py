"""How the S3 backend moves large files: bounded memory, whatever the file size."""

from __future__ import annotations

from boto3.s3.transfer import TransferConfig

PART_BYTES = 8 * 1024**2


def bounded_transfer_config(*, max_concurrency: int) -> TransferConfig:
    """Multipart uploads in 8 MiB parts with at most ``max_concurrency`` parts in memory.

    django-storages hands boto3 a wrapper without seek(), which boto3 uploads by buffering
    parts; by default it may buffer ten of them (80 MiB). Capping the buffered parts keeps
    a 2 GB upload within a few tens of MB of the web process (docs/PERFORMANCE.md).
    """
    config = TransferConfig(
        multipart_threshold=PART_BYTES, multipart_chunksize=PART_BYTES, max_concurrency=max_concurrency
    )
    config.max_in_memory_upload_chunks = max_concurrency  # not among TransferConfig's arguments
    return config
