"""Public pages of the orders app: the storefront (with its upload and photo-check
endpoints) and the customer's order page."""

from django.urls import path

from orders.views import customer, payment, storefront

SHOP = "shop/<slug:slug>/"

urlpatterns = [
    path(SHOP, storefront.shop_page, name="shop-page"),
    path(f"{SHOP}photo-check/", storefront.ShopPhotoCheckView.as_view(), name="shop-photo-check"),
    path(f"{SHOP}uploads/", storefront.ShopUploadListView.as_view(), name="shop-upload-list"),
    path(
        f"{SHOP}uploads/<uuid:upload_id>/",
        storefront.ShopUploadDetailView.as_view(),
        name="shop-upload-detail",
    ),
    path("orders/<str:token>/", customer.customer_page, name="order-customer-page"),
    path("orders/<str:token>/renew/", customer.customer_renew, name="order-customer-renew"),
    path(
        "orders/<str:token>/documents/<slug:kind>/<int:pk>/",
        customer.customer_document,
        name="order-customer-document",
    ),
    path("orders/<str:token>/pay/", payment.customer_pay, name="order-customer-pay"),
    path("orders/<str:token>/status/", payment.customer_status, name="order-customer-status"),
    path("payments/sandbox/<uuid:charge_id>/", payment.sandbox_page, name="payment-sandbox-page"),
]
