"""The sentences of AR content's audit actions (see companies.activity)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from companies.activity import Sentence, activity_sentences_register


def register_activity_sentences() -> None:
    activity_sentences_register({
        "content.create": Sentence(_("{actor} created {target}"), _("{target} was created")),
        "content.update": Sentence(_("{actor} edited {target}"), _("{target} was edited")),
        "content.delete": Sentence(_("{actor} deleted {target}"), _("{target} was deleted")),
        "content.publish": Sentence(_("{actor} published {target}"), _("{target} was published")),
        "content.pause": Sentence(_("{actor} paused {target}"), _("{target} was paused")),
        "content.archive": Sentence(_("{actor} archived {target}"), _("{target} was archived")),
        "content.renew": Sentence(_("{actor} renewed {target}"), _("{target} was renewed")),
        "content.expire": Sentence(_("{actor} ended {target}"), _("{target} expired")),
        "content.reprocess": Sentence(_("{actor} started processing the photo of {target} again"), _("The photo of {target} is being processed again")),
        "content.processed": Sentence(_("The photo of {target} was processed"), _("The photo of {target} was processed")),
        "content.process_failed": Sentence(_("The photo of {target} could not be processed"), _("The photo of {target} could not be processed")),
        "content.use_enhanced_marker": Sentence(_("{actor} switched {target} to the enhanced marker"), _("{target} was switched to the enhanced marker")),
        "content.build_web_target": Sentence(_("{actor} started building the web AR target of {target}"), _("The web AR target of {target} is being built")),
        "content.override_similar": Sentence(_("{actor} accepted the similar-marker warning for {target}"), _("The similar-marker warning for {target} was accepted")),
        "content.override_quality": Sentence(_("{actor} accepted the photo quality warning for {target}"), _("The photo quality warning for {target} was accepted")),
        "content.scene_update": Sentence(_("{actor} changed how the video sits on {target}"), _("The scene of {target} was changed")),
        "content.overlay_set": Sentence(_("{actor} added an overlay frame to {target}"), _("An overlay frame was added to {target}")),
        "content.overlay_remove": Sentence(_("{actor} removed the overlay frame of {target}"), _("The overlay frame of {target} was removed")),
        # Registered here: scene defaults are edited through arcontent (projects sit below it).
        "project.scene_update": Sentence(_("{actor} changed the scene defaults of the project {target}"), _("The scene defaults of the project {target} were changed")),
        "project_template.scene_update": Sentence(_("{actor} changed the scene defaults of the template {target}"), _("The scene defaults of the template {target} were changed")),
    })  # fmt: skip
