"""The sentences of orders', payments' and invoices' audit actions (see companies.activity)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from companies.activity import Sentence, activity_sentences_register
from companies.models import AuditEntry
from orders.models import Order


def _payment(entry: AuditEntry) -> str:
    # A payment is stored as "<provider> <amount> <currency> (<status>)": the status at
    # the time would contradict the sentence ("refunded … (succeeded)").
    return re.sub(r" \([^)]*\)$", "", entry.target_repr)


_ORDER_STATUS = {
    Order.Status.DRAFT: Sentence(_("{actor} returned the order {target} to draft"), _("The order {target} was returned to draft")),
    Order.Status.AWAITING_PAYMENT: Sentence(_("{actor} sent the order {target} for payment"), _("The order {target} awaits payment")),
    Order.Status.PAID: Sentence(_("{actor} marked the order {target} as paid"), _("The order {target} was paid")),
    Order.Status.IN_PRODUCTION: Sentence(_("{actor} put the order {target} into production"), _("The order {target} went into production")),
    Order.Status.SHIPPED: Sentence(_("{actor} shipped the order {target}"), _("The order {target} was shipped")),
    Order.Status.COMPLETED: Sentence(_("{actor} completed the order {target}"), _("The order {target} was completed")),
    Order.Status.CANCELLED: Sentence(_("{actor} cancelled the order {target}"), _("The order {target} was cancelled")),
    Order.Status.REFUNDED: Sentence(_("{actor} refunded the order {target}"), _("The order {target} was refunded")),
}  # fmt: skip


def register_activity_sentences() -> None:
    activity_sentences_register({f"order.{status}": sentence for status, sentence in _ORDER_STATUS.items()})
    activity_sentences_register({
        "order.create": Sentence(_("{actor} created the order {target}"), _("The order {target} was placed")),
        "order.update": Sentence(_("{actor} edited the order {target}"), _("The order {target} was edited")),
        "order.items": Sentence(_("{actor} changed the items of the order {target}"), _("The items of the order {target} were changed")),
        "order.photo": Sentence(_("{actor} added a photo to the order {target}"), _("A photo was added to the order {target}")),
        "product.create": Sentence(_("{actor} added the product {target}"), _("The product {target} was added")),
        "product.update": Sentence(_("{actor} edited the product {target}"), _("The product {target} was edited")),
        "product.delete": Sentence(_("{actor} deleted the product {target}"), _("The product {target} was deleted")),
        "invoice.issue": Sentence(_("{actor} issued the invoice {target}"), _("The invoice {target} was issued")),
        "credit_note.issue": Sentence(_("{actor} issued the credit note {target}"), _("The credit note {target} was issued")),
        "payment.capture": Sentence(_("{actor} captured the payment {target}"), _("The payment {target} was captured"), target=_payment),
        "payment.manual": Sentence(_("{actor} recorded the payment {target}"), _("The payment {target} was recorded"), target=_payment),
        "payment.refund": Sentence(_("{actor} refunded the payment {target}"), _("The payment {target} was refunded"), target=_payment),
    })  # fmt: skip
