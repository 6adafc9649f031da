"""What the videos app tells arcontent about publishing (registered in VideosConfig.ready()):
published content must have a video that a scan can play."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from arcontent.models import ARContent
from videos.models import Video


def playable_video_missing(content: ARContent, now: datetime | None = None) -> str | None:
    """Why no video of ``content`` could play if it were published now (one sentence that
    says what to add or change), or None when one can: ready, enabled and not past its end
    date in the company's time zone — the videos PRODUCT.md calls eligible."""
    today = (now or timezone.now()).astimezone(ZoneInfo(content.company.time_zone)).date()
    # content.videos: lists prefetch them (arcontent's API does), so a page of content
    # costs no query per row.
    videos = [video for video in content.videos.all() if video.company_id == content.company_id]
    if not videos:
        return _("Add a video before publishing: it is what a scan of the print plays.")
    if any(_playable(video, today) for video in videos):
        return None
    statuses = {video.status for video in videos}
    if statuses & {Video.Status.UPLOADED, Video.Status.PROCESSING}:
        return _("Wait until the video is processed: content can be published once a video is ready.")
    if Video.Status.READY in statuses:
        return _(
            "Turn a ready video on, or move its end date, before publishing: none of the videos can play now."
        )
    return _("The videos could not be processed. Upload another video, or try again, before publishing.")


def _playable(video: Video, today: date) -> bool:
    return (
        video.status == Video.Status.READY
        and video.enabled
        and (video.end_date is None or video.end_date >= today)
    )
