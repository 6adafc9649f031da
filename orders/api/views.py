"""Orders API: the price list, orders with their lifecycle actions and history. Thin:
parse, load within the company, call one service, answer with the output serializer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from arvlite.core.roles import Role
from companies.api.scoped import CompanyInputMixin
from companies.authentication import ApiKeyPrincipal
from orders import selectors, services
from orders.api.serializers import (
    ItemsInputSerializer,
    MarkPaidSerializer,
    OrderCreateSerializer,
    OrderSerializer,
    OrderUpdateSerializer,
    ProductSerializer,
    StatusChangeSerializer,
    TransitionSerializer,
)
from orders.idempotency import HEADER, idempotent
from orders.models import Order, OrderStatusChange, Product
from orders.payments.services import manual_payment_record

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Retry-safe creation: the same key with the same body answers the first answer again "
    "(header Idempotent-Replayed: true); with another body 422. Kept 24 hours.",
)  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="The company's price list"),
    retrieve=extend_schema(summary="One product"),
    create=extend_schema(summary="Add a product"),
    partial_update=extend_schema(summary="Change a product (orders keep their snapshot)"),
    destroy=extend_schema(summary="Remove a product (orders keep their snapshot)"),
)
class ProductViewSet(
    CompanyInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProductSerializer
    read_role = Role.VIEWER
    write_role = Role.EDITOR
    filterset_fields = ["kind", "active"]
    search_fields = ["name"]
    ordering = ["position", "id"]

    def get_queryset(self) -> QuerySet[Product]:
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return Product.objects.filter(company=self.company)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.product_create(
            company=self.company, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        assert isinstance(serializer.instance, Product)
        serializer.instance = services.product_update(
            product=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Product) -> None:
        services.product_delete(product=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="The company's orders, newest first",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Order.Status.values),
            OpenApiParameter(
                "search", OpenApiTypes.STR, description="Number, customer name, e-mail or phone."
            ),
            OpenApiParameter("created_after", OpenApiTypes.DATE),
            OpenApiParameter("created_before", OpenApiTypes.DATE, description="Inclusive."),
            OpenApiParameter("product", OpenApiTypes.INT),
        ],
    ),
    retrieve=extend_schema(summary="One order"),
)
class OrderViewSet(
    CompanyInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Viewers read; editors and up create orders and move them through the lifecycle."""

    serializer_class = OrderSerializer
    read_role = Role.VIEWER
    write_role = Role.EDITOR
    filter_backends: list[Any] = []  # the selector filters (dates inclusive, phone digits)

    def get_queryset(self) -> QuerySet[Order]:
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        if self.action != "list":
            return selectors.order_list(company=self.company)
        filters = _ListFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.order_list(
            company=self.company, filters=selectors.OrderFilters(**filters.validated_data)
        )

    @extend_schema(
        summary="Create an order",
        request=OrderCreateSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: OrderSerializer, 422: OpenApiResponse(description="Idempotency-Key reused.")},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        def run() -> Response:
            data = self.validated(OrderCreateSerializer)
            items = [
                services.ItemInput(product=i["product"], quantity=i["quantity"]) for i in data.pop("items")
            ]
            start = data.pop("status")
            source = Order.Source.API if isinstance(request.user, ApiKeyPrincipal) else Order.Source.STAFF
            order = services.order_create(
                company=self.company, actor=request.user, source=source, status=start,
                data=services.OrderInput(items=items, **data),
            )  # fmt: skip
            return self._answer(order, status.HTTP_201_CREATED)

        return idempotent(
            company=self.company,
            scope="orders.create",
            key=request.headers.get(HEADER),
            data=request.data,
            create=run,
        )

    @extend_schema(
        summary="Change the customer, delivery, tracking number or note", request=OrderUpdateSerializer
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = self.get_object()
        data = self.validated(OrderUpdateSerializer, partial=True)
        return self._answer(services.order_update(order=order, actor=request.user, **data))

    @extend_schema(summary="Replace the items (before payment only)", request=ItemsInputSerializer)
    def items(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = self.get_object()
        data = self.validated(ItemsInputSerializer)
        items = [services.ItemInput(product=i["product"], quantity=i["quantity"]) for i in data["items"]]
        return self._answer(services.order_items_replace(order=order, actor=request.user, items=items))

    @extend_schema(summary="Move the order to another status", request=TransitionSerializer)
    def transition(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = self.get_object()
        data = self.validated(TransitionSerializer)
        return self._answer(services.order_transition(order=order, actor=request.user, **data))

    @extend_schema(
        summary="Record a payment made outside the site (cash, bank transfer)",
        request=MarkPaidSerializer,
        description="Creates the living photo (or renews the content) in the same transaction.",
    )
    def mark_paid(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = self.get_object()
        data = self.validated(MarkPaidSerializer)
        return self._answer(
            manual_payment_record(order=order, actor=request.user, method=data["method"], note=data["note"])
        )

    @extend_schema(summary="The order's status history", responses={200: StatusChangeSerializer(many=True)})
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = self.get_object()
        changes = OrderStatusChange.objects.filter(order=order).order_by("created_at", "id")
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(StatusChangeSerializer(page, many=True).data)

    def _answer(self, order: Order, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.order_get(company=self.company, order_id=order.pk)
        return Response(OrderSerializer(fresh).data, status=code)


class _ListFilters(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    created_after = serializers.DateField(required=False)
    created_before = serializers.DateField(required=False)
    product = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        after, before = attrs.get("created_after"), attrs.get("created_before")
        if after and before and after > before:
            raise serializers.ValidationError({"created_before": ["Must not be before created_after."]})
        return attrs
