"""How django-allauth signs people in here: accounts are made by an organization's owner or an
administrator (no signup), password guesses are counted by django-axes alone, and a member of an
organization that requires a second factor is sent to set one up (web/two_factor.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from cases.selectors import two_factor_required_for
from web.two_factor import SETUP_SESSION_KEY

# The kinds that are a second factor; recovery codes only stand in for a lost one.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user: AbstractBaseUser) -> bool:
    return is_mfa_enabled(user, types=SECOND_FACTORS)


class LoginForm(AllauthLoginForm):
    """allauth's form, which names the username field `login`; a client written for Django's own
    form (`username`, as before allauth) keeps working."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""  # the page links to the password reset itself
        self.fields["login"].widget.attrs["autofocus"] = True  # as Django's form: type at once


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # lawyers' accounts are made by their organization, never by a stranger

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Password guesses are counted by django-axes (per username and address, for an hour,
        # its lockout page): one policy, not two with different limits. allauth's own limit
        # still counts wrong second-factor codes (allauth.mfa's check_rate_limit).
        self._login_failed_rl_usage = None

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        # Checked once here, at sign-in ("asked at next login"), so that other requests cost no
        # query; web/two_factor.py clears the mark once a second factor is set up.
        if not has_second_factor(user) and two_factor_required_for(user=user):  # type: ignore[arg-type]
            request.session[SETUP_SESSION_KEY] = True

    def get_reauthentication_methods(self, user: AbstractBaseUser | AnonymousUser) -> list[dict[str, Any]]:
        # Whoever has a second factor re-authenticates with it: a phished password alone does
        # not create an API token or remove a security key.
        methods: list[dict[str, Any]] = super().get_reauthentication_methods(user)
        if user.is_authenticated and has_second_factor(user):
            methods = [method for method in methods if method["id"] != "reauthenticate"]
        return methods

    def reauthenticate(self, user: AbstractBaseUser, password: str) -> bool:
        # Not offered to them (above), and not taken if posted all the same.
        return not has_second_factor(user) and super().reauthenticate(user, password)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """The last second factor of a member whose organization requires one stays."""
        if authenticator.type not in SECOND_FACTORS:
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=SECOND_FACTORS).exclude(
            pk=authenticator.pk
        )
        return others.exists() or not two_factor_required_for(user=authenticator.user)
