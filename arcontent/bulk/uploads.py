"""Many photos into one project at once: one content per photo, through the same creation
service as a single one, with the customer's details from an optional CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from arcontent import services
from arcontent.bulk.csv_rows import CustomerTable
from arcontent.models import ARContent
from companies.actors import Actor
from companies.models import Company
from projects.models import Project

MAX_FILES = 50


@dataclass
class PlannedFile:
    name: str
    customer: dict[str, str]
    errors: list[str] = field(default_factory=list)


def upload_limits_check(*, files: list[tuple[str, int]]) -> list[str]:
    """Why this batch of ``(name, size)`` cannot be uploaded; empty when it can."""
    problems = []
    if not files:
        problems.append(_("Choose at least one photo."))
    if len(files) > MAX_FILES:
        problems.append(_("Upload at most %(limit)d photos at a time.") % {"limit": MAX_FILES})
    limit = filesizeformat(settings.PHOTO_MAX_BYTES)
    problems += [
        _("%(file)s is larger than %(limit)s.") % {"file": name, "limit": limit}
        for name, size in files
        if size > settings.PHOTO_MAX_BYTES
    ]
    names = [name.lower() for name, _size in files]
    problems += [
        _("%(file)s is chosen twice.") % {"file": name}
        for name in sorted({n for n in names if names.count(n) > 1})
    ]
    return problems


def customer_fields(row: dict[str, str] | None) -> tuple[dict[str, str], list[str]]:
    """The customer fields of a CSV row that are valid, and a sentence for each that is not
    (left empty, to be filled in later)."""
    if row is None:
        return {}, []
    fields: dict[str, str] = {}
    errors: list[str] = []
    if row.get("customer_name"):
        fields["customer_name"] = row["customer_name"][:200]
    if row.get("customer_phone"):
        try:
            fields["customer_phone"] = services.normalize_phone(row["customer_phone"])
        except ValidationError as error:
            errors += error.messages
    if row.get("customer_email"):
        try:
            validate_email(row["customer_email"])
        except ValidationError:
            errors.append(_("“%(value)s” is not an e-mail address.") % {"value": row["customer_email"]})
        else:
            fields["customer_email"] = row["customer_email"]
    return fields, errors


def upload_plan(
    *, files: list[tuple[str, int]], table: CustomerTable | None
) -> tuple[list[PlannedFile], list[str], list[str]]:
    """Each photo with the customer fields found for it; the problems that stop the batch
    (limits); and notices that do not (bad CSV rows, rows naming no chosen photo)."""
    problems = upload_limits_check(files=files)
    planned = []
    for name, _size in files:
        fields, errors = customer_fields(table.row_for(name) if table else None)
        planned.append(PlannedFile(name=name, customer=fields, errors=errors))
    notices: list[str] = []
    if table is not None:
        chosen = {name.lower() for name, _size in files}
        notices += table.errors
        notices += [
            _("The customer file names %(file)s, which is not among the photos.") % {"file": name}
            for name in table.rows
            if name not in chosen
        ]
    return planned, problems, notices


def upload_one(
    *, company: Company, actor: Actor, project: Project, photo: IO[bytes], name: str,
    values: dict[str, Any], table: CustomerTable | None,
) -> tuple[ARContent, list[str]]:  # fmt: skip
    """Create one content from ``photo`` (``content_create``: the same checks, order number
    and pipeline as a single one), with its CSV row's valid customer fields. Returns the
    content and the row's problems (fields left empty)."""
    fields, errors = customer_fields(table.row_for(name) if table else None)
    data = services.content_input(project=project, values={**values, **fields})
    content = services.content_create(company=company, actor=actor, data=data, photo=photo, photo_name=name)
    return content, errors
