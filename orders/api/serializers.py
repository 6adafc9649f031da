"""Orders API shapes: output serializers describe answers, input serializers requests.
Input serializers only validate; the views hand the data to the services. Money is a
decimal string both ways (DRF's DecimalField, never a float)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from arcontent.models import ARContent
from orders.links import customer_page_url
from orders.models import MAX_PRICE, MAX_QUANTITY, Order, OrderItem, OrderStatusChange, Product
from orders.payments.models import Payment
from orders.services import allowed_targets


class ProductSerializer(serializers.ModelSerializer[Product]):
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, max_value=MAX_PRICE)

    class Meta:
        model = Product
        fields = ["id", "name", "description", "kind", "term_years", "price", "currency", "vat_rate", "active",
                  "position", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]


class OrderItemSerializer(serializers.ModelSerializer[OrderItem]):
    class Meta:
        model = OrderItem
        fields = ["product", "name", "kind", "term_years", "unit_price", "quantity", "vat_rate", "line_total",
                  "vat_amount"]  # fmt: skip
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer[Order]):
    items = OrderItemSerializer(many=True, read_only=True)
    content: serializers.SlugRelatedField[ARContent] = serializers.SlugRelatedField(
        slug_field="unique_id",
        read_only=True,
        allow_null=True,
        help_text="The AR content this order made or renews (none yet for an unpaid order).",
    )
    allowed_transitions = serializers.SerializerMethodField()
    customer_page_url = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "number", "status", "source", "customer_name", "customer_email", "customer_phone",
                  "customer_language", "legal_name", "legal_tax_id", "delivery", "delivery_address",
                  "tracking_number", "currency", "total", "vat_total", "items", "content", "note",
                  "allowed_transitions", "customer_page_url", "payment_due_at", "paid_at", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = fields

    def get_allowed_transitions(self, order: Order) -> list[str]:
        return allowed_targets(order)

    def get_customer_page_url(self, order: Order) -> str:
        return customer_page_url(order.access_token)


class StatusChangeSerializer(serializers.ModelSerializer[OrderStatusChange]):
    # "" on the order's first entry (it had no status before it was made).
    from_status = serializers.ChoiceField(choices=Order.Status.choices, allow_blank=True, read_only=True)

    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "actor_kind", "actor_label", "note", "created_at"]
        read_only_fields = fields


# The states an order may be created in; named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
NEW_ORDER_STATUSES = [
    (Order.Status.DRAFT.value, Order.Status.DRAFT.label),
    (Order.Status.AWAITING_PAYMENT.value, Order.Status.AWAITING_PAYMENT.label),
]


@extend_schema_field(OpenApiTypes.INT)
class CompanyProductField(serializers.PrimaryKeyRelatedField[Product]):
    """A product id of the request's company; any other id reads as unknown."""

    default_error_messages = {"does_not_exist": "Unknown product.", "incorrect_type": "Unknown product."}

    def get_queryset(self) -> Any:
        return Product.objects.filter(company=self.context["company"])


class ItemInputSerializer(serializers.Serializer[Any]):
    product = CompanyProductField()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)


class ItemsInputSerializer(serializers.Serializer[Any]):
    items = ItemInputSerializer(many=True, allow_empty=False)


class OrderCreateSerializer(serializers.Serializer[Any]):
    customer_name = serializers.CharField(max_length=200)
    customer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    customer_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    customer_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, default="")
    legal_name = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    legal_tax_id = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    delivery = serializers.ChoiceField(choices=Order.Delivery.choices, default=Order.Delivery.PICKUP)
    delivery_address = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    items = ItemInputSerializer(many=True, allow_empty=False)
    content = serializers.UUIDField(required=False, allow_null=True, default=None,
                                    help_text="For a renewal: the unique_id of the AR content it extends.")  # fmt: skip
    status = serializers.ChoiceField(choices=NEW_ORDER_STATUSES, default=Order.Status.DRAFT)

    def validate_content(self, value: Any) -> ARContent | None:
        if value is None:
            return None
        content = ARContent.objects.filter(company=self.context["company"], unique_id=value).first()
        if content is None:
            raise serializers.ValidationError("Unknown AR content.")
        return content


class OrderUpdateSerializer(serializers.Serializer[Any]):
    customer_name = serializers.CharField(max_length=200, required=False)
    customer_email = serializers.EmailField(required=False, allow_blank=True)
    customer_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    customer_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    legal_name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    legal_tax_id = serializers.CharField(max_length=32, required=False, allow_blank=True)
    delivery = serializers.ChoiceField(choices=Order.Delivery.choices, required=False)
    delivery_address = serializers.CharField(required=False, allow_blank=True)
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class TransitionSerializer(serializers.Serializer[Any]):
    to = serializers.ChoiceField(choices=Order.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


MANUAL_METHODS = [(v, label) for v, label in Payment.Method.choices if v != Payment.Method.ONLINE]


class MarkPaidSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    method = serializers.ChoiceField(choices=MANUAL_METHODS, required=False, default=Payment.Method.CASH,
                                     help_text="How staff took the money.")  # fmt: skip
