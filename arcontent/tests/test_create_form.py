"""The new-content form: the project chosen for you, a print-size hint that tells the
truth, no form without a project, and a live score that is the score the content gets."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.test.testcases import TestCase

from arcontent.models import ARContent
from arcontent.tests.photos import textured_jpeg
from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from projects.models import Project
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _page(client: Client, company: Company, query: str = "") -> str:
    return client.get(f"/c/{company.slug}/content/new/{query}").content.decode()


def test_without_a_project_the_page_says_to_create_one(
    client: Client, company: Company, editor: User
) -> None:
    client.force_login(editor)
    ProjectFactory(company=company, status=Project.Status.ARCHIVED)
    page = _page(client, company)
    assert 'data-testid="no-project"' in page
    assert 'id="content-form"' not in page
    assert f"/c/{company.slug}/projects/new/" in page


def test_the_only_project_is_chosen_already(client: Client, company: Company, editor: User) -> None:
    client.force_login(editor)
    project = ProjectFactory(company=company, print_width_cm=Decimal("20"), print_height_cm=Decimal("15"))
    page = _page(client, company)
    assert f'<option value="{project.pk}" selected data-print-width="20" data-print-height="15">' in page
    assert "Leave empty to use the project’s default, 20 × 15 cm." in page


def test_the_hint_says_when_the_size_is_required(client: Client, company: Company, editor: User) -> None:
    client.force_login(editor)
    bare = ProjectFactory(company=company, print_width_cm=None, print_height_cm=None)
    ProjectFactory(company=company)
    assert "Required: this project has no default print size." in _page(
        client, company, f"?project={bare.pk}"
    )
    # Two projects and none in the URL: nothing chosen, the hint stays general.
    assert "Needed only if the project has no default print size." in _page(client, company)
    # The server agrees with the hint: no size and no default is refused on the field.
    response = client.post(
        f"/c/{company.slug}/content/new/",
        {"project": bare.pk, "photo": io.BytesIO(textured_jpeg()), "term_years": 1},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 400
    assert "print_width_cm" in response.json()["errors"]


def test_the_live_score_is_the_score_the_content_gets(client: Client, company: Company, editor: User) -> None:
    """The live check must score what the pipeline scores (the marker made from the
    photo, at the content's print size), or the two numbers disagree on one page."""
    client.force_login(editor)
    project = ProjectFactory(company=company, print_width_cm=Decimal("30"), print_height_cm=Decimal("20"))
    photo = textured_jpeg(seed=11, size=(2400, 1600))
    live = client.post(
        "/api/v1/photo-analysis/",
        {"photo": io.BytesIO(photo), "print_width_cm": "30", "print_height_cm": "20"},
    ).json()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            f"/c/{company.slug}/content/new/",
            {"project": project.pk, "photo": io.BytesIO(photo), "term_years": 1},
        )
    with company_scope(company):
        content = ARContent.objects.get()
    assert content.status == ARContent.Status.READY
    assert content.analysis["score"] == live["score"]
    assert content.analysis["level"] == live["level"]
