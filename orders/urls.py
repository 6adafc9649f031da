"""Order portal pages under /c/<company_slug>/."""

from django.urls import path

from orders.views import money, portal

PREFIX = "c/<slug:company_slug>/"

urlpatterns = [
    path(f"{PREFIX}orders/", portal.OrderListView.as_view(), name="order-list-page"),
    path(f"{PREFIX}orders/export/", portal.OrderExportView.as_view(), name="order-export-page"),
    path(f"{PREFIX}orders/new/", portal.OrderCreateView.as_view(), name="order-create-page"),
    path(f"{PREFIX}orders/customer/", portal.CustomerHistoryView.as_view(), name="customer-history-page"),
    path(f"{PREFIX}orders/<int:pk>/", portal.OrderDetailView.as_view(), name="order-detail-page"),
    path(f"{PREFIX}orders/<int:pk>/move/", portal.OrderMoveView.as_view(), name="order-move-page"),
    path(f"{PREFIX}orders/<int:pk>/photo/", portal.OrderPhotoView.as_view(), name="order-photo-page"),
    path(
        f"{PREFIX}orders/<int:pk>/payments/<int:payment>/refund/",
        money.PaymentRefundView.as_view(),
        name="payment-refund-page",
    ),
    path(
        f"{PREFIX}orders/<int:pk>/payments/<int:payment>/hold/",
        money.PaymentHoldView.as_view(),
        name="payment-hold-page",
    ),
    path(f"{PREFIX}orders/<int:pk>/invoice/", money.InvoiceIssueView.as_view(), name="invoice-issue-page"),
    path(f"{PREFIX}invoices/", money.DocumentListView.as_view(), name="document-list-page"),
    path(
        f"{PREFIX}invoices/<slug:kind>/<int:pk>/pdf/",
        money.DocumentPdfView.as_view(),
        name="document-pdf-page",
    ),
    path(f"{PREFIX}payments/report/", money.PaymentReportView.as_view(), name="payment-report-page"),
    path(f"{PREFIX}price-list/", portal.ProductListView.as_view(), name="product-list-page"),
    path(f"{PREFIX}price-list/new/", portal.ProductCreateView.as_view(), name="product-create-page"),
    path(f"{PREFIX}price-list/<int:pk>/", portal.ProductEditView.as_view(), name="product-edit-page"),
    path(
        f"{PREFIX}price-list/<int:pk>/delete/", portal.ProductDeleteView.as_view(), name="product-delete-page"
    ),
]
