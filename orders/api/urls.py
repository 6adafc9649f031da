"""Orders API routes under /api/v1/companies/<slug>/."""

from django.urls import path

from orders.api import money, views
from orders.payments.webhooks import PaymentWebhookView

PREFIX = "companies/<slug:company_slug>/"
products = views.ProductViewSet.as_view({"get": "list", "post": "create"})
product = views.ProductViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})
orders = views.OrderViewSet.as_view({"get": "list", "post": "create"})
order = views.OrderViewSet.as_view({"get": "retrieve", "patch": "partial_update"})

urlpatterns = [
    path(f"{PREFIX}products/", products, name="product-list"),
    path(f"{PREFIX}products/<int:pk>/", product, name="product-detail"),
    path(f"{PREFIX}orders/", orders, name="order-list"),
    path(f"{PREFIX}orders/<int:pk>/", order, name="order-detail"),
    path(f"{PREFIX}orders/<int:pk>/items/", views.OrderViewSet.as_view({"put": "items"}), name="order-items"),
    path(
        f"{PREFIX}orders/<int:pk>/transition/",
        views.OrderViewSet.as_view({"post": "transition"}),
        name="order-transition",
    ),
    path(
        f"{PREFIX}orders/<int:pk>/mark-paid/",
        views.OrderViewSet.as_view({"post": "mark_paid"}),
        name="order-mark-paid",
    ),
    path(
        f"{PREFIX}orders/<int:pk>/history/",
        views.OrderViewSet.as_view({"get": "history"}),
        name="order-history",
    ),
]

invoices = money.InvoiceViewSet.as_view({"get": "list", "post": "create"})
credit_notes = money.CreditNoteViewSet.as_view({"get": "list"})
urlpatterns += [
    path(
        f"{PREFIX}orders/<int:pk>/payments/",
        money.OrderPaymentsView.as_view({"get": "list", "post": "create"}),
        name="order-payments",
    ),
    path(
        f"{PREFIX}payments/<int:pk>/refund/",
        money.PaymentActionsView.as_view({"post": "refund"}),
        name="payment-refund",
    ),
    path(
        f"{PREFIX}payments/<int:pk>/capture/",
        money.PaymentActionsView.as_view({"post": "capture"}),
        name="payment-capture",
    ),
    path(
        f"{PREFIX}payments/<int:pk>/release/",
        money.PaymentActionsView.as_view({"post": "release"}),
        name="payment-release",
    ),
    path(f"{PREFIX}invoices/", invoices, name="invoice-list"),
    path(
        f"{PREFIX}invoices/<int:pk>/",
        money.InvoiceViewSet.as_view({"get": "retrieve"}),
        name="invoice-detail",
    ),
    path(f"{PREFIX}invoices/<int:pk>/pdf/", money.InvoiceViewSet.as_view({"get": "pdf"}), name="invoice-pdf"),
    path(f"{PREFIX}credit-notes/", credit_notes, name="credit-note-list"),
    path(
        f"{PREFIX}credit-notes/<int:pk>/",
        money.CreditNoteViewSet.as_view({"get": "retrieve"}),
        name="credit-note-detail",
    ),
    path(
        f"{PREFIX}credit-notes/<int:pk>/pdf/",
        money.CreditNoteViewSet.as_view({"get": "pdf"}),
        name="credit-note-pdf",
    ),
]

urlpatterns += [
    path("payments/webhooks/<slug:provider>/", PaymentWebhookView.as_view(), name="payment-webhook"),
]
