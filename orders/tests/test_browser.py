"""A customer orders a living photo on the storefront (photo advice, the video sent by tus
with its progress), staff mark it paid, a real worker makes the content, staff move the
order to completed, and the customer's page shows every step and the QR."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from arcontent.models import ARContent
from arcontent.tests.photos import textured_jpeg
from arvlite.core.roles import Role
from arvlite.core.tenancy import scopes_disabled
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from orders.models import Order, Product
from orders.tests.factories import ProductFactory, make_order
from videos.models import Video
from videos.tests.factories import clip_bytes

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Keeps every progress message the upload shows, to check the bar moved through values.
RECORD_PROGRESS = """() => {
  window.progressSeen = [];
  const line = document.querySelector('[data-upload-status]');
  new MutationObserver(() => window.progressSeen.push(line.textContent)).observe(
    line, {childList: true, characterData: true, subtree: true});
}"""


def wait_until(check: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)


def test_a_storefront_order_from_the_shop_to_the_qr(
    page: Any, celery_worker: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VIDEO_UPLOAD_CHUNK_BYTES = 32 * 1024  # several parts, so the bar has steps
    company = CompanyFactory(
        name="Sunny Portraits", slug="sunny", terms_url="https://sunny.example.com/terms"
    )
    staff = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=staff, role=Role.EDITOR)
    living = ProductFactory(company=company, name="Living photo, 1 year", term_years=1)
    ProductFactory(company=company, name="Print 10×15", kind=Product.Kind.PRINTED_COPY, term_years=None)
    photo = tmp_path / "portrait.jpg"
    photo.write_bytes(textured_jpeg())
    video = tmp_path / "clip.mp4"
    video.write_bytes(clip_bytes(width=320, height=240, seconds=2.0))

    # The customer.
    page.goto("/shop/sunny/")
    assert page.get_attribute("[data-testid=terms-link]", "href") == "https://sunny.example.com/terms"
    page.check(f"input[name=product][value='{living.pk}']")
    page.set_input_files("input[name=photo]", str(photo))
    page.wait_for_selector("[data-testid=photo-advice]:not([hidden]) [data-score]:text('/100')")
    page.evaluate(RECORD_PROGRESS)
    page.set_input_files("input[type=file]#id_video", str(video))
    page.wait_for_selector("form[data-video-ready=true]", timeout=30_000)
    seen = page.evaluate("window.progressSeen")
    percents = {text for text in seen if text.startswith("Uploaded ")}
    assert len(percents) >= 3, seen  # the bar moved through several values
    assert page.inner_text("[data-testid=upload-status]") == "The video is uploaded."
    page.fill("input[name=customer_name]", "Maria Ivanova")
    page.fill("input[name=customer_email]", "maria@example.com")
    page.fill("input[name=customer_phone]", "+7 900 123-45-67")
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.click("[data-testid=place-order]")
    assert "/orders/" in page.url
    assert page.is_visible("[data-testid=order-placed]")
    assert page.inner_text("[data-testid=order-status]") == "Awaiting payment"
    customer_url = page.url.split("?")[0]
    with scopes_disabled():
        order = Order.objects.get(company=company)
    assert order.source == Order.Source.STOREFRONT
    assert order.video is not None

    # Staff take the payment.
    page.goto("/accounts/login/")
    page.fill("input[name=username]", staff.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/c/sunny/")
    page.goto("/c/sunny/orders/?status=awaiting_payment")
    with page.expect_navigation():
        page.click(f"[data-testid=order-table] >> text={order.number}")
    page.fill("#move-note", "paid in cash")
    with page.expect_navigation():
        page.click("[data-testid=move-paid]")
    assert page.inner_text("[data-testid=order-status]") == "Paid"

    # A real worker makes the living photo from the customer's files.
    celery_worker(["default", "media"], "browser-orders")
    with page.expect_navigation():
        page.click("[data-testid=content-link]")
    page.wait_for_selector("[data-testid=status-card][data-status=ready]", timeout=90_000)
    with scopes_disabled():
        content = ARContent.objects.get(company=company)
        assert content.order_number == order.number
        wait_until(lambda: Video.objects.get(content=content).status == Video.Status.READY, 90)

    # Staff move the order through production to completed.
    page.goto(f"/c/sunny/orders/{order.pk}/")
    for step, label in (
        ("in_production", "In production"),
        ("shipped", "Shipped"),
        ("completed", "Completed"),
    ):
        with page.expect_navigation():
            page.click(f"[data-testid=move-{step}]")
        assert page.inner_text("[data-testid=order-status]") == label

    # The customer's page tells the whole story and shows the QR.
    page.goto(customer_url)
    assert page.inner_text("[data-testid=order-status]") == "Completed"
    steps = page.locator("[data-testid=order-timeline] li strong").all_inner_texts()
    assert steps == ["Awaiting payment", "Paid", "In production", "Shipped", "Completed"]
    assert page.locator("[data-testid=order-qr] svg").count() == 1
    assert f"/view/{content.unique_id}" in (page.get_attribute("[data-testid=view-link]", "href") or "")


def test_the_shop_and_the_order_pages_fit_a_phone(page: Any, tmp_path: Path) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    staff = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=staff, role=Role.EDITOR)
    living = ProductFactory(company=company, name="Living photo, 1 year")
    with scopes_disabled():
        order = make_order(company, living, customer_name="Maria Ivanova", customer_email="maria@example.com",
                           status=Order.Status.AWAITING_PAYMENT)  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    fits = "() => document.scrollingElement.scrollWidth <= window.innerWidth"
    page.goto("/shop/sunny/")
    assert page.evaluate(fits)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", staff.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/c/sunny/")
    for path in (
        "/c/sunny/orders/",
        f"/c/sunny/orders/{order.pk}/",
        "/c/sunny/orders/new/",
        "/c/sunny/price-list/",
    ):
        page.goto(path)
        assert page.evaluate(fits), path
