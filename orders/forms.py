"""Forms of the orders pages: the storefront's order form, and the staff portal's filters,
order, product and action forms. They validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from orders.models import MAX_PRICE, MAX_QUANTITY, Order, Payment, Product

# --- the storefront ---------------------------------------------------------------------------


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.price} {obj.currency}"


class StorefrontOrderForm(forms.Form):
    """What a customer fills in on /shop/<slug>/. ``website`` is a honeypot: hidden from
    people, filled by form-spamming bots."""

    product = ProductChoiceField(label=_("Living photo"), queryset=Product.objects.none(),
                                 widget=forms.RadioSelect, empty_label=None)  # fmt: skip
    extras = forms.ModelMultipleChoiceField(
        label=_("Add to the order"), queryset=Product.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    customer_name = forms.CharField(label=_("Your name"), max_length=200)
    customer_email = forms.EmailField(label=_("E-mail"), help_text=_("Your order link is sent here."))
    customer_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Order.Delivery.choices, initial=Order.Delivery.PICKUP,
                                 widget=forms.RadioSelect)  # fmt: skip
    delivery_address = forms.CharField(label=_("Delivery address"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    photo = forms.FileField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP: the picture that will be printed.")
    )
    video_upload = forms.UUIDField(required=False, widget=forms.HiddenInput)
    video = forms.FileField(label=_("Video"), required=False,
                            help_text=_("The video that plays on the photo (MP4, MOV or WebM)."))  # fmt: skip
    note = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    consent = forms.BooleanField(
        label=_("I agree to the terms and to my data being processed for this order.")
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        product_field = self.fields["product"]
        extras_field = self.fields["extras"]
        assert isinstance(product_field, forms.ModelChoiceField)
        assert isinstance(extras_field, forms.ModelMultipleChoiceField)
        product_field.queryset = products.filter(kind=Product.Kind.LIVING_PHOTO)
        extras_field.queryset = products.filter(kind=Product.Kind.PRINTED_COPY)
        for name in ("customer_name", "customer_email", "customer_phone"):
            self.fields[name].widget.attrs["autocomplete"] = {"customer_name": "name",
                                                              "customer_email": "email",
                                                              "customer_phone": "tel"}[name]  # fmt: skip
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        self.fields["video"].widget.attrs["accept"] = "video/*"
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("video_upload") and not cleaned.get("video") and "video" not in self.errors:
            self.add_error("video", _("Choose the video to play on the photo."))
        return cleaned


# --- the staff portal -------------------------------------------------------------------------


class OrderFilterForm(forms.Form):
    search = forms.CharField(label=_("Number, name, e-mail or phone"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Order.Status.choices]
    )
    product = forms.ModelChoiceField(label=_("Product"), required=False, queryset=Product.objects.none(),
                                     empty_label=_("All products"))  # fmt: skip
    created_after = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_before = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        product_field = self.fields["product"]
        assert isinstance(product_field, forms.ModelChoiceField)
        product_field.queryset = products


class OrderCreateForm(forms.Form):
    """A walk-in customer's order: customer fields, then up to ITEM_ROWS product lines."""

    ITEM_ROWS = 4

    customer_name = forms.CharField(label=_("Customer's name"), max_length=200)
    customer_email = forms.EmailField(label=_("E-mail"), required=False)
    customer_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    customer_language = forms.ChoiceField(label=_("Language of the e-mails"), choices=Order._meta.get_field(
        "customer_language").choices, initial="ru")  # type: ignore[arg-type]  # fmt: skip
    legal_name = forms.CharField(label=_("Customer company (B2B)"), max_length=300, required=False)
    legal_tax_id = forms.CharField(label=_("Its tax id"), max_length=32, required=False)
    delivery = forms.ChoiceField(
        label=_("Delivery"), choices=Order.Delivery.choices, initial=Order.Delivery.PICKUP
    )
    delivery_address = forms.CharField(label=_("Delivery address"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    content = forms.UUIDField(label=_("AR content to renew (its id)"), required=False,
                              help_text=_("Only for a renewal: the unique id shown on the content's page."))  # fmt: skip
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    awaiting_payment = forms.BooleanField(label=_("Ask for payment now (otherwise a draft)"), required=False)

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(self.ITEM_ROWS):
            self.fields[f"product_{row}"] = forms.ModelChoiceField(
                label=_("Product"), queryset=products, required=row == 0, empty_label="—"
            )
            self.fields[f"quantity_{row}"] = forms.IntegerField(
                label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1, required=False
            )

    def item_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"product_{row}"], self[f"quantity_{row}"]) for row in range(self.ITEM_ROWS)]

    def items(self) -> list[tuple[Product, int]]:
        rows = []
        for row in range(self.ITEM_ROWS):
            product = self.cleaned_data.get(f"product_{row}")
            if product is not None:
                rows.append((product, self.cleaned_data.get(f"quantity_{row}") or 1))
        return rows


class ProductForm(forms.ModelForm):
    price = forms.DecimalField(
        label=_("Price"), max_digits=12, decimal_places=2, min_value=0, max_value=MAX_PRICE
    )

    class Meta:
        model = Product
        fields = [
            "name",
            "kind",
            "term_years",
            "price",
            "currency",
            "vat_rate",
            "description",
            "position",
            "active",
        ]


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Order.Status.choices)
    note = forms.CharField(required=False, max_length=2000)
    method = forms.ChoiceField(
        required=False,
        choices=[(v, label) for v, label in Payment.Method.choices if v != Payment.Method.ONLINE],
    )


class TrackingForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)


class OrderPhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP: the picture that will be printed.")
    )
    video = forms.FileField(label=_("Video"), required=False,
                            help_text=_("The video that plays on the photo (MP4, MOV or WebM)."))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        self.fields["video"].widget.attrs["accept"] = "video/*"


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    reason = forms.CharField(label=_("Reason"), max_length=250, required=False)
    # One per rendered form: a double click or a resubmitted page makes one refund.
    request_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class DocumentFilterForm(forms.Form):
    KINDS = (("invoices", _("Invoices")), ("credit_notes", _("Credit notes")))

    kind = forms.ChoiceField(choices=KINDS, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class PaymentReportForm(forms.Form):
    month = forms.RegexField(label=_("Month"), regex=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$", max_length=7,
                             error_messages={"invalid": _("Give the month as YYYY-MM.")})  # fmt: skip
