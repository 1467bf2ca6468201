from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apitokens.models import ApiToken
from apitokens.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. The token is printed once, at creation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print it.")
        create.add_argument("username")
        create.add_argument("--read-only", action="store_true", help="The token can only read.")
        create.add_argument("--name", default="", help="What the token is for.")
        listing = sub.add_parser("list", help="List a user's tokens (never the secrets).")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id (see list).")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            token = ApiToken.objects.filter(pk=options["token_id"]).first()
            if token is None:
                raise CommandError(f"There is no API token with id {options['token_id']}.")
            api_token_revoke(token=token)
            self.stdout.write(f"Revoked token {token.pk} ({token.name}) of {token.user.username}.")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user named {options['username']!r}.")
        if action == "list":
            for token in ApiToken.objects.filter(user=user):
                state = "revoked" if token.revoked_at else "active"
                scope = "read-only" if token.read_only else "read-write"
                self.stdout.write(f"{token.pk}\t{token.prefix}...\t{scope}\t{state}\t{token.name}")
            return
        try:
            token, raw = api_token_create(user=user, name=options["name"], read_only=options["read_only"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        scope = "read-only" if token.read_only else "read-write"
        self.stderr.write(
            f"Created {scope} token {token.pk} ({token.name}) for {user.username}. It is shown only once:"
        )
        self.stdout.write(raw)
