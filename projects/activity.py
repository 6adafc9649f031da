"""The sentences of projects' audit actions (see companies.activity)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from companies.activity import Sentence, activity_sentences_register


def register_activity_sentences() -> None:
    activity_sentences_register({
        "project.create": Sentence(_("{actor} created the project {target}"), _("The project {target} was created")),
        "project.update": Sentence(_("{actor} edited the project {target}"), _("The project {target} was edited")),
        "project.status": Sentence(_("{actor} changed the status of the project {target}"), _("The status of the project {target} was changed")),
        "project.delete": Sentence(_("{actor} deleted the project {target}"), _("The project {target} was deleted")),
        "project.save_as_template": Sentence(_("{actor} saved the project {target} as a template"), _("The project {target} was saved as a template")),
        "project_template.create": Sentence(_("{actor} created the project template {target}"), _("The project template {target} was created")),
        "project_template.update": Sentence(_("{actor} edited the project template {target}"), _("The project template {target} was edited")),
        "project_template.delete": Sentence(_("{actor} deleted the project template {target}"), _("The project template {target} was deleted")),
    })  # fmt: skip
