"""Audit entries told as sentences in the reader's language ("Anna published
ARV-2026-000001"), for the dashboard's "Recent activity". Each app registers the sentences
of its own actions, so companies never needs to know the apps above it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.models import AuditEntry


@dataclass(frozen=True, slots=True)
class Sentence:
    """Two forms: ``by`` names who did it ({actor}, {target}); ``passive`` is for changes
    made by an API key or by ARVlite itself, where there is no person to name."""

    by: str | Promise
    passive: str | Promise
    target: Callable[[AuditEntry], str] | None = None  # how to name the object, if not its repr


_SENTENCES: dict[str, Sentence] = {}


def activity_sentences_register(sentences: dict[str, Sentence]) -> None:
    """Add (or replace, on a second ``ready()``) the sentences of some audit actions."""
    _SENTENCES.update(sentences)


def _actor_name(entry: AuditEntry) -> str:
    actor = entry.actor
    if actor is None:
        return ""
    return actor.get_full_name() or actor.email


def describe(entry: AuditEntry) -> str:
    """The entry as one sentence in the active language; an action nobody registered is
    still a sentence, never the raw code."""
    sentence = _SENTENCES.get(entry.action) or _SENTENCES.get(entry.action.split(".", 1)[0] + ".*")
    target = (sentence.target(entry) if sentence and sentence.target else entry.target_repr) or gettext(
        "an item"
    )
    actor = _actor_name(entry)
    if sentence is None:
        if actor:
            return gettext("{actor} made a change to {target}").format(actor=actor, target=target)
        return gettext("{target} was changed").format(target=target)
    template = sentence.by if actor else sentence.passive
    return str(template).format(actor=actor, target=target)


def _person(entry: AuditEntry) -> str:
    # Memberships and invitations are stored as "<e-mail> @ <company> (<role>)" and
    # "<e-mail> → <company> (<role>)": the sentence names only the person.
    return re.split(r" @ | → ", entry.target_repr, maxsplit=1)[0]


def register_company_sentences() -> None:
    activity_sentences_register({
        "company.create": Sentence(_("{actor} created the company {target}"), _("The company {target} was created")),
        "company.rename": Sentence(_("{actor} renamed the company to {target}"), _("The company was renamed to {target}")),
        "company.update": Sentence(_("{actor} changed the company settings"), _("The company settings were changed")),
        "company.set_status": Sentence(_("{actor} changed the company's status"), _("The company's status was changed")),
        "api_key.create": Sentence(_("{actor} created the API key {target}"), _("The API key {target} was created")),
        "api_key.revoke": Sentence(_("{actor} revoked the API key {target}"), _("The API key {target} was revoked")),
        "invitation.create": Sentence(_("{actor} invited {target}"), _("{target} was invited"), target=_person),
        "invitation.resend": Sentence(_("{actor} resent the invitation to {target}"), _("The invitation to {target} was resent"), target=_person),
        "invitation.revoke": Sentence(_("{actor} withdrew the invitation to {target}"), _("The invitation to {target} was withdrawn"), target=_person),
        "invitation.accept": Sentence(_("{actor} joined the company"), _("An invitation was accepted")),
        "membership.set": Sentence(_("{actor} changed the role of {target}"), _("The role of {target} was changed"), target=_person),
        "membership.remove": Sentence(_("{actor} removed {target} from the company"), _("{target} was removed from the company"), target=_person),
    })  # fmt: skip
