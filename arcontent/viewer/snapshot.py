"""What the viewer needs to know about one content, read from the database in one go and
cached whole (arcontent/viewer/cache.py), so a scan is answered without SQL.

A `Snapshot` holds only facts that change when a row changes (files, status, videos, rules).
Everything that depends on the clock — expiry, the schedule window, the day of a rotation
cycle — is decided per request by `availability`, from the snapshot and `now`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from arcontent.models import ARContent
from arcontent.scene import effective_scene
from arvlite.core.storage.access import file_url
from arvlite.core.tenancy import scopes_disabled
from companies.branding import company_logo_url
from companies.models import StoredFile
from videos import selection
from videos.media.sizes import fit_size
from videos.models import Video
from videos.naming import public_title
from videos.selectors import SelectionInputs, selection_inputs

DEMO_IDS = {f"demo_{slot}": slot for slot in range(1, 6)}
MANIFEST_VERSION = "1"

# check's reason codes, in the order the contract checks them.
INVALID_UNIQUE_ID = "invalid_unique_id"
NOT_FOUND = "not_found"
SUBSCRIPTION_EXPIRED = "subscription_expired"
CONTENT_NOT_ACTIVE = "content_not_active"
MARKER_IMAGE_NOT_AVAILABLE = "marker_image_not_available"
MARKER_STILL_GENERATING = "marker_still_generating"
NO_PLAYABLE_VIDEO = "no_playable_video"

_VIDEO_FILE_RELATIONS = ("rendition_720", "rendition_1080", "original", "poster", "thumbnail_medium")


@dataclass(frozen=True, slots=True)
class Snapshot:
    unique_id: str
    content_id: int
    company_id: int
    project_id: int
    status: str
    # A reason that does not depend on the clock (not active, marker missing…), or None.
    static_reason: str | None
    expires_at: datetime | None
    time_zone: str
    manifest: dict[str, Any]  # every manifest field but `video`
    videos: dict[int, dict[str, Any]]  # video id → the contract's video object + extras
    selection_inputs: SelectionInputs  # select_video's arguments but `now` and the scan index
    counts_scans: bool  # sequential/cyclic playback: each view moves the cursor
    page: dict[str, Any] = field(default_factory=dict)  # what only the /view page shows


@dataclass(frozen=True, slots=True)
class Availability:
    reason: str | None
    selection: selection.Selection | None = None

    @property
    def available(self) -> bool:
        return self.reason is None


def parse_unique_id(raw: str) -> str | None:
    """The canonical form of a viewer id (a UUID or demo_1…demo_5), or None when it is neither."""
    if raw in DEMO_IDS:
        return raw
    try:
        return str(uuid.UUID(raw)) if len(raw) in (32, 36) else None
    except ValueError:
        return None


def load_content(unique_id: str) -> ARContent | None:
    """The content a canonical viewer id names, with what the snapshot reads, or None."""
    with scopes_disabled():  # public endpoint: the id itself is the secret
        contents = ARContent.objects.select_related(
            "company",
            "project",
            "photo",
            "marker",
            "enhanced_marker",
            "thumbnail_large",
            "web_target",
            "scene_overlay",
        )
        if unique_id in DEMO_IDS:
            return contents.filter(demo_slot=DEMO_IDS[unique_id]).first()
        return contents.filter(unique_id=unique_id).first()


def build_snapshot(unique_id: str) -> Snapshot | None:
    content = load_content(unique_id)
    if content is None:
        return None
    with scopes_disabled():
        inputs = selection_inputs(content=content)
        # All of them, in their order: an untitled video is named by its place in the list.
        every_video = list(
            Video.objects.filter(content=content)
            .order_by("order", "id")
            .select_related(*_VIDEO_FILE_RELATIONS)
        )
    numbers = {video.pk: number for number, video in enumerate(every_video, start=1)}
    videos = [video for video in every_video if video.status == Video.Status.READY]
    company = content.company
    marker = content.marker_in_use
    marker_url = _url(marker)
    company_info = {
        "name": company.name,
        "logo_url": _logo_url(company),
        "brand_color": company.brand_color or None,
    }
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "unique_id": unique_id,
        "order_number": content.order_number,
        "marker_image_url": marker_url or "",
        "photo_url": _url(content.photo) or marker_url or "",
        "expires_at": content.expires_at.isoformat() if content.expires_at else "",
        "status": "active" if content.status == ARContent.Status.ACTIVE else content.status,
        "marker_width_m": round(float(content.print_width_cm) / 100, 4),
        "marker_height_m": round(float(content.print_height_cm) / 100, 4),
        "company": company_info,
        "web_target_url": _url(content.web_target) if content.web_target_status == "ready" else None,
        "scene": scene_object(content),
    }
    return Snapshot(
        unique_id=unique_id,
        content_id=content.pk,
        company_id=content.company_id,
        project_id=content.project_id,
        status=content.status,
        static_reason=_static_reason(content, marker),
        expires_at=content.expires_at,
        time_zone=company.time_zone,
        manifest=manifest,
        videos={video.pk: _video_object(video, numbers[video.pk]) for video in videos},
        selection_inputs=inputs,
        counts_scans=inputs.playback.mode in ("sequential", "cyclic"),
        page={
            # Public: never the customer's name or contacts, only what staff titled the videos.
            "title": next((video.title for video in videos if video.title), ""),
            "thumbnail_url": _url(content.thumbnail_large),
        },
    )


def scene_object(content: ARContent) -> dict[str, Any]:
    """The manifest's additive `scene`: every setting with its effective value (the
    content's own over its project's defaults over the built-in ones) and the overlay."""
    scene = effective_scene(content.project.scene_defaults, content.scene).as_dict()
    scene["overlay_url"] = _url(content.scene_overlay)
    return scene


def _static_reason(content: ARContent, marker: StoredFile | None) -> str | None:
    if content.status == ARContent.Status.EXPIRED:
        return SUBSCRIPTION_EXPIRED
    if content.status != ARContent.Status.ACTIVE or not content.company.is_active:
        return CONTENT_NOT_ACTIVE  # a deactivated company's prints stop playing with it
    generating = content.pipeline_status in (ARContent.Pipeline.PENDING, ARContent.Pipeline.RUNNING)
    if marker is None and not generating:
        return MARKER_IMAGE_NOT_AVAILABLE
    if generating:
        return MARKER_STILL_GENERATING
    return None


def availability(snapshot: Snapshot | None, now: datetime, scan_index: int = 0) -> Availability:
    """The contract's checks in their order, at `now`; with the video to play when available."""
    if snapshot is None:
        return Availability(NOT_FOUND)
    if snapshot.static_reason == SUBSCRIPTION_EXPIRED or (
        snapshot.expires_at is not None and snapshot.expires_at <= now
    ):
        return Availability(SUBSCRIPTION_EXPIRED)
    if snapshot.static_reason is not None:
        return Availability(snapshot.static_reason)
    chosen = select(snapshot, now, scan_index)
    if chosen is None:
        return Availability(NO_PLAYABLE_VIDEO)
    return Availability(None, chosen)


def select(snapshot: Snapshot, now: datetime, scan_index: int = 0) -> selection.Selection | None:
    chosen = snapshot.selection_inputs.select_video(now=now, scan_index=scan_index)
    # A video that stopped being ready after the snapshot was built is not in `videos`.
    return chosen if chosen is not None and chosen.video_id in snapshot.videos else None


def video_object(snapshot: Snapshot, chosen: selection.Selection, now: datetime) -> dict[str, Any]:
    """The contract's `video` object for the chosen video."""
    video = dict(snapshot.videos[chosen.video_id])
    for extra in ("preview_url", "created_at"):
        video.pop(extra)
    # Named in the request's language when staff gave no title ("Video 2" / "Видео 2").
    video["title"] = public_title(video["title"], video.pop("number"))
    video.update(
        selection_source=chosen.selection_source,
        schedule_id=chosen.schedule_id,
        expires_in_days=chosen.expires_in_days,
        selected_at=now.isoformat(),
    )
    return video


def _video_object(video: Video, number: int) -> dict[str, Any]:
    playable = video.rendition_720 or video.rendition_1080
    width, height = (video.width or None), (video.height or None)
    if video.rendition_720 is not None and width and height:
        width, height = fit_size(width, height, 720)
    return {
        "id": video.pk,
        "title": video.title,  # video_object() names an untitled one from `number`
        "number": number,
        "video_url": _url(playable or video.original) or "",
        "thumbnail_url": _url(video.thumbnail_medium or video.poster),
        "duration": video.duration_seconds or None,
        "width": width,
        "height": height,
        "mime_type": "video/mp4" if playable else (video.mime_type or None),
        "preview_url": _url(video.poster),
        "created_at": video.created_at.isoformat(),
    }


def _url(stored: StoredFile | None) -> str | None:
    if stored is None:
        return None
    return file_url(stored.key, expires_in=settings.VIEWER_URL_LIFETIME_SECONDS)


def _logo_url(company: Any) -> str | None:
    return company_logo_url(company)
