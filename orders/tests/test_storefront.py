"""The public storefront: the page, the held tus upload, placing the order, and what it
refuses (bad files, no consent, other shops' uploads, bots, floods)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from arcontent.tests.photos import textured_jpeg
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.files import storage_used_bytes
from companies.models import Company, StoredFile
from orders.models import Order, Product
from orders.tests.factories import ProductFactory
from videos.models import UploadSession
from videos.tests.factories import clip_bytes

pytestmark = pytest.mark.django_db
TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def living(company: Company) -> Product:
    return ProductFactory(company=company, name="Living photo, 1 year", term_years=1)


@pytest.fixture
def clip() -> bytes:
    return clip_bytes(width=160, height=120)


def tus_upload(client: Client, slug: str, data: bytes) -> tuple[str, Any]:
    """Send ``data`` as a storefront upload in two chunks; the upload id and last answer."""
    created = client.post(f"/shop/{slug}/uploads/",
                          headers={**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": "filename Y2xpcC5tcDQ="})  # fmt: skip
    assert created.status_code == 201, created.content
    url = created["Location"]
    half = len(data) // 2
    answer = None
    for offset, chunk in ((0, data[:half]), (half, data[half:])):
        answer = client.generic("PATCH", url, chunk, content_type="application/offset+octet-stream",
                                headers={**TUS, "Upload-Offset": str(offset)})  # fmt: skip
        if answer.status_code != 204:
            break
    return created.json()["upload_id"], answer


def order_form(product: Product, **overrides: Any) -> dict[str, Any]:
    return {
        "product": product.pk,
        "customer_name": "Maria Ivanova",
        "customer_email": "Maria@Example.com",
        "customer_phone": "+7 900 123-45-67",
        "delivery": "pickup",
        "photo": SimpleUploadedFile("portrait.jpg", textured_jpeg(), content_type="image/jpeg"),
        "consent": "on",
        **overrides,
    }


def test_the_shop_shows_its_active_products_and_the_terms_link(client: Client, company: Company,
                                                              living: Product) -> None:  # fmt: skip
    ProductFactory(company=company, name="Hidden offer", active=False)
    ProductFactory(company=company, name="Renewal", kind=Product.Kind.RENEWAL)
    Company.objects.filter(pk=company.pk).update(terms_url="https://alice.example.com/terms")
    html = client.get(f"/shop/{company.slug}/?lang=en").content.decode()
    assert "Living photo, 1 year" in html
    assert "Hidden offer" not in html
    assert "Renewal" not in html
    assert 'data-testid="terms-link"' in html
    assert "https://alice.example.com/terms" in html
    assert 'name="website"' in html  # the honeypot


def test_an_unknown_or_deactivated_shop_is_a_404_and_an_empty_one_says_so(
    client: Client, company: Company
) -> None:
    assert client.get("/shop/no-such-shop/").status_code == 404
    assert 'data-testid="shop-closed"' in client.get(f"/shop/{company.slug}/").content.decode()
    Company.objects.filter(pk=company.pk).update(status=Company.Status.DEACTIVATED)
    assert client.get(f"/shop/{company.slug}/").status_code == 404


def test_a_customer_orders_with_a_resumable_video_upload(client: Client, company: Company, living: Product,
                                                        clip: bytes) -> None:  # fmt: skip
    upload_id, last = tus_upload(client, company.slug, clip)
    assert last.status_code == 204
    assert last["Upload-Offset"] == str(len(clip))
    placed = client.post(f"/shop/{company.slug}/?lang=en", order_form(living, video_upload=upload_id))
    assert placed.status_code == 302, placed.content.decode()[:2000]
    assert "?placed=1" in placed["Location"]
    with company_scope(company):
        order = Order.objects.get()
        assert order.status == Order.Status.AWAITING_PAYMENT
        assert order.source == Order.Source.STOREFRONT
        assert order.customer_email == "maria@example.com"
        assert order.consent_at is not None
        assert order.payment_due_at is not None
        assert order.customer_language == "en"
        assert [item.name for item in order.items.all()] == ["Living photo, 1 year"]
        assert order.photo is not None
        assert order.photo.held_until is not None
        assert order.video is not None
        assert order.video.held_until is not None
        assert order.video.size == len(clip)
        assert storage_used_bytes(company=company) == 0  # nothing counts until paid
    page = client.get(placed["Location"]).content.decode()
    assert 'data-testid="order-placed"' in page


def test_without_javascript_the_video_comes_with_the_form(client: Client, company: Company, living: Product,
                                                         clip: bytes) -> None:  # fmt: skip
    video = SimpleUploadedFile("clip.mp4", clip, content_type="video/mp4")
    placed = client.post(f"/shop/{company.slug}/", order_form(living, video=video))
    assert placed.status_code == 302
    with company_scope(company):
        video_file = Order.objects.get().video
        assert video_file is not None
        assert video_file.mime_type.startswith("video/")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"photo": SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")},
            "photo",
        ),
        ({"consent": ""}, "consent"),
        ({"customer_email": "not-an-email"}, "customer_email"),
        ({"delivery": "address", "delivery_address": ""}, "delivery_address"),
        ({"video_upload": "7c3f35a2-3c1d-4f43-9d7e-1d2c3b4a5f60"}, "video"),
        ({}, "video"),
    ],
)
def test_bad_orders_are_refused_on_the_form_and_leave_nothing(
    client: Client, company: Company, living: Product, clip: bytes, overrides: dict[str, Any], field: str
) -> None:
    data = order_form(living, **overrides)
    if field != "video":
        data.setdefault("video", SimpleUploadedFile("clip.mp4", clip, content_type="video/mp4"))
    answer = client.post(f"/shop/{company.slug}/?lang=en", data)
    assert answer.status_code == 400
    assert answer.context["form"].errors.get(field), answer.context["form"].errors
    with scopes_disabled():
        assert not Order.objects.exists()
        assert not StoredFile.objects.exists()


def test_an_upload_that_is_not_a_video_is_refused(client: Client, company: Company) -> None:
    _upload_id, last = tus_upload(client, company.slug, b"plain text pretending to be a video" * 40)
    assert last.status_code == 400
    assert last.json()["status"] == 400
    with scopes_disabled():
        assert not StoredFile.objects.exists()
        assert not UploadSession.objects.exists()


def test_another_shops_upload_or_one_already_ordered_cannot_be_used(
    client: Client, company: Company, other_company: Company, living: Product, clip: bytes
) -> None:
    foreign_id, _ = tus_upload(client, other_company.slug, clip)
    refused = client.post(f"/shop/{company.slug}/?lang=en", order_form(living, video_upload=foreign_id))
    assert refused.status_code == 400
    assert "not found" in refused.context["form"].errors["video"][0]
    # the other shop's upload cannot be read or continued through this shop either
    assert client.head(f"/shop/{company.slug}/uploads/{foreign_id}/", headers=TUS).status_code == 404

    own_id, _ = tus_upload(client, company.slug, clip)
    assert client.post(f"/shop/{company.slug}/", order_form(living, video_upload=own_id)).status_code == 302
    again = client.post(f"/shop/{company.slug}/?lang=en", order_form(living, video_upload=own_id))
    assert again.status_code == 400
    assert "another order" in again.context["form"].errors["video"][0]


def test_a_filled_honeypot_looks_like_success_and_keeps_nothing(client: Client, company: Company,
                                                                living: Product, clip: bytes) -> None:  # fmt: skip
    video = SimpleUploadedFile("clip.mp4", clip, content_type="video/mp4")
    answer = client.post(
        f"/shop/{company.slug}/", order_form(living, video=video, website="http://spam.example")
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith("?sent=1")
    with scopes_disabled():
        assert not Order.objects.exists()


def test_a_flood_of_orders_or_uploads_from_one_address_is_429(
    client: Client, company: Company, living: Product, settings: Any
) -> None:
    settings.STOREFRONT_ORDER_RATE = "2/hour"
    settings.STOREFRONT_UPLOAD_RATE = "2/hour"
    statuses = [client.post(f"/shop/{company.slug}/", {"customer_name": "x"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    uploads = [
        client.post(f"/shop/{company.slug}/uploads/", headers={**TUS, "Upload-Length": "10"}).status_code
        for _ in range(3)
    ]
    assert uploads == [201, 201, 429]
    other_address = client.post(f"/shop/{company.slug}/", {"customer_name": "x"}, REMOTE_ADDR="198.51.100.7")
    assert other_address.status_code == 400  # the limit is per address


def test_the_photo_check_gives_advice_to_anyone_and_refuses_non_images(
    client: Client, company: Company
) -> None:
    photo = SimpleUploadedFile("p.jpg", textured_jpeg(), content_type="image/jpeg")
    advice = client.post(f"/shop/{company.slug}/photo-check/", {"photo": photo})
    assert advice.status_code == 200
    assert advice.json()["level"] in ("good", "fair", "poor")
    assert 0 <= advice.json()["score"] <= 100
    text = SimpleUploadedFile("p.jpg", b"hello", content_type="image/jpeg")
    refused = client.post(f"/shop/{company.slug}/photo-check/", {"photo": text})
    assert refused.status_code == 400
    assert refused.json()["errors"]["photo"]
    assert client.post("/shop/nobody/photo-check/", {"photo": photo}).status_code == 404
