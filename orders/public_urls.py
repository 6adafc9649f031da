"""Public pages of the orders app: the customer's order page."""

from django.urls import path

from orders.views import customer

urlpatterns = [
    path("orders/<str:token>/", customer.customer_page, name="order-customer-page"),
    path("orders/<str:token>/renew/", customer.customer_renew, name="order-customer-renew"),
]
