"""Orders API routes under /api/v1/companies/<slug>/."""

from django.urls import path

from orders.api import views
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

urlpatterns += [
    path("payments/webhooks/<slug:provider>/", PaymentWebhookView.as_view(), name="payment-webhook"),
]
