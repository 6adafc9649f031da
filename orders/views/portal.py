"""Staff pages for orders under /c/<company_slug>/: the list (status tabs, search,
filters, CSV), one order with the moves its status allows, the walk-in order form, the
price list and a customer's history. Rows come from the request's company; every write
goes through the same services as the API."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView

from arcontent.models import ARContent
from arvlite.core.roles import Role, role_allows
from arvlite.core.tenancy import company_scope
from companies.portal import CompanyPortalMixin
from orders import selectors, services
from orders.forms import (
    OrderCreateForm,
    OrderFilterForm,
    OrderPhotoForm,
    ProductForm,
    TrackingForm,
    TransitionForm,
)
from orders.invoices.models import Invoice
from orders.invoices.services import ISSUABLE
from orders.links import customer_page_path
from orders.models import Order, Product
from orders.payments.services import manual_payment_record
from orders.storefront import order_files_attach
from projects.forms import add_service_errors

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 25
Status = Order.Status
# The button each target status gets on the order page.
MOVE_LABELS: dict[str, StrOrPromise] = {
    Status.AWAITING_PAYMENT: _("Ask for payment"),
    Status.PAID: _("Mark paid"),
    Status.IN_PRODUCTION: _("Start production"),
    Status.SHIPPED: _("Mark shipped"),
    Status.COMPLETED: _("Complete"),
    Status.CANCELLED: _("Cancel the order"),
    Status.REFUNDED: _("Mark refunded"),
}
DANGEROUS_MOVES = frozenset({Status.CANCELLED, Status.REFUNDED})


class OrdersPortalMixin(CompanyPortalMixin):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = role_allows(self.membership.role, Role.EDITOR)
        return context


class OrderPageMixin(OrdersPortalMixin):
    @cached_property
    def order(self) -> Order:
        return selectors.order_get(company=self.company, order_id=self.kwargs["pk"])

    def back_to_order(self) -> HttpResponse:
        return redirect("order-detail-page", company_slug=self.company.slug, pk=self.order.pk)


# --- the list ---------------------------------------------------------------------------------


class _FilteredOrders(OrdersPortalMixin):
    request: HttpRequest

    @cached_property
    def filter_form(self) -> OrderFilterForm:
        products = Product.objects.filter(company=self.company).order_by("position", "id")
        return OrderFilterForm(self.request.GET, products=products)

    def filtered_orders(self) -> QuerySet[Order]:
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        product = data.get("product")
        filters = selectors.OrderFilters(
            status=data.get("status") or "",
            search=data.get("search") or "",
            created_after=data.get("created_after"),
            created_before=data.get("created_before"),
            product=product.pk if product else None,
        )
        return selectors.order_list(company=self.company, filters=filters)


class OrderListView(_FilteredOrders, ListView):
    template_name = "orders/order_list.html"
    context_object_name = "orders"
    paginate_by = PAGE_SIZE
    read_role = Role.VIEWER

    def get_queryset(self) -> QuerySet[Order]:
        return self.filtered_orders()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        counts = selectors.status_counts(company=self.company)
        current = self.request.GET.get("status", "")
        context.update(
            filter_form=self.filter_form,
            tabs=[("", _("All"), sum(counts.values()), current == "")]
            + [(value, label, counts[value], current == value) for value, label in Status.choices],
            has_orders=sum(counts.values()) > 0,
            export_query=self.request.GET.urlencode(),
        )
        return context


CSV_COLUMNS = [
    (_("Number"), lambda order: order.number),
    (_("Created"), lambda order: timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M")),
    (_("Status"), lambda order: order.get_status_display()),
    (_("Customer"), lambda order: order.customer_name),
    (_("E-mail"), lambda order: order.customer_email),
    (_("Phone"), lambda order: order.customer_phone),
    (_("Customer company"), lambda order: order.legal_name),
    (_("Items"), lambda order: "; ".join(f"{item.name} × {item.quantity}" for item in order.items.all())),
    (_("Total"), lambda order: f"{order.total}"),
    (_("VAT"), lambda order: f"{order.vat_total}"),
    (_("Currency"), lambda order: order.currency),
    (_("Source"), lambda order: order.get_source_display()),
    (_("Paid at"), lambda order: timezone.localtime(order.paid_at).strftime("%Y-%m-%d %H:%M") if order.paid_at else ""),
]  # fmt: skip


def csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (customers type these fields)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class EchoBuffer:
    def write(self, value: str) -> str:
        return value


class OrderExportView(_FilteredOrders, View):
    """The filtered list as CSV, streamed in chunks so a large export stays small in memory."""

    read_role = Role.VIEWER
    write_role = None

    def get(self, request: HttpRequest, **kwargs: Any) -> StreamingHttpResponse:
        writer = csv.writer(EchoBuffer(), lineterminator="\r\n")

        def rows() -> Iterator[str]:
            yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
            yield writer.writerow([str(title) for title, _value in CSV_COLUMNS])
            # The body streams after the view returned, outside the page's company scope.
            with company_scope(self.company):
                for order in self.filtered_orders().iterator(chunk_size=500):
                    yield writer.writerow([csv_safe(value(order)) for _title, value in CSV_COLUMNS])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        name = f"orders-{self.company.slug}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- one order --------------------------------------------------------------------------------


class OrderDetailView(OrderPageMixin, FormView):
    """The order; editors also get its moves, the tracking form and the photo form."""

    template_name = "orders/order_detail.html"
    form_class = TrackingForm
    read_role = Role.VIEWER
    write_role = Role.EDITOR

    def get_initial(self) -> dict[str, Any]:
        return {"tracking_number": self.order.tracking_number}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        order = self.order
        invoice = Invoice.objects.filter(order=order).first()
        context.update(
            order=order,
            items=list(order.items.all()),
            history=list(order.status_changes.all()),
            customer_page=customer_page_path(order.access_token),
            moves=[(to, MOVE_LABELS[to], to in DANGEROUS_MOVES) for to in services.allowed_targets(order)],
            move_targets=services.allowed_targets(order),
            payment_methods=TransitionForm.base_fields["method"].choices,  # type: ignore[attr-defined]
            payments=list(order.payments.prefetch_related("refunds")),
            can_manage=role_allows(self.membership.role, Role.MANAGER),
            refund_request_key=uuid.uuid4().hex,
            invoice=invoice,
            credit_notes=list(invoice.credit_notes.all()) if invoice else [],
            can_issue_invoice=invoice is None and order.status in ISSUABLE and order.total > 0,
            photo_form=OrderPhotoForm() if _needs_photo(order) else None,
            customer_history_count=selectors.customer_orders(
                company=self.company, email=order.customer_email, phone=order.customer_phone
            ).count(),
        )
        return context

    def form_valid(self, form: TrackingForm) -> HttpResponse:
        try:
            services.order_update(
                order=self.order,
                actor=self.request.user,
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Tracking number saved."))
        return self.back_to_order()


def _needs_photo(order: Order) -> bool:
    """A living-photo order still waiting for the customer's photo."""
    return (
        order.content_id is None
        and order.status not in (Status.CANCELLED, Status.REFUNDED)
        and any(item.kind == Product.Kind.LIVING_PHOTO for item in order.items.all())
    )


class OrderMoveView(OrderPageMixin, View):
    """The order page's status buttons POST here; "paid" records a manual payment."""

    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a status to move the order to."))
            return self.back_to_order()
        to, note = form.cleaned_data["to"], form.cleaned_data["note"]
        try:
            if to == Status.PAID:
                order = manual_payment_record(
                    order=self.order,
                    actor=request.user,
                    method=form.cleaned_data["method"] or "cash",
                    note=note,
                )
            else:
                order = services.order_transition(order=self.order, actor=request.user, to=to, note=note)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back_to_order()
        messages.success(
            request, _("The order is now %(status)s.") % {"status": order.get_status_display().lower()}
        )
        return self.back_to_order()


class OrderPhotoView(OrderPageMixin, View):
    """A walk-in living-photo order gets the customer's photo (and video) here."""

    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = OrderPhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return self.back_to_order()
        photo, video = form.cleaned_data["photo"], form.cleaned_data.get("video")
        try:
            order_files_attach(
                order=self.order, actor=request.user, photo=photo, photo_name=photo.name,
                video_upload=video, video_name=video.name if video else "",
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The photo is attached to the order."))
        return self.back_to_order()


class OrderCreateView(OrdersPortalMixin, FormView):
    """An order for a walk-in customer: products, and for a renewal the content it extends."""

    template_name = "orders/order_create.html"
    form_class = OrderCreateForm
    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "products": selectors.active_products(company=self.company)}

    def get_initial(self) -> dict[str, Any]:
        return {"content": self.request.GET.get("content") or None}

    def form_valid(self, form: OrderCreateForm) -> HttpResponse:
        data = form.cleaned_data
        content = None
        if data["content"]:
            content = ARContent.objects.filter(company=self.company, unique_id=data["content"]).first()
            if content is None:
                form.add_error("content", _("Unknown AR content."))
                return self.form_invalid(form)
        try:
            order = services.order_create(
                company=self.company,
                actor=self.request.user,
                status=Status.AWAITING_PAYMENT if data["awaiting_payment"] else Status.DRAFT,
                data=services.OrderInput(
                    customer_name=data["customer_name"],
                    customer_email=data["customer_email"],
                    customer_phone=data["customer_phone"],
                    customer_language=data["customer_language"],
                    legal_name=data["legal_name"],
                    legal_tax_id=data["legal_tax_id"],
                    delivery=data["delivery"],
                    delivery_address=data["delivery_address"],
                    note=data["note"],
                    content=content,
                    items=[services.ItemInput(product=p, quantity=q) for p, q in form.items()],
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Order %(number)s created.") % {"number": order.number})
        return redirect("order-detail-page", company_slug=self.company.slug, pk=order.pk)


class CustomerHistoryView(OrdersPortalMixin, ListView):
    """Every order of one customer, by e-mail or phone (either matches)."""

    template_name = "orders/customer_history.html"
    context_object_name = "orders"
    paginate_by = PAGE_SIZE
    read_role = Role.VIEWER

    def get_queryset(self) -> QuerySet[Order]:
        return selectors.customer_orders(
            company=self.company,
            email=self.request.GET.get("email", "")[:254],
            phone=self.request.GET.get("phone", "")[:32],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(email=self.request.GET.get("email", ""), phone=self.request.GET.get("phone", ""))
        return context


# --- the price list ---------------------------------------------------------------------------


class ProductListView(OrdersPortalMixin, ListView):
    template_name = "orders/product_list.html"
    context_object_name = "products"
    paginate_by = 100
    read_role = Role.VIEWER

    def get_queryset(self) -> QuerySet[Product]:
        return Product.objects.filter(company=self.company).order_by("position", "id")


class _ProductFormView(OrdersPortalMixin, FormView):
    template_name = "orders/product_form.html"
    form_class = ProductForm
    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def to_price_list(self) -> HttpResponse:
        return redirect("product-list-page", company_slug=self.company.slug)

    def refused(self, form: BaseForm, error: ValidationError) -> HttpResponse:
        add_service_errors(form, error)
        return self.form_invalid(form)


class ProductCreateView(_ProductFormView):
    def get_initial(self) -> dict[str, Any]:
        return {"currency": "RUB", "kind": Product.Kind.LIVING_PHOTO, "term_years": 1, "active": True}

    def form_valid(self, form: ProductForm) -> HttpResponse:
        fields = {name: form.cleaned_data[name] for name in ProductForm.Meta.fields}
        try:
            product = services.product_create(company=self.company, actor=self.request.user, **fields)
        except ValidationError as error:
            return self.refused(form, error)
        messages.success(self.request, _("“%(name)s” added to the price list.") % {"name": product.name})
        return self.to_price_list()


class ProductEditView(_ProductFormView):
    @cached_property
    def product(self) -> Product:
        return get_object_or_404(Product, company=self.company, pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        # A copy: the form must not change the row the service locks and compares.
        return {**super().get_form_kwargs(), "instance": Product.objects.get(pk=self.product.pk)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "product": self.product}

    def form_valid(self, form: ProductForm) -> HttpResponse:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.product_update(product=self.product, actor=self.request.user, **changes)
        except ValidationError as error:
            return self.refused(form, error)
        messages.success(self.request, _("Price list saved."))
        return self.to_price_list()


class ProductDeleteView(OrdersPortalMixin, View):
    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        product = get_object_or_404(Product, company=self.company, pk=kwargs["pk"])
        services.product_delete(product=product, actor=request.user)
        messages.success(request, _("“%(name)s” removed from the price list.") % {"name": product.name})
        return redirect(reverse("product-list-page", kwargs={"company_slug": self.company.slug}))
