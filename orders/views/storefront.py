"""The company's public storefront, /shop/<slug>/: the products, an order form with the
photo's trackability advice before paying, and resumable (tus) video uploads that the
order holds until it is paid. Anonymous: rate-limited per address, with a honeypot."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from arcontent.api.views import PhotoAnalysisView
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.api.quota import QuotaExceeded
from companies.branding import company_logo_url
from companies.models import Company
from orders.forms import StorefrontOrderForm
from orders.links import customer_page_path
from orders.models import Product
from orders.payments.services import online_provider
from orders.selectors import active_products
from orders.services import OrderInput
from orders.storefront import (
    STOREFRONT_KINDS,
    held_until,
    held_video,
    storefront_items,
    storefront_order_create,
)
from orders.throttling import StorefrontOrderThrottle, StorefrontUploadThrottle
from orders.views.payment import pay_redirect
from projects.forms import add_service_errors
from videos import uploads
from videos.api.uploads import (
    TusProtocolView,
    created_response,
    head_response,
    offset_headers,
    parse_metadata,
    patch_response,
    upload_length,
)
from videos.models import UploadSession


def shop_company(slug: str) -> Company:
    """The active company behind a shop address; anything else is a 404."""
    with scopes_disabled():
        company = Company.objects.filter(slug=slug, status=Company.Status.ACTIVE).first()
    if company is None:
        raise Http404
    return company


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "")
    return (
        wanted if wanted in dict(settings.LANGUAGES) else translation.get_language() or settings.LANGUAGE_CODE
    )


def shop_page(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the shop. POST: place the order, then the customer's order page."""
    company = shop_company(slug)
    with company_scope(company), translation.override(_language(request)):
        products = active_products(company=company).filter(kind__in=STOREFRONT_KINDS)
        if request.method != "POST":
            return _render(request, company, StorefrontOrderForm(products=products))
        if not StorefrontOrderThrottle().allows(request):
            return _render(
                request, company, StorefrontOrderForm(products=products), status=429, throttled=True
            )
        form = StorefrontOrderForm(request.POST, request.FILES, products=products)
        if form.is_spam:  # look like success to the bot, keep nothing
            return HttpResponseRedirect(reverse("shop-page", kwargs={"slug": slug}) + "?sent=1")
        if not form.is_valid():
            return _render(request, company, form, status=400)
        try:
            order = _place(company, form, language=translation.get_language() or settings.LANGUAGE_CODE)
        except ValidationError as error:
            add_service_errors(form, error)
            return _render(request, company, form, status=400)
        if online_provider(company) is not None:
            return pay_redirect(order)  # to the provider's page; back to the order page after
    return HttpResponseRedirect(customer_page_path(order.access_token) + "?placed=1")


def _place(company: Company, form: StorefrontOrderForm, *, language: str) -> Any:
    data = form.cleaned_data
    product: Product = data["product"]
    inputs = OrderInput(
        customer_name=data["customer_name"],
        customer_email=data["customer_email"],
        customer_phone=data["customer_phone"],
        customer_language=language,
        delivery=data["delivery"],
        delivery_address=data["delivery_address"],
        note=data["note"],
        items=storefront_items(product, list(data["extras"])),
    )
    video_file = data.get("video")
    return storefront_order_create(
        company=company,
        data=inputs,
        photo=data["photo"],
        photo_name=data["photo"].name,
        video=held_video(company=company, upload_id=str(data["video_upload"]))
        if data["video_upload"]
        else None,
        video_upload=video_file,
        video_name=video_file.name if video_file else "",
    )


def _render(
    request: HttpRequest,
    company: Company,
    form: StorefrontOrderForm,
    *,
    status: int = 200,
    throttled: bool = False,
) -> HttpResponse:
    slug = company.slug
    products = list(form.fields["product"].queryset)  # type: ignore[attr-defined]
    context = {
        "company": company,
        "company_name": company.name,
        "brand_color": company.brand_color,
        "logo_url": company_logo_url(company, absolute=False),
        "form": form,
        "products": products,
        "extras": list(form.fields["extras"].queryset),  # type: ignore[attr-defined]
        "sent": request.GET.get("sent") == "1",
        "throttled": throttled,
        "upload_endpoint": reverse("shop-upload-list", kwargs={"slug": slug}),
        "photo_check_endpoint": reverse("shop-photo-check", kwargs={"slug": slug}),
        "chunk_size": settings.VIDEO_UPLOAD_CHUNK_BYTES,
        "hold_hours": settings.STOREFRONT_HOLD_HOURS,
    }
    return render(request, "orders/storefront.html", context, status=status)


# --- the storefront's API: photo check and resumable video uploads ---------------------------


@extend_schema(exclude=True)  # the storefront page's own endpoints, documented in docs/API.md
class ShopPhotoCheckView(PhotoAnalysisView):
    """The trackability check of the portal, for the shop's customers (nothing stored)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [StorefrontUploadThrottle]

    def post(self, request: Request, slug: str = "") -> Response:
        shop_company(slug)
        return super().post(request)


class _ShopTusView(TusProtocolView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def shop(self) -> Company:
        return shop_company(self.kwargs["slug"])


@extend_schema(exclude=True)
class ShopUploadListView(_ShopTusView):
    """POST: start a held video upload for an order not placed yet (tus creation)."""

    def get_throttles(self) -> list[BaseThrottle]:
        return [StorefrontUploadThrottle()] if self.request.method == "POST" else []

    def post(self, request: Request, slug: str) -> Response:
        company = self.shop()
        length = upload_length(request)
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
        with company_scope(company):
            try:
                session = uploads.upload_start_held(
                    company=company,
                    length=length,
                    filename=metadata.get("filename") or metadata.get("name") or "",
                    hold_until=held_until(),
                )
            except uploads.UploadTooLargeError as error:
                raise QuotaExceeded(error.messages[0]) from None
        url = request.build_absolute_uri(
            reverse("shop-upload-detail", kwargs={"slug": slug, "upload_id": session.upload_id})
        )
        return created_response(session, url)


@extend_schema(exclude=True)
class ShopUploadDetailView(_ShopTusView):
    """HEAD: where to resume; PATCH: the next chunk; DELETE: cancel. The upload id is the key."""

    def _session(self, company: Company) -> UploadSession:
        session = UploadSession.objects.filter(
            company=company, content__isnull=True, upload_id=self.kwargs["upload_id"]
        ).first()
        if session is None:
            raise Http404
        return session

    def head(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        company = self.shop()
        with company_scope(company):
            return head_response(self._session(company))

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        company = self.shop()
        with company_scope(company):
            session = patch_response(request, self._session(company), None)
        return Response(status=204, headers=offset_headers(session))

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        company = self.shop()
        with company_scope(company):
            session = self._session(company)
            if session.held_file_id is not None:  # finished: the order form may still use it
                return Response(status=204)
            uploads.upload_cancel(session=session)
        return Response(status=204)
