"""seed_demo creates the demo company and users, and the viewer's demo_1 … demo_5 as real,
published content."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory

from arcontent.models import ARContent
from arcontent.tests import viewer_contract as contract
from arcontent.viewer.management.commands.seed_demo import DEMO_COMPANY_SLUG
from arvlite.core.roles import Role
from arvlite.core.tenancy import scopes_disabled
from companies.models import Company, Membership, User

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_demo_publishes_five_demos_for_the_viewer() -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # again: nothing new, still five
    assert "Demo content: 5 of 5 published" in out.getvalue()
    with scopes_disabled():
        demos = list(ARContent.objects.filter(demo_slot__isnull=False).order_by("demo_slot"))
    assert [content.demo_slot for content in demos] == [1, 2, 3, 4, 5]
    assert {content.status for content in demos} == {ARContent.Status.ACTIVE}
    assert all(not content.similar_matches for content in demos)  # the generated photos differ

    listing = Client().get("/api/viewer/demo/list").json()
    contract.validate(listing, contract.DEMO_LIST)
    assert [demo["title"] for demo in listing["demos"]] == [
        "Wedding day", "First birthday", "Graduation", "Family holiday", "In memory",
    ]  # fmt: skip
    assert all(demo["marker_image_url"] for demo in listing["demos"])
    for slot in range(1, 6):
        assert Client().get(f"/api/viewer/ar/demo_{slot}/check").json() == {"content_available": True}
    manifest = Client().get("/api/viewer/ar/demo_3/manifest")
    contract.validate(manifest.json(), contract.MANIFEST)
    assert manifest.json()["video"]["duration"] == 4
    assert (
        Client().get(manifest.json()["video"]["video_url"].removeprefix("http://127.0.0.1:8000")).status_code
        == 200
    )


def test_seed_demo_is_safe_to_run_twice_and_prints_working_passwords() -> None:
    out = io.StringIO()
    call_command("seed_demo", "--no-content", stdout=out)
    call_command("seed_demo", "--no-content", "--password", "demo-password-42", stdout=out)
    assert Company.objects.filter(slug=DEMO_COMPANY_SLUG).count() == 1
    company = Company.objects.get(slug=DEMO_COMPANY_SLUG)
    assert company.memberships.count() == 2
    assert "demo-password-42" in out.getvalue()
    owner = authenticate(
        RequestFactory().post("/"), username="owner@demo.arvlite.example", password="demo-password-42"
    )
    assert owner is not None
    assert Membership.objects.get(user=owner, company=company).role == Role.OWNER
    operator = User.objects.get(email="operator@demo.arvlite.example")
    assert operator.is_staff
    assert not operator.memberships.exists()
