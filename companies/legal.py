"""Russian legal and bank identifiers checked by their check digits (INN, OGRN, KPP, BIK,
settlement and correspondent accounts), so a typo is caught in the settings form rather
than on a printed invoice. The algorithms are the Federal Tax Service's and the Bank of
Russia's published ones."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_ACCOUNT_WEIGHTS = ((7, 1, 3) * 8)[:23]  # over the 3 BIK digits and the 20 of the account
_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def _weighted_check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(value: str) -> bool:
    if not value.isdigit():
        return False
    if len(value) == 10:
        return _weighted_check(value, _INN10_WEIGHTS) == int(value[9])
    if len(value) == 12:
        return _weighted_check(value, _INN11_WEIGHTS) == int(value[10]) and _weighted_check(
            value, _INN12_WEIGHTS
        ) == int(value[11])
    return False


def validate_tax_id(value: str) -> None:
    """A Russian INN (10 digits for an organisation, 12 for a person) must pass its check
    digits; an id with letters is taken as a foreign VAT number and left alone."""
    if value.isdigit() and not inn_is_valid(value):
        raise ValidationError(_("This INN is not valid: check its digits (10 or 12)."), code="inn")


def validate_kpp(value: str) -> None:
    if not _KPP.match(value):
        raise ValidationError(_("A KPP has 9 characters, e.g. 773601001."), code="kpp")


def validate_ogrn(value: str) -> None:
    """OGRN (13 digits) or OGRNIP (15 digits) with its check digit."""
    ok = value.isdigit() and (
        (len(value) == 13 and int(value[:12]) % 11 % 10 == int(value[12]))
        or (len(value) == 15 and int(value[:14]) % 13 % 10 == int(value[14]))
    )
    if not ok:
        raise ValidationError(_("This OGRN is not valid: check its digits (13, or 15 for OGRNIP)."),
                              code="ogrn")  # fmt: skip


def validate_bik(value: str) -> None:
    if not (value.isdigit() and len(value) == 9):
        raise ValidationError(_("A BIK has 9 digits, e.g. 044525225."), code="bik")


def _account_key_ok(prefix: str, account: str) -> bool:
    digits = prefix + account
    return sum(int(d) * w for d, w in zip(digits, _ACCOUNT_WEIGHTS, strict=True)) % 10 == 0


def validate_account_digits(value: str) -> None:
    if not (value.isdigit() and len(value) == 20):
        raise ValidationError(_("An account number has 20 digits."), code="account")


def settlement_account_matches(bik: str, account: str) -> bool:
    """The account's control key checked against the bank's BIK (its last three digits)."""
    return _account_key_ok(bik[-3:], account)


def correspondent_account_matches(bik: str, account: str) -> bool:
    """The correspondent account's key checked against "0" and the BIK's 5th-6th digits."""
    return _account_key_ok("0" + bik[4:6], account)
