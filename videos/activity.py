"""The sentences of videos' audit actions (see companies.activity)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from companies.activity import Sentence, activity_sentences_register
from companies.models import AuditEntry


def _no_target(entry: AuditEntry) -> str:
    return ""  # "playback of 12" names nothing a reader knows; the sentence says enough


def register_activity_sentences() -> None:
    activity_sentences_register({
        "video.create": Sentence(_("{actor} uploaded the video {target}"), _("The video {target} was uploaded")),
        "video.update": Sentence(_("{actor} edited the video {target}"), _("The video {target} was edited")),
        "video.delete": Sentence(_("{actor} deleted the video {target}"), _("The video {target} was deleted")),
        "video.reorder": Sentence(_("{actor} changed the order of the videos"), _("The order of the videos was changed")),
        "video.reprocess": Sentence(_("{actor} started processing the video {target} again"), _("The video {target} is being processed again")),
        "video.processed": Sentence(_("The video {target} is ready"), _("The video {target} is ready")),
        "video.process_failed": Sentence(_("The video {target} could not be processed"), _("The video {target} could not be processed")),
        "playback.update": Sentence(_("{actor} changed the playback rules"), _("The playback rules were changed"), target=_no_target),
        "schedule.save": Sentence(_("{actor} saved a playback schedule"), _("A playback schedule was saved"), target=_no_target),
        "schedule.delete": Sentence(_("{actor} removed a playback schedule"), _("A playback schedule was removed"), target=_no_target),
        "date_rule.create": Sentence(_("{actor} added a playback date {target}"), _("The playback date {target} was added")),
        "date_rule.delete": Sentence(_("{actor} removed the playback date {target}"), _("The playback date {target} was removed")),
    })  # fmt: skip
