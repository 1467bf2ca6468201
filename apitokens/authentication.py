from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from apitokens.cache import current_epoch, token_rows
from apitokens.models import ApiToken
from apitokens.services import token_digest
from cases.models import Membership


@cache
def _lookup_sql() -> tuple[str, list[str], list[str]]:
    """One statement (PostgreSQL) for the token, its user and the user's memberships.

    Written as SQL rather than built with the ORM on every request: bench/api.py measured the
    ORM's building and compiling of this query at about a third of a whole case-list request.
    The column lists come from the models' metadata, so a field added to either model is read
    too. The memberships come in the same statement (api.cases.permissions reads them): one
    round trip. Each process remembers the row while nothing that bears on it changes
    (apitokens/cache.py), so a revoked token or a removed membership still counts from the very
    next request."""
    user_model = get_user_model()
    token_columns = [field.attname for field in ApiToken._meta.concrete_fields]
    user_columns = [field.attname for field in user_model._meta.concrete_fields]
    quote = connection.ops.quote_name
    membership = quote(Membership._meta.db_table)
    memberships = f"FROM {membership} m WHERE m.user_id = t.user_id ORDER BY m.id"
    columns = [f"t.{quote(name)}" for name in token_columns] + [f"u.{quote(name)}" for name in user_columns]
    sql = (
        f"SELECT {', '.join(columns)}, ARRAY(SELECT m.organization_id {memberships}), ARRAY(SELECT m.role {memberships}) "  # noqa: S608 (names from the models' metadata)
        f"FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(user_model._meta.db_table)} u ON u.id = t.user_id "
        "WHERE t.digest = %s AND t.revoked_at IS NULL"
    )
    return sql, token_columns, user_columns


def active_token(raw: str) -> ApiToken | None:
    """The unrevoked token with this secret, its `user` loaded (with `api_memberships` on
    PostgreSQL), or None. On PostgreSQL the lookup's row is remembered by the process while
    nothing that bears on it changes (apitokens/cache.py)."""
    digest = token_digest(raw)
    if connection.vendor != "postgresql":
        return ApiToken.objects.select_related("user").filter(digest=digest, revoked_at__isnull=True).first()
    sql, token_columns, user_columns = _lookup_sql()
    epoch = current_epoch() if settings.API_TOKEN_CACHE_SECONDS > 0 else None
    row = token_rows.get(digest, epoch) if epoch is not None else None
    if row is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [digest])
            row = cursor.fetchone()
        if row is None:
            return None
        if epoch is not None:
            token_rows.put(digest, epoch, row)
    split = len(token_columns)
    token = ApiToken.from_db(connection.alias, token_columns, row[:split])
    user: Any = get_user_model().from_db(connection.alias, user_columns, row[split : split + len(user_columns)])
    user.api_memberships = list(zip(row[-2], row[-1], strict=True))
    token.user = user
    return token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`). Sets request.auth to the ApiToken."""

    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        token = active_token(header[1])
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Unknown or revoked API token.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
