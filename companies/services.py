"""Writes about companies and memberships."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import structlog
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from arvlite.core.encryption import encrypt
from arvlite.core.roles import Role
from companies.accounts import EMAIL_NOT_VERIFIED, EmailNotVerifiedError, email_confirmation_pending
from companies.actors import Actor, actor_user
from companies.api_keys import api_keys_follow_member
from companies.audit import audit_log
from companies.files import check_image_pixels
from companies.models import Company, Membership, User

# Editable company settings (everything but slug, quota and status, which have their own flows).
logger = structlog.get_logger(__name__)

COMPANY_PROFILE_FIELDS = (
    "name",
    "contact_email",
    "logo",
    "brand_color",
    "legal_name",
    "tax_id",
    "kpp",
    "ogrn",
    "legal_address",
    "bank_name",
    "bank_bik",
    "bank_correspondent_account",
    "bank_account",
    "bank_details",
    "terms_url",
    "time_zone",
    "default_term_years",
    "customer_reminders",
)

# Online payment settings, changed by managers like the profile. The secret key is given
# in plain text, stored encrypted, and recorded in the audit log only as "changed".
PAYMENT_SETTINGS_FIELDS = (
    "yookassa_shop_id",
    "yookassa_secret_key",
    "payment_two_stage",
    "receipts_enabled",
    "tax_system_code",
)
SECRET_FIELDS = frozenset({"yookassa_secret_key"})

# Sign-in rules for every member: changed by owners only, and only by an owner who already
# signs in with a second factor (nobody locks themselves out of their own company).
SECURITY_SETTINGS_FIELDS = ("two_factor_required",)

# Apps that own data which must stop a company from being deleted register a check here
# (e.g. published AR content). A check returns a sentence saying why, or None.
COMPANY_DELETE_BLOCKERS: list[Callable[[Company], str | None]] = []


SLUG_TAKEN = gettext_noop("This address is already taken.")


def _validated(company: Company) -> None:
    # Uniqueness is checked by the database (see company_create), so races answer 400 too.
    company.full_clean(exclude=["logo"], validate_unique=False)


@transaction.atomic
def company_create(*, name: str, slug: str, owner: User, **profile: Any) -> Company:
    """Create a company; its creator becomes its owner. Audited. A taken slug is a
    ValidationError on ``slug``, also when two requests race for it. Refused
    (EmailNotVerifiedError) while the owner has not confirmed their e-mail address."""
    if email_confirmation_pending(owner):
        raise EmailNotVerifiedError(str(EMAIL_NOT_VERIFIED))
    company = Company(
        name=name, slug=slug, **{k: v for k, v in profile.items() if k in COMPANY_PROFILE_FIELDS}
    )
    _validated(company)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        raise ValidationError({"slug": [_(SLUG_TAKEN)]}) from None
    Membership.objects.create(company=company, user=owner, role=Role.OWNER)
    audit_log(company=company, actor=owner, action="company.create", target=company)
    return company


@transaction.atomic
def company_update(*, company: Company, actor: Actor, **fields: Any) -> Company:
    """Change company settings (managers and up). Audited with the changed fields."""
    unknown = (
        set(fields)
        - set(COMPANY_PROFILE_FIELDS)
        - set(PAYMENT_SETTINGS_FIELDS)
        - set(SECURITY_SETTINGS_FIELDS)
    )
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    if "two_factor_required" in fields and fields["two_factor_required"] != company.two_factor_required:
        _check_two_factor_change(company, actor, required=bool(fields["two_factor_required"]))
    changes: dict[str, list[str]] = {}
    old_logo = company.logo.name or ""
    if fields.get("logo"):  # held to the limit of every stored image (labels decode it whole)
        try:
            check_image_pixels(fields["logo"])
        except ValidationError as error:
            raise ValidationError({"logo": error.message_dict.get("file", error.messages)}) from None
    if "yookassa_secret_key" in fields:
        secret = (fields.pop("yookassa_secret_key") or "").strip()
        if secret != company.yookassa_secret_key:
            company.yookassa_secret_key_encrypted = encrypt(secret)
            changes["yookassa_secret_key"] = ["", "changed" if secret else "removed"]
    for name, value in fields.items():
        old = getattr(company, name)
        if old != value:
            setattr(company, name, value)
            changes[name] = [str(old), str(value)] if name != "logo" else ["", "new logo"]
    if not changes:
        return company
    _validated(company)
    _check_payment_settings(company)
    company.save()
    audit_log(company=company, actor=actor, action="company.update", target=company, changes=changes)
    if old_logo and old_logo != (company.logo.name or ""):
        storage = company.logo.storage
        transaction.on_commit(lambda: _delete_replaced_logo(storage, old_logo))
    return company


def _check_two_factor_change(company: Company, actor: Actor, *, required: bool) -> None:
    from companies.two_factor import has_two_factor  # two_factor imports the models only

    user = actor_user(actor)
    is_owner = (
        user is not None and Membership.objects.filter(company=company, user=user, role=Role.OWNER).exists()
    )
    if not is_owner:
        raise ValidationError({"two_factor_required": [_("Only an owner can change the sign-in rules.")]})
    if required and not has_two_factor(user):  # type: ignore[arg-type]  # is_owner implies a user
        raise ValidationError(
            {"two_factor_required": [_("Turn on two-factor sign-in for your own account first.")]}
        )


def _delete_replaced_logo(storage: Any, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # a left-over file costs bytes, not correctness; the next logo still shows
        logger.warning("company.logo_delete_failed", name=name, exc_info=True)


def _check_payment_settings(company: Company) -> None:
    if company.yookassa_shop_id and not company.yookassa_secret_key_encrypted:
        raise ValidationError({"yookassa_secret_key": [_("Give the shop's secret key with its shop id.")]})
    if company.yookassa_secret_key_encrypted and not company.yookassa_shop_id:
        raise ValidationError({"yookassa_shop_id": [_("Give the shop id with its secret key.")]})
    if company.receipts_enabled and not company.tax_system_code:
        raise ValidationError({"tax_system_code": [_("Choose the tax system that receipts name.")]})


def company_delete_blockers(*, company: Company) -> list[str]:
    return [reason for check in COMPANY_DELETE_BLOCKERS if (reason := check(company))]


class CompanyDeleteRefusedError(ValidationError):
    """The company holds something that must not go with it (the API answers 409)."""


@transaction.atomic
def company_delete(*, company: Company, actor: Actor) -> None:
    """Delete a company and everything it owns (owner only). Refused, with the reason and
    nothing changed, while anything it owns is still live (published content) or must be
    kept (issued invoices): the registered blockers say so first, and a protected row they
    missed refuses the deletion the same way instead of failing half-way."""
    reasons = company_delete_blockers(company=company)
    if reasons:
        raise CompanyDeleteRefusedError(" ".join(reasons))
    try:
        company.delete()
    except ProtectedError as error:
        raise _kept_records(error.protected_objects) from None
    except RestrictedError as error:
        raise _kept_records(error.restricted_objects) from None


def _kept_records(rows: Iterable[models.Model]) -> CompanyDeleteRefusedError:
    kinds = sorted({str(row._meta.verbose_name_plural) for row in rows})
    return CompanyDeleteRefusedError(
        _("The company still holds records that must be kept: %(kinds)s.") % {"kinds": ", ".join(kinds)}
    )


@transaction.atomic
def company_set_status(*, company: Company, actor: Actor, status: str) -> Company:
    """Deactivate or reactivate a company (operators). Deactivated companies vanish from
    their members' lists and URLs until reactivated. Audited."""
    if status not in Company.Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    if company.status != status:
        previous, company.status = company.status, status
        company.save(update_fields=["status", "updated_at"])
        audit_log(
            company=company,
            actor=actor,
            action="company.set_status",
            target=company,
            changes={"status": [previous, status]},
        )
    return company


def _lock_owners(company: Company) -> list[Membership]:
    return list(Membership.objects.select_for_update().filter(company=company, role=Role.OWNER))


@transaction.atomic
def membership_set(*, company: Company, user: User, role: str, actor: Actor = None) -> Membership:
    """Give ``user`` ``role`` in ``company`` (adding them if needed). Audited when it changes.
    Refused when it would leave the company without an owner."""
    owners = _lock_owners(company)
    membership, created = Membership.objects.get_or_create(
        company=company, user=user, defaults={"role": role}
    )
    previous = None if created else membership.role
    if previous == role:
        return membership
    if previous == Role.OWNER and len(owners) == 1:
        raise ValidationError(
            {"role": [_("A company needs at least one owner. Make someone else owner first.")]}
        )
    if not created:
        membership.role = role
        membership.save(update_fields=["role"])
        api_keys_follow_member(company=company, user=user, role=role, actor=actor)
    audit_log(
        company=company,
        actor=actor,
        action="membership.set",
        target=membership,
        changes={"role": [previous, role]},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor) -> None:
    """Take a member out of the company. Refused for the last owner. Audited."""
    owners = _lock_owners(membership.company)
    if membership.role == Role.OWNER and len(owners) == 1:
        raise ValidationError(_("A company needs at least one owner. Make someone else owner first."))
    audit_log(
        company=membership.company,
        actor=actor,
        action="membership.remove",
        target=membership,
        changes={"role": [membership.role, None]},
    )
    api_keys_follow_member(company=membership.company, user=membership.user, role=None, actor=actor)
    membership.delete()
