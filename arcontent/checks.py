"""Rules other apps ask the arcontent app about."""

from __future__ import annotations

from django.utils.translation import ngettext

from arcontent.models import ARContent
from companies.models import Company


def published_content_blocks_company_delete(company: Company) -> str | None:
    """A company with published or paused content cannot be deleted: prints are live."""
    live = (
        ARContent.objects.with_scopes_disabled()
        .filter(company=company, status__in=[ARContent.Status.ACTIVE, ARContent.Status.PAUSED])
        .count()
    )
    if not live:
        return None
    return ngettext(
        "The company has %(count)d published AR content. Archive it before deleting the company.",
        "The company has %(count)d published AR contents. Archive them before deleting the company.",
        live,
    ) % {"count": live}
