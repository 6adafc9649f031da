"""A company's public logo link, and what its bytes are.

Logos are public (the /view page, the storefront and the manifest show them) and served by
the ``company-logo`` view, never as a media link: they live outside the ``<company>/<kind>/``
keys that /files/ serves.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.urls import reverse

from arvlite.core.storage.sniff import sniff_mime
from companies.models import Company

LOGO_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"})


def company_logo_url(company: Company, *, absolute: bool = True) -> str | None:
    """The logo's link, or None without one. It names the stored file (?v=), so a new logo
    is a new URL and the long cache of the old one does not hide it."""
    if not company.logo:
        return None
    version = hashlib.sha256((company.logo.name or "").encode()).hexdigest()[:12]
    path = f"{reverse('company-logo', kwargs={'company_id': company.pk})}?v={version}"
    return f"{settings.PUBLIC_URL}{path}" if absolute else path


def logo_content_type(head: bytes) -> str | None:
    """The image type the logo's first bytes show, or None when they are not an image we
    serve — never the uploaded file's name, which says nothing true."""
    mime = sniff_mime(head)
    return mime if mime in LOGO_TYPES else None
