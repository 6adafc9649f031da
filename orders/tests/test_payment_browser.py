"""Paying online in real Chromium: a customer orders on the storefront, pays on the local
YooKassa emulation's confirmation page, comes back to an order page that turns to "paid"
by itself when the bank confirms a few seconds later, and downloads the invoice; staff then
refund half and a credit note appears."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from arcontent.tests.photos import textured_jpeg
from arvlite.core.roles import Role
from arvlite.core.tenancy import scopes_disabled
from companies.services import company_update
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from orders.invoices.models import CreditNote, Invoice
from orders.models import Order, VatRate
from orders.tests.factories import ProductFactory
from orders.tests.test_invoices import LEGAL
from orders.tests.yookassa_emulator import SECRET, SHOP, yookassa_emulator
from videos.tests.factories import clip_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_text(path: str) -> str:
    reader = PdfReader(BytesIO(Path(path).read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_customer_pays_online_gets_the_invoice_and_staff_refund_half(
    page: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    with yookassa_emulator(shops={SHOP: SECRET}) as kassa:
        settings.YOOKASSA_API_URL = kassa.api_url
        settings.YOOKASSA_NOTIFICATION_SOURCES = ["127.0.0.0/8"]
        settings.PUBLIC_URL = live_server.url  # the return_url and the invoice's QR
        kassa.webhook_url = f"{live_server.url}/api/v1/payments/webhooks/yookassa/"
        kassa.settle_seconds = 3  # the bank confirms after the customer is back

        company = CompanyFactory(
            name="Sunny Portraits", slug="sunny", terms_url="https://sunny.example.com/t"
        )
        staff = UserFactory(email="olga@sunny.example.com")
        MembershipFactory(company=company, user=staff, role=Role.MANAGER)
        company_update(
            company=company, actor=staff, yookassa_shop_id=SHOP, yookassa_secret_key=SECRET, **LEGAL
        )
        living = ProductFactory(company=company, name="Живое фото, 1 год", price=Decimal("2440.00"),
                                vat_rate=VatRate.TWENTY_TWO)  # fmt: skip
        photo, video = tmp_path / "portrait.jpg", tmp_path / "clip.mp4"
        photo.write_bytes(textured_jpeg())
        video.write_bytes(clip_bytes(width=320, height=240, seconds=1.0))

        # The customer orders and is sent to the payment page.
        page.goto("/shop/sunny/")
        page.check(f"input[name=product][value='{living.pk}']")
        page.set_input_files("input[name=photo]", str(photo))
        page.set_input_files("input[type=file]#id_video", str(video))
        page.wait_for_selector("form[data-video-ready=true]", timeout=30_000)
        page.fill("input[name=customer_name]", "Maria Ivanova")
        page.fill("input[name=customer_email]", "maria@example.com")
        page.check("input[name=consent]")
        with page.expect_navigation():
            page.click("[data-testid=place-order]")
        assert page.url.startswith(kassa.base_url + "/confirm/")
        assert page.inner_text("[data-testid=amount]") == "2440.00 RUB"

        # Pays, comes back before the bank has confirmed, and waits on the order page.
        with page.expect_navigation():
            page.click("[data-testid=pay]")
        assert page.url.startswith(live_server.url + "/orders/")
        assert page.is_visible("[data-testid=payment-confirming]")
        assert page.inner_text("[data-testid=order-status]") == "Awaiting payment"
        page.wait_for_selector("[data-testid=payment-confirming][data-settled=paid]", timeout=30_000)
        assert page.inner_text("[data-testid=order-status]") == "Paid"  # without a reload

        # The page then shows the invoice, and its PDF says what an invoice must.
        page.wait_for_selector("[data-testid=invoice-download]", timeout=30_000)
        with scopes_disabled():
            order = Order.objects.get(company=company)
            invoice = Invoice.objects.get(order=order)
        with page.expect_download() as download:
            page.click("[data-testid=invoice-download]")
        text = pdf_text(download.value.path())
        for expected in (f"№ {invoice.number}", "ООО «Солнечная студия»", "ИНН 7707083893", "КПП 773601001",
                         "БИК 044525225", "40702810200000000001", "Maria Ivanova",
                         "Две тысячи четыреста сорок рублей, ноль копеек", "в т.ч. НДС 22 %: 440.00"):  # fmt: skip
            assert expected in text, expected

        # Staff refund half; a credit note appears on the order page.
        page.goto("/accounts/login/")
        page.fill("input[name=username]", staff.email)
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button.primary")
        page.wait_for_url("**/c/sunny/")
        page.goto(f"/c/sunny/orders/{order.pk}/")
        page.click("[data-testid=refund-details] summary")
        assert page.input_value("[data-testid=refund-amount]") == "2440.00"
        page.fill("[data-testid=refund-amount]", "1220.00")
        with page.expect_navigation():
            page.click("[data-testid=refund-submit]")
        assert page.locator("[data-testid=refund-row][data-status=succeeded]").count() == 1
        assert page.is_visible("[data-testid=credit-note-row]")
        with scopes_disabled():
            note = CreditNote.objects.get(invoice=invoice)
        assert note.total == Decimal("1220.00")
        assert [refund["amount"]["value"] for refund in kassa.refunds.values()] == ["1220.00"]
