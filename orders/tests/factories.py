"""Products and orders for tests (orders made through the service, as the app makes them)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import factory
from django.utils import timezone

from arcontent.tests.photos import textured_jpeg
from arvlite.core.testing.factories import ModelFactory
from companies.files import stored_file_create
from companies.models import Company, StoredFile
from companies.tests.factories import CompanyFactory
from orders.models import Order, Product
from orders.services import ItemInput, OrderInput, order_create
from videos.tests.factories import clip_bytes


class ProductFactory(ModelFactory[Product]):
    class Meta:
        model = Product

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Living photo {n}")
    kind = Product.Kind.LIVING_PHOTO
    term_years = 1
    price = Decimal("1990.00")


def held_photo(company: Company, photo: bytes | None = None) -> StoredFile:
    return stored_file_create(
        company=company, kind=StoredFile.Kind.PHOTO, content=BytesIO(photo or textured_jpeg()),
        original_name="photo.jpg", held_until=timezone.now() + timedelta(days=3),
    )  # fmt: skip


def held_video(company: Company) -> StoredFile:
    return stored_file_create(
        company=company, kind=StoredFile.Kind.VIDEO, content=BytesIO(clip_bytes()),
        original_name="clip.mp4", held_until=timezone.now() + timedelta(days=3),
    )  # fmt: skip


def make_order(
    company: Company,
    *products: Product,
    actor: Any = None,
    quantity: int = 1,
    status: str = Order.Status.DRAFT,
    **fields: Any,
) -> Order:
    """An order of ``products`` (default: one new living photo) made by the service."""
    items = [ItemInput(product=p, quantity=quantity) for p in products or (ProductFactory(company=company),)]
    photo = fields.pop("photo", None)
    video = fields.pop("video", None)
    source = fields.pop("source", Order.Source.STAFF)
    data = OrderInput(customer_name=fields.pop("customer_name", "Anna Petrova"), items=items, **fields)
    return order_create(company=company, actor=actor, data=data, status=status, photo=photo, video=video,
                        source=source)  # fmt: skip
