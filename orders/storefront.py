"""The public storefront's order: a customer picks a living photo, sends a photo and a
video, and the order waits for payment holding both files (counted against no quota
until it is paid; they expire with it otherwise)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arcontent.services import photo_check
from companies.actors import Actor
from companies.files import stored_file_create
from companies.models import Company, StoredFile
from orders.models import Order, Product
from orders.services import ItemInput, OrderInput, order_attach_photo, order_create
from videos.models import UploadSession

# What the storefront sells: the living photo itself, and printed copies as extras.
# Renewals are ordered from the customer's order page, extra videos by staff.
STOREFRONT_KINDS = (Product.Kind.LIVING_PHOTO, Product.Kind.PRINTED_COPY)


def held_until() -> datetime:
    """How long a storefront upload is kept before its order is placed and paid: the
    payment window plus the day the order keeps its files after the deadline."""
    return timezone.now() + timedelta(hours=settings.STOREFRONT_HOLD_HOURS, days=1)


def held_video(*, company: Company, upload_id: str) -> StoredFile:
    """The video a finished storefront upload left, if no order has taken it yet."""
    session = (
        UploadSession.objects.select_related("held_file")
        .filter(company=company, content__isnull=True, upload_id=upload_id)
        .first()
    )
    if session is None:
        raise ValidationError(
            {"video": [_("The video upload was not found. Please upload the video again.")]}
        )
    if session.held_file is None:
        raise ValidationError({"video": [_("The video has not finished uploading yet.")]})
    if Order.objects.filter(company=company, video=session.held_file).exists():
        raise ValidationError({"video": [_("This video belongs to another order. Please upload it again.")]})
    return session.held_file


def storefront_order_create(
    *,
    company: Company,
    data: OrderInput,
    photo: IO[bytes],
    photo_name: str,
    video: StoredFile | None = None,
    video_upload: IO[bytes] | None = None,
    video_name: str = "",
) -> Order:
    """Place a customer's order: awaiting payment, its photo held with it, and its video —
    either one a storefront upload finished (``video``) or a file sent with the form
    (``video_upload``, the form's fallback without JavaScript).

    Everything is checked before a byte is stored, and it all happens in one transaction,
    so a refusal leaves no order behind."""
    photo_check(photo)
    if video is None and video_upload is None:
        raise ValidationError({"video": [_("Choose the video to play on the photo.")]})
    with transaction.atomic():
        order = order_create(
            company=company,
            actor=None,
            data=data,
            source=Order.Source.STOREFRONT,
            status=Order.Status.AWAITING_PAYMENT,
            consent=True,
        )
        return order_files_attach(
            order=order, actor=None, photo=photo, photo_name=photo_name, video=video,
            video_upload=video_upload, video_name=video_name,
        )  # fmt: skip


def order_files_attach(
    *,
    order: Order,
    actor: Actor,
    photo: IO[bytes],
    photo_name: str,
    video: StoredFile | None = None,
    video_upload: IO[bytes] | None = None,
    video_name: str = "",
) -> Order:
    """Store the photo (and the video sent as a file) as held files and give them to the
    order: held until it is paid, or made into its content now if it is paid already."""
    photo_check(photo)
    company = order.company
    with transaction.atomic():
        until = held_until()
        if video is None and video_upload is not None:
            video = stored_file_create(
                company=company, kind=StoredFile.Kind.VIDEO, content=video_upload,
                original_name=video_name, held_until=until,
            )  # fmt: skip
        held_photo = stored_file_create(
            company=company,
            kind=StoredFile.Kind.PHOTO,
            content=photo,
            original_name=photo_name,
            held_until=until,
        )
        return order_attach_photo(order=order, actor=actor, photo=held_photo, video=video)


def storefront_items(product: Product, extras: Sequence[Product]) -> list[ItemInput]:
    return [
        ItemInput(product=product, quantity=1),
        *(ItemInput(product=extra, quantity=1) for extra in extras),
    ]
