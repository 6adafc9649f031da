"""DRF authentication with a company API key: ``Authorization: Api-Key arv_…``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from companies.api_keys import ApiKeyError, api_key_verify
from companies.models import CompanyApiKey, Membership

KEYWORD = "Api-Key"


@dataclass(frozen=True)
class ApiKeyPrincipal:
    """The caller behind an API key: acts only in the key's company, with the key's role."""

    api_key: CompanyApiKey
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    pk: None = None
    id: None = None

    def membership_for(self, company_slug: str) -> Membership | None:
        if self.api_key.company.slug != company_slug:
            return None
        return Membership(company=self.api_key.company, role=self.api_key.role)

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, key = header.partition(" ")
        if keyword != KEYWORD:
            return None
        if not key.strip():
            raise exceptions.AuthenticationFailed("No API key given after 'Api-Key'.")
        try:
            api_key = api_key_verify(key.strip())
        except ApiKeyError as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        return ApiKeyPrincipal(api_key=api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
