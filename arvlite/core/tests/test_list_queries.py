"""Every management list, in the API (a page of 100) and in the portal, makes the same
number of SQL queries for 10 rows as for many: a per-row query (a missing select_related or
prefetch) shows up here as a difference. The rows are cloned with bulk_create, each with
the related rows its list shows (a project, a video, an order's items)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from orders.models import Order, OrderItem, Product
from orders.tests.factories import ProductFactory, make_order
from projects.models import Project
from projects.tests.factories import ProjectFactory
from videos.models import Video

pytestmark = pytest.mark.django_db

FEW = 10
MANY = 250  # more than a full page of 100 in the API and of the portal's page


def _content_rows(company: Company) -> Callable[[int], None]:
    """Grows the company's AR content (each in its own project, with a ready video)."""
    template = make_content(company)

    def grow_to(total: int) -> None:
        existing = ARContent.objects.filter(company=company).count()
        new = range(existing, total)
        projects = Project.objects.bulk_create(
            [Project(company=company, name=f"Bulk project {n}") for n in new]
        )
        contents = ARContent.objects.bulk_create(
            [
                ARContent(
                    company=company, project=project, order_number=f"BULK-{n:06d}", status=template.status,
                    photo=template.photo, marker=template.marker, print_width_cm=template.print_width_cm,
                    print_height_cm=template.print_height_cm, term_years=1, analysis=template.analysis,
                    customer_name=f"Customer {n}", pipeline_status=template.pipeline_status,
                )
                for n, project in zip(new, projects, strict=True)
            ]
        )  # fmt: skip
        Video.objects.bulk_create(
            [Video(company=company, content=c, status=Video.Status.READY, title=f"Clip {c.order_number}")
             for c in contents]
        )  # fmt: skip

    return grow_to


def _video_rows(content: ARContent) -> Callable[[int], None]:
    def grow_to(total: int) -> None:
        existing = Video.objects.filter(content=content).count()
        Video.objects.bulk_create(
            [Video(company=content.company, content=content, status=Video.Status.READY, title=f"Clip {n}",
                   duration_seconds=10, width=1280, height=720, order=n)
             for n in range(existing, total)]
        )  # fmt: skip

    return grow_to


def _project_rows(company: Company) -> Callable[[int], None]:
    ProjectFactory(company=company)

    def grow_to(total: int) -> None:
        existing = Project.objects.filter(company=company).count()
        projects = Project.objects.bulk_create(
            [Project(company=company, name=f"Bulk {n}") for n in range(existing, total)]
        )
        # A content in each project: the lists count them.
        template = make_content(company, project=projects[0]) if projects else None
        if template:
            ARContent.objects.bulk_create(
                [ARContent(company=company, project=p, order_number=f"P-{p.pk}", status=template.status,
                           photo=template.photo, print_width_cm=template.print_width_cm,
                           print_height_cm=template.print_height_cm, term_years=1)
                 for p in projects[1:]]
            )  # fmt: skip

    return grow_to


def _order_rows(company: Company) -> Callable[[int], None]:
    product = ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None,
                             price=Decimal("150.00"))  # fmt: skip
    template = make_order(company, product)
    items = list(OrderItem.objects.filter(order=template))

    def grow_to(total: int) -> None:
        existing = Order.objects.filter(company=company).count()
        orders = Order.objects.bulk_create(
            [Order(company=company, number=f"BULK-{n:06d}", customer_name=f"Customer {n}", access_token=f"t-{n}")
             for n in range(existing, total)]
        )  # fmt: skip
        OrderItem.objects.bulk_create(
            [OrderItem(company=company, order=o, name=i.name, kind=i.kind, unit_price=i.unit_price, quantity=1,
                       vat_rate=i.vat_rate, line_total=i.line_total, vat_amount=i.vat_amount)
             for o in orders for i in items]
        )  # fmt: skip

    return grow_to


def _queries(get: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        status = getattr(get(), "status_code", None)
    assert status == 200
    return len(captured)


def _assert_flat(company: Company, grow_to: Callable[[int], None], get: Callable[[], object]) -> None:
    with company_scope(company):
        grow_to(FEW)
    get()  # the first view of a content's videos creates its playback row: not a per-row cost
    few = _queries(get)
    with company_scope(company):
        grow_to(MANY)
    many = _queries(get)
    assert many == few, f"{few} queries for {FEW} rows, {many} for {MANY}"


@pytest.fixture
def api(api_client_for: Callable[[User], APIClient], viewer: User) -> APIClient:
    return api_client_for(viewer)


@pytest.fixture
def portal(client: Client, viewer: User) -> Client:
    client.force_login(viewer)
    return client


def test_the_content_api_list(api: APIClient, company: Company) -> None:
    with company_scope(company):
        grow_to = _content_rows(company)
    _assert_flat(
        company, grow_to, lambda: api.get(f"/api/v1/companies/{company.slug}/ar-content/?page_size=100")
    )


def test_the_content_portal_list(portal: Client, company: Company) -> None:
    with company_scope(company):
        grow_to = _content_rows(company)
    _assert_flat(company, grow_to, lambda: portal.get(f"/c/{company.slug}/content/"))


def test_the_video_api_list(api: APIClient, company: Company) -> None:
    with company_scope(company):
        content = make_content(company)
    url = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/videos/?page_size=100"
    _assert_flat(company, _video_rows(content), lambda: api.get(url))


def test_the_video_portal_list(portal: Client, company: Company) -> None:
    with company_scope(company):
        content = make_content(company)
    url = f"/c/{company.slug}/content/{content.unique_id}/videos/"
    _assert_flat(company, _video_rows(content), lambda: portal.get(url))


def test_the_project_api_list(api: APIClient, company: Company) -> None:
    with company_scope(company):
        grow_to = _project_rows(company)
    _assert_flat(
        company, grow_to, lambda: api.get(f"/api/v1/companies/{company.slug}/projects/?page_size=100")
    )


def test_the_project_portal_list(portal: Client, company: Company) -> None:
    with company_scope(company):
        grow_to = _project_rows(company)
    _assert_flat(company, grow_to, lambda: portal.get(f"/c/{company.slug}/projects/"))


def test_the_order_api_list(api: APIClient, company: Company) -> None:
    with company_scope(company):
        grow_to = _order_rows(company)
    _assert_flat(company, grow_to, lambda: api.get(f"/api/v1/companies/{company.slug}/orders/?page_size=100"))


def test_the_order_portal_list(portal: Client, company: Company) -> None:
    with company_scope(company):
        grow_to = _order_rows(company)
    _assert_flat(company, grow_to, lambda: portal.get(f"/c/{company.slug}/orders/"))
