"""An organization that requires a second factor (Organization.require_two_factor): a member who
signs in with a password alone is marked at sign-in (web/accounts.py) and, until they set up an
authenticator app or a security key, reaches only the pages that do that (and logging out, the
language switch). The pages and the admin alike; API tokens are another credential and keep
working (creating one asks for the second factor again: web/views/security.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

SETUP_SESSION_KEY = "web_two_factor_setup_required"


def _open_prefixes() -> tuple[str, ...]:
    return (
        reverse("mfa_index"),  # /accounts/2fa/: TOTP, security keys, recovery codes
        reverse("account_reauthenticate"),
        reverse("logout"),
        reverse("set_language"),
        f"/{settings.STATIC_URL.lstrip('/')}",
    )


class TwoFactorSetupMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(SETUP_SESSION_KEY) and request.user.is_authenticated:
            from web.accounts import has_second_factor  # allauth's models: not at import time

            if has_second_factor(request.user):
                del request.session[SETUP_SESSION_KEY]
            elif not request.path.startswith(_open_prefixes()):
                messages.warning(
                    request,
                    _(
                        "Your organization requires two-factor sign-in. Set up an authenticator app "
                        "or a security key to continue."
                    ),
                )
                return HttpResponseRedirect(reverse("mfa_index"))
        return self.get_response(request)
