"""Templated e-mail, sent by a Celery task after the surrounding transaction commits.

A company's e-mail to its customers (``company=`` given) goes through the notifications
outbox when that app has registered it (``use_outbox``): one ``Delivery`` row written in
the caller's transaction, retried with backoff and visible in the admin. Account mail
(sign-up, password reset, invitations) has no company and keeps the plain task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from arvlite.core.tasks import send_email

OutboxWriter = Callable[..., None]
_outbox: OutboxWriter | None = None


def use_outbox(writer: OutboxWriter | None) -> None:
    """Called once by the notifications app: ``writer(company=, to=, subject=, text=,
    html=, kind=, language=)`` queues a company's e-mail in its outbox."""
    global _outbox
    _outbox = writer


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
    company: Any = None,
) -> None:
    """Queue one e-mail to ``to``. Safe inside a transaction: nothing leaves before commit.
    ``attachments``: ``[filename, storage name, MIME type]`` of files already stored.
    ``company``: the company writing to its customer (through its outbox)."""
    language = language or translation.get_language()
    with translation.override(language):
        subject, text, html = render_email(template, context)
    if company is not None and not attachments and _outbox is not None:
        _outbox(
            company=company, to=to, subject=subject, text=text, html=html, kind=template, language=language
        )
        return
    send_email.delay_on_commit(to=to, subject=subject, text=text, html=html, attachments=attachments)
