"""Staff pages for the money side of orders under /c/<company_slug>/: refunds and held
payments on the order page, issuing the invoice, the invoices and credit notes list with
PDF downloads, and the month's payments as CSV. Every write goes through the services."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from orders.forms import DocumentFilterForm, PaymentReportForm, RefundForm
from orders.invoices.downloads import document_pdf_response
from orders.invoices.models import CreditNote, Invoice, IssuedDocument
from orders.invoices.selectors import document_list
from orders.invoices.services import invoice_issue
from orders.payments import services as payments
from orders.payments.models import Payment
from orders.payments.providers.base import ProviderError, ProviderUnavailableError
from orders.views.portal import PAGE_SIZE, EchoBuffer, OrderPageMixin, OrdersPortalMixin, csv_safe


def _provider_message(error: ProviderError) -> str:
    if isinstance(error, ProviderUnavailableError):
        return _("The payment service did not answer. It will be asked again; nothing was done twice.")
    return _("The payment service refused: %(reason)s") % {"reason": error}


class _PaymentActionView(OrderPageMixin, View):
    read_role = Role.MANAGER
    write_role = Role.MANAGER

    def payment(self) -> Payment:
        return get_object_or_404(Payment, order=self.order, pk=self.kwargs["payment"])


class PaymentRefundView(_PaymentActionView):
    """The refund form under a payment on the order page (managers: money leaves)."""

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = RefundForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return self.back_to_order()
        try:
            refund = payments.payment_refund(payment=self.payment(), amount=form.cleaned_data["amount"],
                                             actor=request.user, reason=form.cleaned_data["reason"],
                                             request_key=form.cleaned_data["request_key"] or None)  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ProviderError as error:
            messages.error(request, _provider_message(error))
        else:
            done = refund.status == refund.Status.SUCCEEDED
            text = (
                _("Refunded %(amount)s %(currency)s.")
                if done
                else _(
                    "The refund of %(amount)s %(currency)s is sent; the payment service has not confirmed it yet."
                )
            )
            messages.success(request, text % {"amount": refund.amount, "currency": refund.payment.currency})
        return self.back_to_order()


class PaymentHoldView(_PaymentActionView):
    """Capture or release the money held by a two-stage payment."""

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        capture = request.POST.get("decision") == "capture"
        try:
            action = payments.payment_capture if capture else payments.payment_cancel_hold
            action(payment=self.payment(), actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ProviderError as error:
            messages.error(request, _provider_message(error))
        else:
            messages.success(
                request, _("The payment is taken.") if capture else _("The held money is released.")
            )
        return self.back_to_order()


class InvoiceIssueView(OrderPageMixin, View):
    read_role = Role.EDITOR
    write_role = Role.EDITOR

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            invoice = invoice_issue(order=self.order, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Invoice %(number)s is issued.") % {"number": invoice.number})
        return self.back_to_order()


class DocumentListView(OrdersPortalMixin, ListView):
    """Invoices or credit notes, newest first, with year and search filters."""

    template_name = "orders/document_list.html"
    paginate_by = PAGE_SIZE
    read_role = Role.VIEWER
    write_role = Role.VIEWER

    def filter_form(self) -> DocumentFilterForm:
        form = DocumentFilterForm(self.request.GET)
        form.is_valid()
        return form

    def get_queryset(self) -> QuerySet[Any]:
        data = getattr(self.filter_form(), "cleaned_data", {})
        model: type[IssuedDocument] = CreditNote if data.get("kind") == "credit_notes" else Invoice
        return document_list(
            company=self.company, model=model, year=data.get("year"), search=data.get("q") or ""
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = self.filter_form()
        kind = getattr(form, "cleaned_data", {}).get("kind") or "invoices"
        return super().get_context_data(**kwargs) | {
            "filter_form": form, "kind": kind, "month": timezone.localdate().strftime("%Y-%m"),
        }  # fmt: skip


class DocumentPdfView(OrdersPortalMixin, View):
    read_role = Role.VIEWER
    write_role = Role.VIEWER

    def get(self, request: HttpRequest, **kwargs: Any) -> FileResponse:
        model = {"invoice": Invoice, "credit-note": CreditNote}.get(kwargs["kind"])
        if model is None:
            raise Http404
        document = get_object_or_404(model._default_manager.filter(company=self.company), pk=kwargs["pk"])
        return document_pdf_response(document)


REPORT_COLUMNS = ("paid_at", "order", "customer", "provider", "method", "status", "amount", "refunded",
                  "currency", "provider_payment_id")  # fmt: skip


class PaymentReportView(OrdersPortalMixin, View):
    """The month's received payments as CSV (for the accountant)."""

    read_role = Role.MANAGER
    write_role = Role.MANAGER

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        form = PaymentReportForm(
            {"month": request.GET.get("month") or timezone.localdate().strftime("%Y-%m")}
        )
        if not form.is_valid():
            return HttpResponse(
                " ".join(str(e) for e in form.errors["month"]),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1)
        company = self.company

        def rows() -> Iterator[str]:
            writer = csv.writer(EchoBuffer())
            yield "\ufeff" + writer.writerow(REPORT_COLUMNS)
            with company_scope(company):  # the response streams after the view returns
                paid = (
                    Payment.objects.filter(
                        company=company, succeeded_at__date__gte=start, succeeded_at__date__lt=end
                    )
                    .select_related("order")
                    .order_by("succeeded_at", "id")
                )
                for payment in paid.iterator(chunk_size=500):
                    yield writer.writerow([
                        timezone.localtime(payment.succeeded_at).isoformat(timespec="seconds")
                        if payment.succeeded_at else "",
                        payment.order.number, csv_safe(payment.order.customer_name), payment.provider,
                        payment.method, payment.status, f"{payment.amount:.2f}", f"{payment.refunded_amount:.2f}",
                        payment.currency, payment.provider_payment_id,
                    ])  # fmt: skip

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="payments-{company.slug}-{start:%Y-%m}.csv"'
        return response
