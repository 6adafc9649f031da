"""What an untitled video is called: viewers see a neutral "Video 2" (its place in the
content's list), never the name of the file that was uploaded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from videos.models import Video


def neutral_title(number: int) -> str:
    """The title of the ``number``-th video (from 1) when staff gave it none."""
    return _("Video %(number)s") % {"number": number}


def public_title(title: str, number: int) -> str:
    return title or neutral_title(number)


@dataclass(frozen=True)
class NamedVideo:
    video: Video
    number: int  # its place in the content's list, from 1
    name: str  # what viewers see: the title, else the neutral one

    @property
    def file_name(self) -> str:
        return self.video.original.original_name if self.video.original else ""


def named(videos: Iterable[Video]) -> list[NamedVideo]:
    """The content's videos, in their order, with the names viewers see (``videos`` is the
    whole list, ordered by ``order`` then id)."""
    return [
        NamedVideo(video=video, number=number, name=public_title(video.title, number))
        for number, video in enumerate(videos, start=1)
    ]


# Which rule chose a video, in words (the viewer API's `selection_source` codes): the
# playback calendar and the per-video analytics say it so.
SOURCE_WORDS = {
    "date_rule": gettext_lazy("date rule"),
    "schedule": gettext_lazy("time window"),
    "rotation_rule": gettext_lazy("rotation"),
    "active_default": gettext_lazy("the chosen video"),
    "rotation": gettext_lazy("sequential or cyclic order"),
    "fallback": gettext_lazy("first video of the list"),
}
