"""Invitations: create, resend, revoke, accept. The link's token is signed and names the
invitation and its current nonce; the expiry is stored on the row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from arvlite.core.email import send_templated_email
from arvlite.core.events import emit
from arvlite.core.roles import Role
from arvlite.core.tenancy import scopes_disabled
from companies.accounts import email_verified_mark
from companies.actors import Actor, actor_user
from companies.audit import audit_log
from companies.models import Company, Invitation, Membership, User, _new_nonce
from companies.services import membership_set

TOKEN_SALT = "companies.invitation"  # noqa: S105 - a signing salt, not a secret


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=TOKEN_SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    return settings.PUBLIC_URL + reverse(
        "invitation-accept-page", kwargs={"token": invitation_token(invitation)}
    )


def _expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


def _send(invitation: Invitation) -> None:
    send_templated_email(
        to=invitation.email,
        template="invitation",
        context={
            "company_name": invitation.company.name,
            "role": invitation.get_role_display(),
            "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
            "url": invitation_url(invitation),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


@transaction.atomic
def invitation_create(*, company: Company, actor: Actor, email: str, role: str) -> Invitation:
    """Invite ``email`` to ``company`` with ``role`` and e-mail the link. Audited.
    Refused for current members and for an address with an open invitation."""
    email = email.strip().lower()
    if Membership.objects.filter(company=company, user__email__iexact=email).exists():
        raise ValidationError({"email": [_("This person is already a member of the company.")]})
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    with scopes_disabled():  # expired-but-open rows of this company only
        Invitation.objects.filter(
            company=company,
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__lte=timezone.now(),
        ).update(revoked_at=timezone.now())
    invitation = Invitation(
        company=company, email=email, role=role, invited_by=actor_user(actor), expires_at=_expiry()
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError(
            {"email": [_("An invitation to this address is already open. Resend it instead.")]}
        ) from None
    audit_log(
        company=company,
        actor=actor,
        action="invitation.create",
        target=invitation,
        changes={"role": [None, role]},
    )
    _send(invitation)
    invitee = User.objects.filter(email__iexact=email, is_active=True).first()
    if invitee is not None:  # someone with an account: also in their bell
        emit("invitation.received", company=company, subject=invitation, user=invitee,
             inviter=str(actor_user(actor) or company.name), role=invitation.get_role_display())  # fmt: skip
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: Actor) -> Invitation:
    """Send the invitation again with a fresh link and expiry; earlier links stop working."""
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("Only open invitations can be resent."))
    invitation.nonce = _new_nonce()
    invitation.expires_at = _expiry()
    invitation.last_sent_at = timezone.now()
    invitation.send_count += 1
    invitation.save(update_fields=["nonce", "expires_at", "last_sent_at", "send_count"])
    audit_log(company=invitation.company, actor=actor, action="invitation.resend", target=invitation)
    _send(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: Actor) -> Invitation:
    """Withdraw an open invitation; its link stops working. Audited."""
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_log(company=invitation.company, actor=actor, action="invitation.revoke", target=invitation)
    return invitation


def _why_not_usable(invitation: Invitation | None, nonce: object) -> str | None:
    if invitation is None or invitation.nonce != nonce or invitation.revoked_at:
        return _("This invitation link is no longer valid. Ask for a new invitation.")
    if invitation.accepted_at:
        return _("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask for a new invitation.")
    if not invitation.company.is_active:
        return _("This company is no longer active.")
    return None


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link's token names, or ValidationError saying what is wrong."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid.")) from None
    with scopes_disabled():  # the token itself is the proof of access, across companies
        invitation = Invitation.objects.select_related("company").filter(pk=data.get("i")).first()
    problem = _why_not_usable(invitation, data.get("n"))
    if problem:
        raise ValidationError(problem)
    assert invitation is not None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the company named by the invitation link. The signed-in user's e-mail must be
    the invited address. Audited; the link cannot be used again."""
    checked = invitation_from_token(token)
    with scopes_disabled():
        invitation = Invitation.objects.select_for_update().select_related("company").get(pk=checked.pk)
    # Checked again under the lock: a revoke or resend may have committed meanwhile.
    problem = _why_not_usable(invitation, checked.nonce)
    if problem:
        raise ValidationError(problem)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    existing = Membership.objects.filter(company=invitation.company, user=user).first()
    membership = existing or membership_set(
        company=invitation.company, user=user, role=invitation.role, actor=invitation.invited_by
    )
    email_verified_mark(user=user)  # the link reached them at this address
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_log(company=invitation.company, actor=user, action="invitation.accept", target=invitation)
    if existing is None:
        emit("member.joined", company=invitation.company, subject=membership,
             member=user.full_name or user.email, role=membership.get_role_display())  # fmt: skip
    return membership
