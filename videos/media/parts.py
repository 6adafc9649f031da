"""The stored parts of a resumable upload read as one seekable file, without joining them.

The probe before a finished upload becomes a video reads the start, the index and the last
seconds of the file, not all of it. On S3 each read is a ranged GET of the part that holds
it (opening an object with django-storages would download all of it); on local disk the
part is opened and seeked. A window of WINDOW_BYTES is fetched at a time, so FFmpeg's small
reads do not each cost a request.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Sequence

from django.core.files.storage import Storage

from arvlite.core.storage.s3 import S3Storage, s3_read_range

WINDOW_BYTES = 1024**2


class PartsReader(io.RawIOBase):
    """Read-only, seekable view of ``keys`` joined in order. A missing part, or parts that
    do not add up to ``size`` (when given), raise FileNotFoundError at construction: the
    upload lost bytes, which is not the file's fault."""

    def __init__(self, storage: Storage, keys: Sequence[str], *, size: int | None = None) -> None:
        self._storage = storage
        self._keys = list(keys)
        self._starts: list[int] = []
        total = 0
        for key in self._keys:
            if not storage.exists(key):
                raise FileNotFoundError(key)
            self._starts.append(total)
            total += storage.size(key)
        if size is not None and total != size:
            raise FileNotFoundError(f"the parts hold {total} bytes, not {size}")
        self._size = total
        self._position = 0
        self._window_start = 0
        self._window = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self._size - self._position
        size = min(size, self._size - self._position)
        chunks: list[bytes] = []
        while size > 0:
            chunk = self._read_some(size)
            chunks.append(chunk)
            self._position += len(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _read_some(self, size: int) -> bytes:
        """Bytes from the current position within one part, through the window."""
        offset = self._position - self._window_start
        if not 0 <= offset < len(self._window):
            self._fill()
            offset = 0
        return self._window[offset : offset + size]

    def _fill(self) -> None:
        index = bisect.bisect_right(self._starts, self._position) - 1
        start = self._position - self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else self._size
        length = min(WINDOW_BYTES, end - self._position)
        key = self._keys[index]
        if isinstance(self._storage, S3Storage):
            self._window = s3_read_range(self._storage, key, start, length)
        else:
            with self._storage.open(key, "rb") as handle:
                handle.seek(start)
                self._window = handle.read(length)
        if not self._window:
            raise FileNotFoundError(key)  # the part shrank or went since it was measured
        self._window_start = self._position
