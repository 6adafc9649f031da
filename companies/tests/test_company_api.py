"""Companies, members, invitations and API keys through the API."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies import invitations, services
from companies.models import AuditEntry, Company, CompanyApiKey, Invitation, Membership, User
from companies.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    api_key_client,
    make_api_key,
)

pytestmark = pytest.mark.django_db
Clients = Callable[[User], APIClient]


def actions(company: Company) -> list[str]:
    with company_scope(company):
        return list(
            AuditEntry.objects.filter(company=company).order_by("id").values_list("action", flat=True)
        )


# --- companies ---------------------------------------------------------------------------


def test_the_creator_of_a_company_is_its_owner(api_client_for: Clients) -> None:
    user = UserFactory()
    response = api_client_for(user).post("/api/v1/companies/", {"name": "Sunny", "slug": "sunny"})
    assert response.status_code == 201
    assert response.json()["my_role"] == "owner"
    assert Membership.objects.get(company__slug="sunny", user=user).role == Role.OWNER


@pytest.mark.parametrize("slug", ["Bad Slug", "-edge", "edge-", "кириллица", "a" * 61, ""])
def test_it_refuses_a_bad_slug(api_client_for: Clients, slug: str) -> None:
    response = api_client_for(UserFactory()).post("/api/v1/companies/", {"name": "X", "slug": slug})
    assert response.status_code == 400
    assert "slug" in response.json()["errors"]
    assert not Company.objects.filter(name="X").exists()


def test_it_refuses_a_taken_slug(api_client_for: Clients, company: Company) -> None:
    response = api_client_for(UserFactory()).post("/api/v1/companies/", {"name": "X", "slug": company.slug})
    assert response.status_code == 400
    assert response.json()["errors"]["slug"] == ["This address is already taken."]


def test_managers_update_settings_and_it_is_audited(
    api_client_for: Clients, company: Company, manager: User
) -> None:
    response = api_client_for(manager).patch(
        f"/api/v1/companies/{company.slug}/", {"brand_color": "#112233", "time_zone": "Asia/Yekaterinburg"}
    )
    assert response.status_code == 200
    assert response.json()["brand_color"] == "#112233"
    assert "company.update" in actions(company)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("brand_color", "red"),
        ("time_zone", "Mars/Olympus"),
        ("default_term_years", 0),
        ("contact_email", "x"),
    ],
)
def test_it_refuses_bad_settings(
    api_client_for: Clients, company: Company, owner: User, field: str, value: Any
) -> None:
    response = api_client_for(owner).patch(f"/api/v1/companies/{company.slug}/", {field: value})
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_owner_deletes_the_company(api_client_for: Clients, company: Company, owner: User) -> None:
    assert api_client_for(owner).delete(f"/api/v1/companies/{company.slug}/").status_code == 204
    assert not Company.objects.filter(pk=company.pk).exists()


@pytest.fixture
def published_content_blocker() -> Iterator[None]:
    def blocker(company: Company) -> str | None:
        return "The company has 2 published AR contents. Archive them first."

    services.COMPANY_DELETE_BLOCKERS.append(blocker)
    yield
    services.COMPANY_DELETE_BLOCKERS.remove(blocker)


def test_deleting_is_refused_while_content_is_published(
    api_client_for: Clients, company: Company, owner: User, published_content_blocker: None
) -> None:
    response = api_client_for(owner).delete(f"/api/v1/companies/{company.slug}/")
    assert response.status_code == 409
    assert response.json()["code"] == "company_not_deletable"
    assert response.json()["message"] == "The company has 2 published AR contents. Archive them first."
    assert Company.objects.filter(pk=company.pk).exists()


# --- members -----------------------------------------------------------------------------


def test_the_owner_changes_a_role(
    api_client_for: Clients, company: Company, owner: User, viewer: User
) -> None:
    membership = Membership.objects.get(company=company, user=viewer)
    response = api_client_for(owner).patch(
        f"/api/v1/companies/{company.slug}/members/{membership.pk}/", {"role": "manager"}
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER


def test_the_last_owner_cannot_be_demoted_or_removed(
    api_client_for: Clients, company: Company, owner: User
) -> None:
    membership = Membership.objects.get(company=company, user=owner)
    client = api_client_for(owner)
    url = f"/api/v1/companies/{company.slug}/members/{membership.pk}/"
    demote = client.patch(url, {"role": "editor"})
    assert demote.status_code == 400
    assert "at least one owner" in demote.json()["errors"]["role"][0]
    remove = client.delete(url)
    assert remove.status_code == 400
    assert "at least one owner" in remove.json()["message"]
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_an_owner_can_step_down_when_another_owner_exists(
    api_client_for: Clients, company: Company, owner: User
) -> None:
    MembershipFactory(company=company, role=Role.OWNER)
    membership = Membership.objects.get(company=company, user=owner)
    url = f"/api/v1/companies/{company.slug}/members/{membership.pk}/"
    assert api_client_for(owner).patch(url, {"role": "editor"}).status_code == 200
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR


def test_the_owner_removes_a_member(
    api_client_for: Clients, company: Company, owner: User, editor: User
) -> None:
    membership = Membership.objects.get(company=company, user=editor)
    assert (
        api_client_for(owner).delete(f"/api/v1/companies/{company.slug}/members/{membership.pk}/").status_code
        == 204
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert "membership.remove" in actions(company)


def test_a_member_of_another_company_is_404(
    api_client_for: Clients, company: Company, owner: User, outsider: User, other_company: Company
) -> None:
    theirs = Membership.objects.get(company=other_company, user=outsider)
    response = api_client_for(owner).delete(f"/api/v1/companies/{company.slug}/members/{theirs.pk}/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_an_unknown_role_is_400(api_client_for: Clients, company: Company, owner: User, viewer: User) -> None:
    membership = Membership.objects.get(company=company, user=viewer)
    response = api_client_for(owner).patch(
        f"/api/v1/companies/{company.slug}/members/{membership.pk}/", {"role": "king"}
    )
    assert response.status_code == 400
    assert "role" in response.json()["errors"]


# --- invitations -------------------------------------------------------------------------


def invitation_token_from_mail() -> str:
    match = re.search(r"/invitations/([^/\s]+)/", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def invite(client: APIClient, company: Company, email: str, capture: Any, role: str = "editor") -> Any:
    with capture(execute=True):
        return client.post(f"/api/v1/companies/{company.slug}/invitations/", {"email": email, "role": role})


def test_an_invitation_is_mailed_and_accepted(
    api_client_for: Clients, company: Company, owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    response = invite(
        api_client_for(owner), company, "Colleague@Example.com", django_capture_on_commit_callbacks
    )
    assert response.status_code == 201
    assert response.json()["state"] == "pending"
    assert mail.outbox[-1].to == ["colleague@example.com"]
    assert company.name in mail.outbox[-1].subject
    token = invitation_token_from_mail()

    colleague = UserFactory(email="colleague@example.com")
    accepted = api_client_for(colleague).post("/api/v1/invitations/accept/", {"token": token})
    assert accepted.status_code == 200
    assert Membership.objects.get(company=company, user=colleague).role == Role.EDITOR
    again = api_client_for(colleague).post("/api/v1/invitations/accept/", {"token": token})
    assert again.status_code == 400
    assert "already been used" in again.json()["message"]
    assert actions(company)[-3:] == ["invitation.create", "membership.set", "invitation.accept"]


def test_only_the_invited_address_can_accept(
    api_client_for: Clients, company: Company, owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    invite(api_client_for(owner), company, "right@example.com", django_capture_on_commit_callbacks)
    response = api_client_for(UserFactory(email="wrong@example.com")).post(
        "/api/v1/invitations/accept/", {"token": invitation_token_from_mail()}
    )
    assert response.status_code == 400
    assert "sent to right@example.com" in response.json()["message"]


def test_an_expired_invitation_is_refused(api_client_for: Clients, company: Company, owner: User) -> None:
    from companies.invitations import invitation_token

    invitation = InvitationFactory(company=company, email="late@example.com")
    with company_scope(company):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = api_client_for(UserFactory(email="late@example.com")).post(
        "/api/v1/invitations/accept/", {"token": invitation_token(invitation)}
    )
    assert response.status_code == 400
    assert "expired" in response.json()["message"]


def test_a_forged_token_is_refused(api_client_for: Clients, owner: User) -> None:
    response = api_client_for(owner).post("/api/v1/invitations/accept/", {"token": "forged.token.value"})
    assert response.status_code == 400
    assert response.json()["message"] == "This invitation link is not valid."


def test_resending_rotates_the_link_and_revoking_kills_it(
    api_client_for: Clients, company: Company, owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_client_for(owner)
    created = invite(client, company, "twice@example.com", django_capture_on_commit_callbacks).json()
    first_token = invitation_token_from_mail()
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(f"/api/v1/companies/{company.slug}/invitations/{created['id']}/resend/")
    assert resent.json()["send_count"] == 2
    second_token = invitation_token_from_mail()
    assert second_token != first_token

    invitee = api_client_for(UserFactory(email="twice@example.com"))
    stale = invitee.post("/api/v1/invitations/accept/", {"token": first_token})
    assert stale.status_code == 400
    assert "no longer valid" in stale.json()["message"]

    assert (
        client.post(f"/api/v1/companies/{company.slug}/invitations/{created['id']}/revoke/").json()["state"]
        == "revoked"
    )
    assert invitee.post("/api/v1/invitations/accept/", {"token": second_token}).status_code == 400


def test_a_second_open_invitation_to_one_address_is_refused(
    api_client_for: Clients, company: Company, owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_client_for(owner)
    invite(client, company, "dup@example.com", django_capture_on_commit_callbacks)
    response = invite(client, company, "DUP@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "already open" in response.json()["errors"]["email"][0]


def test_members_cannot_be_invited_again(
    api_client_for: Clients, company: Company, owner: User, editor: User
) -> None:
    response = api_client_for(owner).post(
        f"/api/v1/companies/{company.slug}/invitations/", {"email": editor.email, "role": "viewer"}
    )
    assert response.status_code == 400
    assert "already a member" in response.json()["errors"]["email"][0]


# --- API keys ----------------------------------------------------------------------------


def test_a_key_is_shown_once_and_stored_hashed(
    api_client_for: Clients, company: Company, manager: User
) -> None:
    response = api_client_for(manager).post(
        f"/api/v1/companies/{company.slug}/api-keys/", {"name": "Lab", "role": "editor"}
    )
    assert response.status_code == 201
    key = response.json()["key"]
    assert key.startswith("arv_")
    with company_scope(company):
        stored = CompanyApiKey.objects.get()
    assert key not in (stored.key_hash, stored.prefix)
    listed = api_client_for(manager).get(f"/api/v1/companies/{company.slug}/api-keys/").json()
    assert "key" not in listed["results"][0]


def test_a_key_acts_in_its_company_with_its_role(company: Company, other_company: Company) -> None:
    api_key, secret = make_api_key(company, role=Role.VIEWER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert client.get(f"/api/v1/companies/{company.slug}/members/").status_code == 200
    assert client.get(f"/api/v1/companies/{company.slug}/").json()["my_role"] == "viewer"
    assert client.get(f"/api/v1/companies/{company.slug}/audit-log/").status_code == 403  # managers only
    assert client.get(f"/api/v1/companies/{other_company.slug}/members/").status_code == 404
    assert client.get("/api/v1/auth/me/").status_code == 403  # keys are not people
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_a_revoked_key_is_401(api_client_for: Clients, company: Company, manager: User) -> None:
    api_key, secret = make_api_key(company)
    assert (
        api_client_for(manager)
        .post(f"/api/v1/companies/{company.slug}/api-keys/{api_key.pk}/revoke/")
        .status_code
        == 200
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    response = client.get(f"/api/v1/companies/{company.slug}/members/")
    assert response.status_code == 401
    assert response.json()["message"] == "This API key has been revoked."


@pytest.mark.parametrize("header", ["Api-Key ", "Api-Key nonsense", "Api-Key arv_000000000000_wrongsecret"])
def test_a_bad_key_is_401(company: Company, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(f"/api/v1/companies/{company.slug}/members/").status_code == 401


def test_a_key_cannot_outrank_its_creator_or_be_owner(
    api_client_for: Clients, company: Company, manager: User
) -> None:
    response = api_client_for(manager).post(
        f"/api/v1/companies/{company.slug}/api-keys/", {"name": "X", "role": "owner"}
    )
    assert response.status_code == 400
    assert "role" in response.json()["errors"]


def test_an_api_key_cannot_mint_keys(company: Company) -> None:
    client = api_key_client(company, Role.MANAGER)
    response = client.post(f"/api/v1/companies/{company.slug}/api-keys/", {"name": "x", "role": "viewer"})
    assert response.status_code == 403
    with company_scope(company):
        assert list(CompanyApiKey.objects.values_list("name", flat=True)) == ["Print lab"]  # the caller's own


def test_an_invitation_revoked_after_the_link_was_checked_is_refused(company: Company, owner: User) -> None:
    invitation = InvitationFactory(company=company, email="late@example.com")
    token = invitations.invitation_token(invitation)
    checked = invitations.invitation_from_token(token)
    invitations.invitation_revoke(invitation=checked, actor=owner)
    with pytest.raises(ValidationError, match="no longer valid"):
        invitations.invitation_accept(token=token, user=UserFactory(email="late@example.com"))


def _key_made_by(client: APIClient, company: Company, role: str) -> str:
    response = client.post(
        f"/api/v1/companies/{company.slug}/api-keys/", {"name": f"Lab {role}", "role": role}
    )
    assert response.status_code == 201, response.content
    return str(response.json()["key"])


def _key_works(secret: str, company: Company) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client.get(f"/api/v1/companies/{company.slug}/members/").status_code == 200


def _membership_url(company: Company, user: User) -> str:
    with company_scope(company):
        membership = Membership.objects.get(user=user)
    return f"/api/v1/companies/{company.slug}/members/{membership.pk}/"


def test_the_keys_of_a_member_who_leaves_stop_working(
    api_client_for: Clients, company: Company, owner: User, manager: User
) -> None:
    theirs = _key_made_by(api_client_for(manager), company, "editor")
    owners = _key_made_by(api_client_for(owner), company, "editor")
    url = _membership_url(company, manager)
    assert api_client_for(owner).delete(url).status_code == 204

    assert not _key_works(theirs, company)
    assert _key_works(owners, company)  # only the leaver's keys
    with company_scope(company):
        revoked = AuditEntry.objects.get(action="api_key.revoke")
    assert revoked.changes == {"reason": [None, "creator_left"]}


def test_a_lowered_role_revokes_the_keys_it_no_longer_covers(
    api_client_for: Clients, company: Company, owner: User, manager: User
) -> None:
    managing = _key_made_by(api_client_for(manager), company, "manager")
    viewing = _key_made_by(api_client_for(manager), company, "viewer")
    url = _membership_url(company, manager)
    assert api_client_for(owner).patch(url, {"role": "editor"}).status_code == 200

    assert not _key_works(managing, company)  # more than an editor may hand out
    assert _key_works(viewing, company)
