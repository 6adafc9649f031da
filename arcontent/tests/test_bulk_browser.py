"""An editor selects two contents on the list, publishes both at once and watches the
job's progress reach done; and uploads two photos into a project with a customer CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arcontent.tests.photos import textured_jpeg
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from arvlite.core.testing.browser import sign_in
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from projects.tests.factories import ProjectFactory
from videos.tests.factories import make_video

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_select_two_contents_and_publish_them(page: Any) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.EDITOR)
    with company_scope(company):
        contents = [make_content(company, customer_name=name) for name in ("Maria", "Boris")]
        for content in contents:
            make_video(content)
        make_content(company, customer_name="Left alone")

    sign_in(page, user.email, TEST_PASSWORD)
    page.goto("/c/sunny/content/")
    for content in contents:
        page.check(f"[data-testid=bulk-check][value='{content.unique_id}']")
    assert page.inner_text("[data-testid=bulk-count]").startswith("2")
    page.select_option("[data-testid=bulk-action]", "publish")
    page.click("[data-testid=bulk-submit]")
    page.wait_for_selector("[data-testid=bulk-job][data-status=done]")
    assert page.inner_text("[data-testid=bulk-progress]") == "2 of 2"
    assert "2 items done" in page.inner_text("[data-testid=bulk-summary]")
    with company_scope(company):
        assert set(ARContent.objects.values_list("customer_name", "status")) == {
            ("Maria", "active"),
            ("Boris", "active"),
            ("Left alone", "ready"),
        }


def test_upload_many_photos_with_a_customer_csv(page: Any, tmp_path: Path) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.EDITOR)
    project = ProjectFactory(company=company, name="Weddings", print_width_cm=15, print_height_cm=10)
    photos = []
    for seed, name in ((1, "maria.jpg"), (2, "boris.jpg")):
        photos.append(tmp_path / name)
        photos[-1].write_bytes(textured_jpeg(seed=seed, size=(800, 600)))
    customers = tmp_path / "customers.csv"
    customers.write_bytes(
        "Файл;Имя;Телефон\nmaria.jpg;Мария;+7 912 345-67-89\nboris.jpg;Борис;123\n".encode("cp1251")
    )

    sign_in(page, user.email, TEST_PASSWORD)
    page.goto(f"/c/sunny/projects/{project.pk}/")
    page.click("[data-testid=bulk-upload-link]")
    page.set_input_files("[data-testid=bulk-photos]", [str(p) for p in photos])
    page.set_input_files("input[name=customers]", str(customers))
    page.click("[data-testid=bulk-upload-submit]")
    page.wait_for_selector("[data-testid=bulk-upload-done]")
    rows = page.locator("[data-testid=bulk-file]")
    assert rows.count() == 2
    assert page.locator("[data-testid=bulk-file][data-result=created]").count() == 2
    assert "valid phone number" in rows.nth(1).inner_text()  # Boris's, to fill in later
    with company_scope(company):
        assert dict(ARContent.objects.values_list("customer_name", "customer_phone")) == {
            "Мария": "+79123456789",
            "Борис": "",
        }
