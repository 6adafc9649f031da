"""Templated e-mail, sent by a Celery task after the surrounding transaction commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from arvlite.core.tasks import send_email


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render ``emails/<template>_subject.txt``, ``.txt`` and ``.html``."""
    context = {"PUBLIC_URL": settings.PUBLIC_URL, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


def send_templated_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    attachments: list[list[str]] | None = None,
) -> None:
    """Queue one e-mail to ``to``. Safe inside a transaction: nothing leaves before commit.
    ``attachments``: ``[filename, storage name, MIME type]`` of files already stored."""
    with translation.override(language or translation.get_language()):
        subject, text, html = render_email(template, context)
    send_email.delay_on_commit(to=to, subject=subject, text=text, html=html, attachments=attachments)
