"""Who may use the projects app's routes (read by the permission-matrix test).

Every request gets a fresh project or template and a fresh name, so a DELETE or rename
allowed for one role leaves the next role something to try.
"""

from __future__ import annotations

import uuid
from typing import Any

from arvlite.core.roles import Role
from arvlite.core.tests.matrix import Expect, Page
from companies.models import Company
from projects.tests.factories import ProjectFactory, ProjectTemplateFactory


def _project(company: Company) -> dict[str, Any]:
    return {"pk": ProjectFactory(company=company).pk}


def _template(company: Company) -> dict[str, Any]:
    return {"pk": ProjectTemplateFactory(company=company).pk}


def _named(company: Company) -> dict[str, Any]:
    return {"name": f"Matrix {uuid.uuid4().hex[:12]}"}


API_ROUTES = {
    "project-list": Expect({"GET": Role.VIEWER, "POST": Role.EDITOR}, payloads={"POST": _named}),
    "project-detail": Expect(
        {"GET": Role.VIEWER, "PATCH": Role.EDITOR, "DELETE": Role.MANAGER},
        kwargs=_project,
        payloads={"PATCH": _named},
    ),
    "project-status": Expect(
        {"POST": Role.EDITOR}, kwargs=_project, payloads={"POST": lambda company: {"status": "paused"}}
    ),
    "project-save-as-template": Expect({"POST": Role.EDITOR}, kwargs=_project, payloads={"POST": _named}),
    "project-template-list": Expect({"GET": Role.VIEWER, "POST": Role.EDITOR}, payloads={"POST": _named}),
    "project-template-detail": Expect(
        {"GET": Role.VIEWER, "PATCH": Role.EDITOR, "DELETE": Role.MANAGER},
        kwargs=_template,
        payloads={"PATCH": _named},
    ),
}

# The status and save-as-template pages answer GET with their form (editors and up) and
# take the POST from the detail page's buttons, so every page here is a real GET page.
PORTAL_PAGES = {
    "project-list-page": Page(Role.VIEWER),
    "project-create-page": Page(Role.EDITOR),
    "project-detail-page": Page(Role.VIEWER, kwargs=_project),
    "project-status-page": Page(Role.EDITOR, kwargs=_project),
    "project-save-as-template-page": Page(Role.EDITOR, kwargs=_project),
    "project-template-list-page": Page(Role.VIEWER),
    "project-template-create-page": Page(Role.EDITOR),
}
