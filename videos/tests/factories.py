"""Videos for tests: real clips made with PyAV, stored through the service."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from arcontent.models import ARContent
from videos.media.tests.clips import write_clip
from videos.models import Video
from videos.services import video_create


def clip_bytes(**options: Any) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write_clip(Path(folder) / "clip.mp4", **{"seconds": 1.0, **options}).read_bytes()


def make_video(content: ARContent, *, ready: bool = True, title: str = "", **fields: Any) -> Video:
    """A stored video of ``content``; ``ready`` fills the fields as processing would
    (without transcoding, for tests about playback rules and access)."""
    import io

    video = video_create(content=content, actor=None, upload=io.BytesIO(clip_bytes(width=160, height=120)),
                         filename="clip.mp4", title=title)  # fmt: skip
    if ready:
        fields = {"status": Video.Status.READY, "duration_seconds": 1, "width": 160, "height": 120, **fields}
    if fields:
        Video.objects.filter(pk=video.pk).update(**fields)
        video.refresh_from_db()
    return video


def playable_video(content: ARContent, **fields: Any) -> Video:
    """A ready, enabled video row without files or processing: what publishing asks for, for
    tests about the publishing workflow (make_video stores a real clip)."""
    return Video.objects.create(company=content.company, content=content, status=Video.Status.READY, **fields)
