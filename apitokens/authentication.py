from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import OuterRef
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from apitokens.models import ApiToken
from apitokens.services import token_digest
from cases.models import Membership


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`). Sets request.auth to the ApiToken."""

    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        tokens = ApiToken.objects.select_related("user").filter(digest=token_digest(header[1]), revoked_at__isnull=True)
        if connection.vendor == "postgresql":
            # The user's memberships come in the same query (cases.api.permissions reads them):
            # one round trip less on every request, and still read afresh each time, so a
            # revoked token or a removed membership counts from the very next request.
            from django.contrib.postgres.expressions import ArraySubquery

            memberships = Membership.objects.filter(user_id=OuterRef("user_id")).order_by("id")
            tokens = tokens.annotate(
                member_of=ArraySubquery(memberships.values("organization_id")),
                member_roles=ArraySubquery(memberships.values("role")),
            )
        token = tokens.first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Unknown or revoked API token.")
        if hasattr(token, "member_of"):
            token.user.api_memberships = list(zip(token.member_of, token.member_roles, strict=True))  # type: ignore[attr-defined]
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
