"""Reads about users, companies and memberships."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from companies.models import Company, Membership, StoredFile
from companies.two_factor import TwoFactorRequired, has_two_factor


def membership_list_for_user(*, user: Any) -> QuerySet[Membership]:
    """The user's memberships in active companies, for the switcher and the `me` answer."""
    return (
        Membership.objects.filter(user=user, company__status=Company.Status.ACTIVE)
        .select_related("company")
        .order_by("company__name")
    )


def _storage_used() -> Subquery:
    return Subquery(
        StoredFile.objects.with_scopes_disabled()
        .filter(company=OuterRef("pk"), held_until__isnull=True)
        .order_by()
        .values("company")
        .annotate(total=Sum("size"))
        .values("total")[:1],
        output_field=IntegerField(),
    )


def company_list_for_user(*, user: Any) -> QuerySet[Company]:
    """Active companies the user belongs to, each with ``member_count``, ``my_role`` and
    ``storage_used_bytes``."""
    my_role = Membership.objects.filter(company=OuterRef("pk"), user=user).values("role")[:1]
    mine = Membership.objects.filter(user=user).values("company_id")
    return (
        Company.objects.filter(pk__in=mine, status=Company.Status.ACTIVE)
        .annotate(
            member_count=Count("memberships", distinct=True),
            my_role=Subquery(my_role),
            storage_used_bytes=Coalesce(_storage_used(), 0),
        )
        .order_by("name")
    )


def member_list(*, company: Company) -> QuerySet[Membership]:
    """Everyone in the company, with their user row loaded."""
    return (
        Membership.objects.filter(company=company).select_related("user", "company").order_by("user__email")
    )


def company_detail(*, company: Company, role: str) -> Company:
    """The company with ``member_count``, and ``my_role`` set to the caller's role (a
    person's membership or an API key's role)."""
    annotated = Company.objects.annotate(
        member_count=Count("memberships"), storage_used_bytes=Coalesce(_storage_used(), 0)
    ).get(pk=company.pk)
    annotated.my_role = role  # type: ignore[attr-defined]  # an extra attribute the serializer reads
    return annotated


def membership_for(*, user: Any, company_slug: str) -> Membership:
    """The user's membership in the company with this slug, or 404.

    A company the user does not belong to answers exactly like one that does not exist,
    so nobody can probe which slugs are taken.
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404
    if hasattr(user, "membership_for"):  # an API key: only its own company, with its role
        key_membership = user.membership_for(company_slug)
        if key_membership is None or not key_membership.company.is_active:
            raise Http404
        return key_membership
    membership = (
        Membership.objects.select_related("company", "user")
        .filter(user=user, company__slug=company_slug, company__status=Company.Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise Http404
    if membership.company.two_factor_required and not has_two_factor(user):
        raise TwoFactorRequired(membership.company)
    return membership
