"""Payments, refunds, invoices and credit notes in the API. Thin: load within the company,
call one service, answer with the output serializer. A provider that refuses answers 502,
one that does not answer 503: starting a payment or deciding a hold is then safe to repeat
(the provider is asked again with the same key); a refund is not, it stays pending and is
sent again by reconciliation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from arvlite.core.roles import Role
from companies.api.scoped import CompanyInputMixin
from orders.api.money_serializers import (
    CreditNoteSerializer,
    InvoiceIssueSerializer,
    InvoiceSerializer,
    PaymentSerializer,
    RefundInputSerializer,
    RefundSerializer,
)
from orders.api.views import IDEMPOTENCY_PARAMETER
from orders.idempotency import HEADER, idempotent
from orders.invoices.downloads import document_pdf_response
from orders.invoices.models import CreditNote, Invoice
from orders.invoices.selectors import document_list
from orders.invoices.services import invoice_issue
from orders.models import Order
from orders.payments import services
from orders.payments.models import Payment
from orders.payments.providers.base import ProviderError, ProviderUnavailableError

PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The PDF (application/pdf).")


class ProviderRefusedError(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "provider_refused"
    default_detail = "The payment provider refused the request."


class ProviderDownError(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "provider_unavailable"
    default_detail = "The payment provider did not answer; the request is safe to repeat."


class RefundPendingError(ProviderDownError):
    # Not "repeat the request": a new request would be a second refund. The pending one
    # keeps its amount reserved and is sent again (with its key) by reconciliation.
    default_detail = (
        "The payment provider did not answer; the refund stays pending and is sent again "
        "automatically. Repeat the request only with the same Idempotency-Key: without one it "
        "would be another refund."
    )


def _calling_provider(call: Any, down: type[ProviderDownError] = ProviderDownError) -> Any:
    try:
        return call()
    except ProviderUnavailableError:
        raise down() from None
    except ProviderError as error:
        raise ProviderRefusedError(str(error)) from None


class OrderPaymentsView(CompanyInputMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The payments of one order; an editor starts an online payment for the customer."""

    serializer_class = PaymentSerializer
    read_role = Role.VIEWER
    write_role = Role.EDITOR
    filter_backends: list[Any] = []

    def _order(self) -> Order:
        order = Order.objects.filter(company=self.company, pk=self.kwargs["pk"]).first()
        if order is None:
            raise exceptions.NotFound()
        return order

    def get_queryset(self) -> QuerySet[Payment]:
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return (
            Payment.objects.filter(order=self._order())
            .prefetch_related("refunds")
            .order_by("-created_at", "-id")
        )

    @extend_schema(summary="The order's payments, newest first")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Start an online payment (the customer pays on its confirmation_url)",
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: PaymentSerializer, 502: OpenApiResponse(description="The provider refused."),
                   503: OpenApiResponse(description="The provider did not answer; repeat the request (with the "
                                                    "same Idempotency-Key).")},
    )  # fmt: skip
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = self._order()

        def run() -> Response:
            try:
                payment = _calling_provider(lambda: services.payment_start(order=order))
            except ProviderDownError as error:
                # Answered, not raised: with an Idempotency-Key this runs in a transaction, and
                # raising would roll back the pending payment saved before the provider was
                # asked. Kept, the repeated request sends the provider the same key again,
                # instead of creating a second payment there (no key is stored for a 503).
                return self.handle_exception(error)
            return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

        return idempotent(company=self.company, scope=f"orders.{order.pk}.payments", key=request.headers.get(HEADER),
                          data=request.data, create=run)  # fmt: skip


class PaymentActionsView(CompanyInputMixin, viewsets.GenericViewSet):
    """Refund a payment (managers: money leaves the company), capture or release a held one."""

    serializer_class = PaymentSerializer
    read_role = Role.VIEWER
    write_role = Role.MANAGER

    def get_queryset(self) -> QuerySet[Payment]:
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return Payment.objects.filter(company=self.company).prefetch_related("refunds")

    @extend_schema(
        summary="Refund all or part of a payment",
        request=RefundInputSerializer,
        parameters=[OpenApiParameter(HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                     description="Retry-safe refunds: the same key answers the refund it made "
                                     "(with another amount: 400).")],
        responses={201: RefundSerializer, 502: OpenApiResponse(description="The provider refused."),
                   503: OpenApiResponse(description="No answer: the refund stays pending and is sent again.")},
    )  # fmt: skip
    def refund(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payment = self.get_object()
        data = self.validated(RefundInputSerializer)
        refund = _calling_provider(
            lambda: services.payment_refund(
                payment=payment,
                amount=data["amount"],
                actor=request.user,
                reason=data["reason"],
                request_key=request.headers.get(HEADER),
            ),
            down=RefundPendingError,
        )
        return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Take the money held by a two-stage payment", request=None,
                   responses={200: PaymentSerializer})  # fmt: skip
    def capture(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payment = self.get_object()
        done = _calling_provider(lambda: services.payment_capture(payment=payment, actor=request.user))
        return Response(PaymentSerializer(done).data)

    @extend_schema(summary="Release the money held by a two-stage payment", request=None,
                   responses={200: PaymentSerializer})  # fmt: skip
    def release(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payment = self.get_object()
        done = _calling_provider(lambda: services.payment_cancel_hold(payment=payment, actor=request.user))
        return Response(PaymentSerializer(done).data)


DOCUMENT_FILTERS = [
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("search", OpenApiTypes.STR, description="Number, order number or customer name."),
    OpenApiParameter("order", OpenApiTypes.INT),
]


class _DocumentFilters(serializers.Serializer[Any]):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    order = serializers.IntegerField(required=False, min_value=1)


class _DocumentViewSet(CompanyInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):  # fmt: skip
    read_role = Role.VIEWER
    write_role = Role.EDITOR
    filter_backends: list[Any] = []
    model: type[Invoice] | type[CreditNote]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        if self.action != "list":
            return self.model.objects.filter(company=self.company).select_related("order")
        filters = _DocumentFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return document_list(company=self.company, model=self.model, year=data.get("year"),
                             search=data.get("search", ""), order_id=data.get("order"))  # fmt: skip

    @extend_schema(summary="The document as PDF", responses={(200, "application/pdf"): PDF_RESPONSE})
    def pdf(self, request: Request, *args: Any, **kwargs: Any) -> FileResponse:
        return document_pdf_response(self.get_object())


@extend_schema_view(
    list=extend_schema(summary="The company's invoices, newest first", parameters=DOCUMENT_FILTERS),
    retrieve=extend_schema(summary="One invoice (issued invoices never change)"),
)
class InvoiceViewSet(_DocumentViewSet):
    serializer_class = InvoiceSerializer
    model = Invoice

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("credit_notes")

    @extend_schema(summary="Issue the invoice of an order (or get the one it has)", request=InvoiceIssueSerializer,
                   responses={201: InvoiceSerializer})  # fmt: skip
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(InvoiceIssueSerializer)
        invoice = invoice_issue(order=data["order"], actor=request.user)
        fresh = self.get_queryset().get(pk=invoice.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="The company's credit notes, newest first", parameters=DOCUMENT_FILTERS),
    retrieve=extend_schema(summary="One credit note"),
)
class CreditNoteViewSet(_DocumentViewSet):
    serializer_class = CreditNoteSerializer
    model = CreditNote

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("invoice")
