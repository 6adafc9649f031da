"""Two-factor sign-in: one TOTP device per person (django-otp) and single-use recovery codes.

A person enrols from the account page: a new, unconfirmed device shows a QR code; the first
right code confirms it and gives ten recovery codes, shown once. From then on every way in
(portal, admin, Yandex, the JWT token endpoint) asks for a code; ``code_accept`` takes either
kind. A company owner can make it mandatory for the company's members (``Company.
two_factor_required``); ``membership_for`` then refuses members without a device.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import secrets
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from companies.models import Company, RecoveryCode, User

RECOVERY_CODE_COUNT = 10
# 16 characters of Crockford-like base32 (80 random bits), shown as four groups of four.
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_RECOVERY_LENGTH = 16


class TwoFactorRequired(PermissionDenied):
    """The company requires two-factor sign-in and this member has not turned it on."""

    def __init__(self, company: Company) -> None:
        super().__init__(company.name)
        self.company = company


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_start(*, user: User) -> TOTPDevice:
    """A fresh unconfirmed device (any earlier unfinished one is dropped). Refused while a
    confirmed one exists: turning it off comes first."""
    if has_two_factor(user):
        raise ValidationError(_("Two-factor sign-in is already on."), code="two_factor_on")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def enrolment_cancel(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app's "enter a setup key" wants it, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// link as an SVG QR code in a data: URI (no inline script, no
    extra request; the pages' CSP allows data: images)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _is_totp(text: str, device: TOTPDevice) -> bool:
    return text.isascii() and text.isdigit() and len(text) == device.digits


def _totp_accept(device: TOTPDevice, digits: str) -> bool:
    with transaction.atomic():
        # Locked so that two requests cannot both spend the same code (django-otp's replay
        # guard, last_t, is a read and a write). verify_token counts failures.
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(digits))


def _recovery_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def _seconds_locked(device: TOTPDevice) -> int:
    """Wrong codes lock like wrong passwords: AXES_FAILURE_LIMIT in a row, then
    AXES_COOLOFF_TIME from the last one. (django-otp's own doubling pause is off,
    OTP_TOTP_THROTTLE_FACTOR = 0: it grew past any cool-off and refused right codes.)"""
    if (
        device.throttling_failure_count < settings.AXES_FAILURE_LIMIT
        or not device.throttling_failure_timestamp
    ):
        return 0
    until = device.throttling_failure_timestamp + settings.AXES_COOLOFF_TIME
    return max(0, math.ceil((until - timezone.now()).total_seconds()))


def code_wait(user: User) -> int:
    """Seconds before ``user`` may try a code again: 0 when they may."""
    device = _confirmed_device(user)
    return _seconds_locked(device) if device is not None else 0


def code_accept(*, user: User, code: str) -> bool:
    """True when ``code`` is the authenticator's current code or an unused recovery code
    (which is then spent). False for anything else, for a user without a device, and while
    locked. The device row is locked for the whole check, so parallel guesses queue up and
    each sees the failures before it."""
    text = "".join((code or "").split())[:64]
    if not text:
        return False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None or _seconds_locked(device):
            return False
        if _is_totp(text, device):
            return bool(device.verify_token(text))
        # One conditional update: a recovery code is spent once.
        spent = RecoveryCode.objects.filter(
            user=user, code_hash=_recovery_hash(text), used_at__isnull=True
        ).update(used_at=timezone.now())
        if spent:
            device.throttle_reset()
        else:
            device.throttle_increment()
        return spent == 1


def must_enrol(user: User) -> bool:
    """A member of a company that requires two-factor sign-in, without it yet: nothing but
    the set-up until they turn it on."""
    return (
        not has_two_factor(user)
        and Company.objects.filter(memberships__user=user, two_factor_required=True).exists()
    )


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes for ``user``; the old ones stop working. The plain codes are only
    in the return value."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_recovery_hash(c)) for c in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def enrolment_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the pending device with its first code; the recovery codes to show once."""
    device = pending_device(user)
    if device is None:
        raise ValidationError(_("Start the set-up again: it has expired."), code="no_pending_device")
    digits = "".join((code or "").split())
    if not (_is_totp(digits, device) and _totp_accept(device, digits)):
        raise ValidationError(
            _("That code is not right. Check the time on your phone and enter the newest code."),
            code="code_invalid",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        return recovery_codes_replace(user=user)


def companies_requiring(user: User) -> list[str]:
    return list(
        Company.objects.filter(memberships__user=user, two_factor_required=True).values_list(
            "name", flat=True
        )
    )


def two_factor_disable(*, user: User, code: str) -> None:
    """Turn it off with a current code (or a recovery code). Refused while a company of the
    person requires it."""
    required_by = companies_requiring(user)
    if required_by:
        raise ValidationError(
            _("%(companies)s requires two-factor sign-in: it cannot be turned off.")
            % {"companies": ", ".join(required_by)},
            code="two_factor_required",
        )
    if not code_accept(user=user, code=code):
        raise ValidationError(_("That code is not right."), code="code_invalid")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
