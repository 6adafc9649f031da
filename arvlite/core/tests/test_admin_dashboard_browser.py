"""An operator without a company signs in, lands on the way into the back office and opens
the dashboard; each figure is a link into its changelist."""

from __future__ import annotations

import os
from typing import Any

import pytest

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from arvlite.core.testing.browser import sign_in
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_signs_in_and_opens_the_dashboard(page: Any) -> None:
    studio = CompanyFactory(name="Sunny Portraits", slug="sunny")
    with company_scope(studio):
        make_content(studio, status=ARContent.Status.ACTIVE)
        make_content(studio, pipeline_status=ARContent.Pipeline.FAILED, status=ARContent.Status.DRAFT)
    UserFactory(email="ops@arvlite.example.com", is_staff=True, is_superuser=True)

    sign_in(page, "ops@arvlite.example.com", TEST_PASSWORD, lands_on="**/")
    page.click("[data-testid=operator-dashboard-link]")
    page.wait_for_selector("[data-testid=operator-dashboard]")
    if os.environ.get("DASHBOARD_SCREENSHOT"):
        page.screenshot(path=os.environ["DASHBOARD_SCREENSHOT"], full_page=True)
    assert "No worker seen" in page.inner_text("[data-testid=no-worker]")
    page.click("a[data-figure='photo pipelines failed']")
    page.wait_for_url("**/admin/arcontent/arcontent/?pipeline_status__exact=failed")
    assert page.locator("#result_list tbody tr").count() == 1
