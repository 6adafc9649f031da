"""Writes about orders: the price list, creating orders, editing their items, and the
lifecycle with its explicit transition table.

Every move is one transaction: the status, its ``OrderStatusChange`` row, the audit entry
and what the move does (a paid order creates or renews its content) commit together or
not at all. Signals and e-mails leave after commit.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arcontent.models import ARContent
from arcontent.services import (
    content_create,
    content_input,
    content_renew,
    normalize_phone,
    order_number_next,
)
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.actors import Actor, actor_user
from companies.audit import audit_log
from companies.authentication import ApiKeyPrincipal
from companies.models import Company, StoredFile
from orders import emails
from orders.links import new_access_token
from orders.models import MAX_QUANTITY, Invoice, Order, OrderItem, OrderStatusChange, Payment, Product
from orders.pricing import Line, order_totals
from orders.signals import order_created, order_status_changed
from projects.models import Project
from projects.services import project_create
from videos.services import video_create

Status = Order.Status
Kind = Product.Kind

# Where each status may go. ``paid`` is reached only through ``order_mark_paid`` (or a
# payment provider), which also creates or renews the content.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.AWAITING_PAYMENT, Status.PAID, Status.CANCELLED}),
    Status.AWAITING_PAYMENT: frozenset({Status.PAID, Status.CANCELLED}),
    Status.PAID: frozenset({Status.IN_PRODUCTION, Status.COMPLETED, Status.REFUNDED}),
    Status.IN_PRODUCTION: frozenset({Status.SHIPPED, Status.COMPLETED, Status.REFUNDED}),
    Status.SHIPPED: frozenset({Status.COMPLETED, Status.REFUNDED}),
    Status.COMPLETED: frozenset({Status.REFUNDED}),
    Status.CANCELLED: frozenset(),
    Status.REFUNDED: frozenset(),
}
EDITABLE = frozenset({Status.DRAFT, Status.AWAITING_PAYMENT})
PAYABLE = frozenset({Status.DRAFT, Status.AWAITING_PAYMENT})
# Print size of content made by an order when neither the project nor its template has one.
DEFAULT_PRINT_CM = (Decimal("15"), Decimal("10"))


def allowed_targets(order: Order) -> list[str]:
    """The statuses the order may move to now, in lifecycle order (for buttons and docs)."""
    targets = TRANSITIONS[order.status]
    return [value for value in Status.values if value in targets]


# --- the price list -------------------------------------------------------------------------

PRODUCT_FIELDS = frozenset({"name", "description", "kind", "term_years", "price", "currency", "vat_rate",
                            "active", "position"})  # fmt: skip


@transaction.atomic
def product_create(*, company: Company, actor: Actor, **fields: Any) -> Product:
    _refuse_unknown(fields, PRODUCT_FIELDS)
    product = Product(company=company, **fields)
    _validate_product(product)
    product.save()
    audit_log(company=company, actor=actor, action="product.create", target=product)
    return product


@transaction.atomic
def product_update(*, product: Product, actor: Actor, **fields: Any) -> Product:
    _refuse_unknown(fields, PRODUCT_FIELDS)
    product = Product.objects.select_for_update().get(pk=product.pk)
    changes = {}
    for name, value in fields.items():
        if getattr(product, name) != value:
            changes[name] = [str(getattr(product, name)), str(value)]
            setattr(product, name, value)
    _validate_product(product)
    product.save()
    if changes:
        audit_log(
            company=product.company, actor=actor, action="product.update", target=product, changes=changes
        )
    return product


@transaction.atomic
def product_delete(*, product: Product, actor: Actor) -> None:
    """Remove a product from the price list. Orders keep their snapshot of it."""
    audit_log(company=product.company, actor=actor, action="product.delete", target=product)
    product.delete()


def _validate_product(product: Product) -> None:
    if product.kind in Product.TERM_KINDS and not product.term_years:
        raise ValidationError({"term_years": [_("Give the hosting term in years for this kind of product.")]})
    if product.kind not in Product.TERM_KINDS:
        product.term_years = None
    product.full_clean(exclude=["company"])


# --- creating orders ------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    product: Product
    quantity: int = 1


@dataclass(frozen=True)
class OrderInput:
    customer_name: str
    items: Sequence[ItemInput]
    customer_email: str = ""
    customer_phone: str = ""
    customer_language: str = ""
    legal_name: str = ""
    legal_tax_id: str = ""
    delivery: str = Order.Delivery.PICKUP
    delivery_address: str = ""
    note: str = ""
    content: ARContent | None = None  # the content a renewal extends
    project: Project | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def order_create(
    *,
    company: Company,
    actor: Actor,
    data: OrderInput,
    source: str = Order.Source.STAFF,
    status: str = Status.DRAFT,
    photo: StoredFile | None = None,
    video: StoredFile | None = None,
    consent: bool = False,
) -> Order:
    """Create an order with its items (priced from the products now) and its number from
    the company's counter. Storefront orders start in ``awaiting_payment`` and hold the
    customer's photo and video until they are paid or the payment deadline passes."""
    if status not in (Status.DRAFT, Status.AWAITING_PAYMENT):
        raise ValidationError({"status": [_("A new order starts as a draft or awaiting payment.")]})
    with transaction.atomic():
        order = Order(
            company=company,
            source=source,
            status=status,
            customer_name=data.customer_name.strip(),
            customer_email=data.customer_email.strip().lower(),
            customer_phone=_phone(data.customer_phone),
            customer_language=data.customer_language or settings.LANGUAGE_CODE,
            legal_name=data.legal_name.strip(),
            legal_tax_id=data.legal_tax_id.strip(),
            delivery=data.delivery,
            delivery_address=data.delivery_address.strip(),
            note=data.note.strip(),
            access_token=new_access_token(),
            created_by=actor_user(actor),
            consent_at=timezone.now() if consent else None,
        )
        _check_customer(order)
        lines = _priced_items(company, data.items)
        _check_items(company, lines, data.content)
        order.content = data.content
        order.project = _own_project(company, data.project)
        order.currency = lines[0].currency
        for file, name in ((photo, "photo"), (video, "video")):
            if file is not None and file.company_id != company.pk:
                raise ValidationError({name: [_("Unknown file.")]})
        order.photo, order.video = photo, video
        if status == Status.AWAITING_PAYMENT:
            order.payment_due_at = timezone.now() + timedelta(hours=settings.STOREFRONT_HOLD_HOURS)
        order.full_clean(exclude=["company", "content", "project", "photo", "video", "created_by", "number"])
        order.number = order_number_next(company=company)
        order.save()
        _save_items(order, lines)
        _hold_files(order)
        _record(order, actor, "", status, note="", by_customer=source == Order.Source.STOREFRONT)
        audit_log(company=company, actor=actor, action="order.create", target=order,
                  changes={"source": source, "total": str(order.total)})  # fmt: skip
        transaction.on_commit(functools.partial(order_created.send, sender=Order, order=order))
        emails.order_created(order)
    return order


@dataclass(frozen=True)
class _PricedItem:
    product: Product
    quantity: int

    @property
    def currency(self) -> str:
        return self.product.currency

    @property
    def line(self) -> Line:
        return Line(unit_price=self.product.price, quantity=self.quantity, vat_rate=self.product.vat_rate)


def _priced_items(company: Company, items: Sequence[ItemInput]) -> list[_PricedItem]:
    if not items:
        raise ValidationError({"items": [_("Add at least one product to the order.")]})
    priced = []
    for item in items:
        product = item.product
        if product.company_id != company.pk:
            raise ValidationError({"items": [_("Unknown product.")]})
        if not product.active:
            raise ValidationError({"items": [_("“%(name)s” is not on sale.") % {"name": product.name}]})
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise ValidationError(
                {"items": [_("Quantity must be between 1 and %(max)s.") % {"max": MAX_QUANTITY}]}
            )
        priced.append(_PricedItem(product=product, quantity=item.quantity))
    if len({item.currency for item in priced}) > 1:
        raise ValidationError(
            {"items": [_("All products of one order must be priced in the same currency.")]}
        )
    return priced


def _check_items(company: Company, items: Sequence[_PricedItem], content: ARContent | None) -> None:
    """One order makes at most one living photo; a renewal names the content it extends
    (of this company), and a living photo cannot be combined with renewing another."""
    kinds = [item.product.kind for item in items for _unused in range(item.quantity)]
    if kinds.count(Kind.LIVING_PHOTO) > 1:
        raise ValidationError(
            {"items": [_("One order makes one living photo: create another order for the next photo.")]}
        )
    renews = Kind.RENEWAL in kinds
    if renews and content is None:
        raise ValidationError({"content": [_("Choose the AR content this renewal extends.")]})
    if content is not None:
        if content.company_id != company.pk:
            raise ValidationError({"content": [_("Unknown AR content.")]})
        if Kind.LIVING_PHOTO in kinds:
            raise ValidationError({"content": [_("A new living photo cannot also renew existing content.")]})
        if renews and content.status not in (
            ARContent.Status.ACTIVE, ARContent.Status.PAUSED, ARContent.Status.EXPIRED
        ):  # fmt: skip
            raise ValidationError(
                {"content": [_("Only published, paused or expired content can be renewed.")]}
            )


def _own_project(company: Company, project: Project | None) -> Project | None:
    if project is not None and project.company_id != company.pk:
        raise ValidationError({"project": [_("Unknown project.")]})
    return project


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError as error:
        raise ValidationError({"customer_phone": error.message_dict["customer_phone"]}) from None


def _check_customer(order: Order) -> None:
    if not order.customer_name:
        raise ValidationError({"customer_name": [_("Give the customer's name.")]})
    if order.delivery == Order.Delivery.ADDRESS and not order.delivery_address:
        raise ValidationError({"delivery_address": [_("Give the delivery address.")]})
    if order.legal_tax_id and not order.legal_name:
        raise ValidationError({"legal_name": [_("Give the customer company's name with its tax id.")]})


def _save_items(order: Order, items: Sequence[_PricedItem]) -> None:
    """Replace the order's items with snapshots of ``items`` and store the totals."""
    OrderItem.objects.filter(order=order).delete()
    rows = []
    for position, item in enumerate(items):
        line = item.line
        rows.append(
            OrderItem(
                company=order.company,
                order=order,
                product=item.product,
                name=item.product.name,
                kind=item.product.kind,
                term_years=item.product.term_years,
                unit_price=item.product.price,
                quantity=item.quantity,
                vat_rate=item.product.vat_rate,
                line_total=line.total,
                vat_amount=line.vat_amount,
                position=position,
            )
        )
    OrderItem.objects.bulk_create(rows)
    totals = order_totals(item.line for item in items)
    order.total, order.vat_total = totals.total, totals.vat_total
    order.save(update_fields=["total", "vat_total", "currency", "updated_at"])


def _hold_files(order: Order) -> None:
    """Keep the customer's files a day past the payment deadline (the sweep that cancels
    unpaid orders runs first, so a file never disappears from an order that can be paid)."""
    until = (
        order.payment_due_at or timezone.now() + timedelta(hours=settings.STOREFRONT_HOLD_HOURS)
    ) + timedelta(days=1)
    ids = [file.pk for file in (order.photo, order.video) if file is not None and file.held_until is not None]
    if ids:
        StoredFile.objects.filter(pk__in=ids).update(held_until=until)


# --- editing --------------------------------------------------------------------------------


@transaction.atomic
def order_items_replace(*, order: Order, actor: Actor, items: Sequence[ItemInput]) -> Order:
    """New items (priced now) for an order that is not paid yet."""
    order = _locked(order)
    if order.status not in EDITABLE:
        raise ValidationError(
            _("The items can only be changed before payment; the order is %(status)s.")
            % {"status": order.get_status_display()}
        )
    if (
        Invoice.objects.filter(order=order).exists()
        or order.payments.exclude(status=Payment.Status.CANCELED).exists()
    ):
        # The invoice and the payment were made for these items: a new order is the honest way.
        raise ValidationError(_("An invoice or a payment exists for these items: cancel this order and take a new one."),
                              code="items_locked")  # fmt: skip
    lines = _priced_items(order.company, items)
    _check_items(order.company, lines, order.content)
    before = str(order.total)
    order.currency = lines[0].currency
    _save_items(order, lines)
    audit_log(company=order.company, actor=actor, action="order.items", target=order,
              changes={"total": [before, str(order.total)]})  # fmt: skip
    return order


ORDER_FIELDS = frozenset({"customer_name", "customer_email", "customer_phone", "customer_language", "legal_name",
                          "legal_tax_id", "delivery", "delivery_address", "tracking_number", "note"})  # fmt: skip


@transaction.atomic
def order_update(*, order: Order, actor: Actor, **fields: Any) -> Order:
    """Change the customer's details, the delivery, the tracking number or the note."""
    _refuse_unknown(fields, ORDER_FIELDS)
    order = _locked(order)
    if "customer_phone" in fields:
        fields["customer_phone"] = _phone(fields["customer_phone"])
    if "customer_email" in fields:
        fields["customer_email"] = fields["customer_email"].strip().lower()
    changes = {}
    for name, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(order, name) != value:
            changes[name] = [getattr(order, name), value]
            setattr(order, name, value)
    _check_customer(order)
    order.full_clean(exclude=["company", "content", "project", "photo", "video", "created_by"])
    order.save()
    if changes:
        audit_log(company=order.company, actor=actor, action="order.update", target=order, changes=changes)
    return order


# --- the lifecycle --------------------------------------------------------------------------


def _refuse(order: Order, to: str) -> ValidationError:
    return ValidationError(
        _("An order that is %(current)s cannot become %(target)s.")
        % {"current": order.get_status_display().lower(), "target": Status(to).label.lower()},
        code="invalid_transition",
    )


@transaction.atomic
def order_transition(
    *, order: Order, actor: Actor, to: str, note: str = "", by_customer: bool = False
) -> Order:
    """Move the order to ``to`` if the table allows it (``paid`` only through
    ``order_mark_paid``, which records the payment)."""
    if to not in Status.values:
        raise ValidationError({"to": [_("Unknown status.")]})
    if to == Status.PAID:
        raise ValidationError({"to": [_("Record the payment with “Mark paid”.")]})
    order = _locked(order)
    if to not in TRANSITIONS[order.status]:
        raise _refuse(order, to)
    return _move(order, actor, to, note, by_customer=by_customer)


@transaction.atomic
def order_mark_paid(*, order: Order, actor: Actor, note: str = "") -> Order:
    """Record that the order was paid (cash, bank transfer — who and a note), and in the
    same transaction create its living photo or renew its content. Of two concurrent
    calls exactly one wins; the other finds the order paid and is refused."""
    order = _locked(order)
    if order.status not in PAYABLE:
        if order.status == Status.PAID:
            raise ValidationError(_("This order is already paid."), code="invalid_transition")
        raise _refuse(order, Status.PAID)
    order.paid_at = timezone.now()
    _fulfil(order, actor)
    return _move(order, actor, Status.PAID, note, extra_fields=["paid_at", "content"])


def _fulfil(order: Order, actor: Actor) -> None:
    """What paying buys: the living photo's content (with the customer's video) or more
    hosting time for the renewed content."""
    items = list(order.items.all())
    renewal_years = sum((item.term_years or 0) * item.quantity for item in items if item.kind == Kind.RENEWAL)
    if renewal_years and order.content is not None:
        content_renew(content=order.content, actor=actor, years=renewal_years)
    living = next((item for item in items if item.kind == Kind.LIVING_PHOTO), None)
    if living is None or order.content is not None:
        return
    if order.photo is None:
        return  # paid without a photo yet: attaching one creates the content (order_attach_photo)
    order.content = _content_for(order, living.term_years or 1, actor)


def _content_for(order: Order, term_years: int, actor: Actor) -> ARContent:
    project = _project_for(order, actor)
    width, height = DEFAULT_PRINT_CM
    data = content_input(
        project=project,
        values={
            "print_width_cm": project.print_width_cm or width,
            "print_height_cm": project.print_height_cm or height,
            "term_years": term_years,
            "customer_name": order.customer_name,
            "customer_phone": order.customer_phone,
            "customer_email": order.customer_email,
        },
    )
    assert order.photo is not None  # checked by the callers
    content = content_create(
        company=order.company, actor=actor, data=data, held_photo=order.photo, order_number=order.number
    )
    if order.video is not None:
        video_create(content=content, actor=actor, held_file=order.video)
    return content


def _project_for(order: Order, actor: Actor) -> Project:
    """The order's project unless archived, else the company's "Orders" project (made on
    first use, and made again under a dated name if that one was archived)."""
    if order.project is not None and order.project.status != Project.Status.ARCHIVED:
        return order.project
    name = _("Orders")
    existing = Project.objects.filter(company=order.company, name__iexact=name).first()
    if existing is not None and existing.status != Project.Status.ARCHIVED:
        return existing
    if existing is not None:
        name = f"{name} {timezone.localdate():%Y-%m-%d}"
        dated = Project.objects.filter(company=order.company, name__iexact=name).first()
        if dated is not None and dated.status != Project.Status.ARCHIVED:
            return dated
    return project_create(company=order.company, actor=actor, name=name)


@transaction.atomic
def order_attach_photo(
    *, order: Order, actor: Actor, photo: StoredFile, video: StoredFile | None = None
) -> Order:
    """Give a living-photo order its photo (and video). Before payment they are held with
    the order; on a paid order without content the content is created now."""
    order = _locked(order)
    if not order.items.filter(kind=Kind.LIVING_PHOTO).exists():
        raise ValidationError({"photo": [_("This order has no living photo.")]})
    if order.content is not None:
        raise ValidationError({"photo": [_("The content of this order exists already; change it there.")]})
    if order.status in (Status.CANCELLED, Status.REFUNDED):
        raise ValidationError(_("The order is %(status)s.") % {"status": order.get_status_display().lower()})
    for file, name in ((photo, "photo"), (video, "video")):
        if file is not None and file.company_id != order.company_id:
            raise ValidationError({name: [_("Unknown file.")]})
    order.photo = photo
    order.video = video or order.video
    order.save(update_fields=["photo", "video", "updated_at"])
    if order.status in PAYABLE:
        _hold_files(order)
    else:
        living = order.items.filter(kind=Kind.LIVING_PHOTO).first()
        order.content = _content_for(order, (living.term_years if living else None) or 1, actor)
        order.save(update_fields=["content", "updated_at"])
    audit_log(company=order.company, actor=actor, action="order.photo", target=order)
    return order


def _move(
    order: Order,
    actor: Actor,
    to: str,
    note: str,
    *,
    by_customer: bool = False,
    extra_fields: Sequence[str] = (),
) -> Order:
    before = order.status
    order.status = to
    if to == Status.AWAITING_PAYMENT and order.payment_due_at is None:
        order.payment_due_at = timezone.now() + timedelta(hours=settings.STOREFRONT_HOLD_HOURS)
        extra_fields = [*extra_fields, "payment_due_at"]
    order.save(update_fields=["status", "updated_at", *extra_fields])
    _record(order, actor, before, to, note=note, by_customer=by_customer)
    audit_log(company=order.company, actor=actor, action=f"order.{to}", target=order,
              changes={"status": [before, to], **({"note": note} if note else {})})  # fmt: skip
    transaction.on_commit(
        functools.partial(
            order_status_changed.send, sender=Order, order=order, from_status=before, to_status=to,
            actor=actor, note=note,
        )
    )  # fmt: skip
    emails.status_changed(order, before)
    return order


def _record(order: Order, actor: Actor, before: str, to: str, *, note: str, by_customer: bool) -> None:
    kind, label = _who(actor, by_customer)
    OrderStatusChange.objects.create(
        company=order.company, order=order, from_status=before, to_status=to, actor_kind=kind,
        actor_user=actor_user(actor), actor_label=label, note=note.strip()[:2000],
    )  # fmt: skip


def _who(actor: Actor, by_customer: bool) -> tuple[str, str]:
    who = OrderStatusChange.ActorKind
    if by_customer:
        return who.CUSTOMER, ""
    if isinstance(actor, ApiKeyPrincipal):
        return who.API_KEY, actor.api_key.name
    user = actor_user(actor)
    if user is not None:
        return who.USER, user.get_full_name() or user.email
    return who.SYSTEM, ""


def _locked(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("company", "content", "project", "photo", "video")
        .get(pk=order.pk)
    )


# --- the customer's renewal and the payment deadline ----------------------------------------


def renewal_product(company: Company) -> Product | None:
    """The product a customer renews with: the first active renewal of the price list."""
    return (
        Product.objects.filter(company=company, kind=Kind.RENEWAL, active=True)
        .order_by("position", "id")
        .first()
    )


def renewal_order_create(*, order: Order) -> Order:
    """The customer asked to renew the content of ``order`` from their order page: a
    renewal order awaiting payment, for the same customer."""
    content = order.content
    product = renewal_product(order.company)
    if content is None or product is None:
        raise ValidationError(_("This content cannot be renewed online. Please contact the studio."))
    if content.expires_at is not None and content.expires_at > timezone.now() + timedelta(days=30):
        raise ValidationError(_("The content can be renewed in its last 30 days."))
    # Asking twice (or a reload) gives the open renewal again rather than a pile of orders.
    open_renewal = Order.objects.filter(
        company=order.company, content=content, status=Status.AWAITING_PAYMENT, items__kind=Kind.RENEWAL
    ).first()
    if open_renewal is not None:
        return open_renewal
    return order_create(
        company=order.company,
        actor=None,
        source=Order.Source.STOREFRONT,
        status=Status.AWAITING_PAYMENT,
        data=OrderInput(
            customer_name=order.customer_name,
            customer_email=order.customer_email,
            customer_phone=order.customer_phone,
            customer_language=order.customer_language,
            items=[ItemInput(product=product)],
            content=content,
        ),
    )


def cancel_unpaid_orders(*, now: datetime | None = None) -> int:
    """Cancel orders still awaiting payment past their deadline (periodic, across
    companies); their held files then go with the hourly sweep. Returns how many."""
    cutoff = now or timezone.now()
    cancelled = 0
    with scopes_disabled():  # a sweep over every company
        due = list(
            Order.objects.filter(status=Status.AWAITING_PAYMENT, payment_due_at__lt=cutoff).values_list(
                "pk", flat=True
            )
        )
    for pk in due:
        with scopes_disabled(), transaction.atomic():
            order = (
                Order.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, status=Status.AWAITING_PAYMENT)
                .select_related("company")
                .first()
            )
            if order is None or order.payments.filter(status=Payment.Status.WAITING_FOR_CAPTURE).exists():
                continue  # a held payment: the studio decides (take it or release it)
            with company_scope(order.company):
                _move(order, None, Status.CANCELLED, _("Not paid in time."))
        cancelled += 1
    return cancelled


def _refuse_unknown(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
