"""Public pages of the orders app: the storefront and the customer's order page."""

from django.urls import path

from orders.views import customer

urlpatterns = [
    path("orders/<str:token>/", customer.customer_page, name="order-customer-page"),
]
