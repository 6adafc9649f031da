"""Money of an order, computed in one place: line totals, the VAT inside them, the order's
totals. Decimal only; amounts are rounded to kopecks (cents) half up, per line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from orders.models import VatRate

CENT = Decimal("0.01")


def to_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_percent(rate: str) -> Decimal:
    """The rate as a number of percent (``none`` is 0)."""
    return Decimal(0) if rate == VatRate.NONE else Decimal(rate)


@dataclass(frozen=True)
class Line:
    unit_price: Decimal
    quantity: int
    vat_rate: str

    @property
    def total(self) -> Decimal:
        return to_money(self.unit_price * self.quantity)

    @property
    def vat_amount(self) -> Decimal:
        """The VAT included in the line total: total × rate / (100 + rate)."""
        percent = vat_percent(self.vat_rate)
        return to_money(self.total * percent / (100 + percent)) if percent else Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    total: Decimal
    vat_total: Decimal


def order_totals(lines: Iterable[Line]) -> Totals:
    lines = list(lines)
    return Totals(
        total=sum((line.total for line in lines), Decimal("0.00")),
        vat_total=sum((line.vat_amount for line in lines), Decimal("0.00")),
    )
