"""A member's own API tokens (creating one asks for the second factor again, or the password for
whoever has none) and an owner's security settings of their organization (require two-factor
sign-in of every member). Writes go through `apitokens.services` and `cases.services`."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.views import remove_webauthn
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apitokens.models import ApiToken
from apitokens.services import api_token_create, api_token_revoke
from cases import services
from cases.selectors import organization_owned_by
from web.accounts import SECOND_FACTORS
from web.forms import apply_service_errors


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Where the token is used, e.g. “calendar sync on the office laptop”."),
    )
    read_only = forms.BooleanField(
        label=gettext_lazy("Read only"), required=False, help_text=gettext_lazy("The token can read but not change.")
    )


class TwoFactorRequirementForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=gettext_lazy("Require two-factor sign-in of every member"),
        required=False,
        help_text=gettext_lazy(
            "Members without an authenticator app or a security key are asked to set one up at "
            "their next sign-in and can open nothing else until they do."
        ),
    )


def _tokens_of(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at"))


@login_required
@never_cache
@require_http_methods(["GET"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/api_tokens.html",
        {"title": _("API tokens"), "tokens": _tokens_of(request.user)},  # type: ignore[arg-type]
    )


@login_required
@never_cache
@reauthentication_required
@require_http_methods(["GET", "POST"])
def api_token_new(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if form.is_valid():
        try:
            token, secret = api_token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            # Shown on this response only (never stored, never in a redirect): no-cache above.
            return render(
                request,
                "web/api_token_created.html",
                {"title": _("API token created"), "token": token, "secret": secret},
                status=201,
            )
    return render(
        request,
        "web/api_token_form.html",
        {"title": _("New API token"), "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked; it no longer works.") % {"name": token.name})
    return redirect("web:api_tokens")


@login_required
@require_http_methods(["GET", "POST"])
def organization_security(request: HttpRequest, slug: str) -> HttpResponse:
    organization = organization_owned_by(user=request.user, slug=slug)  # type: ignore[arg-type]
    if organization is None:
        raise Http404(_("No such organization among those you own."))
    form = TwoFactorRequirementForm(
        request.POST or None, initial={"require_two_factor": organization.require_two_factor}
    )
    if form.is_valid():
        try:
            services.organization_update(
                organization=organization,
                actor=request.user,  # type: ignore[arg-type]
                require_two_factor=form.cleaned_data["require_two_factor"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:organization_security", slug=organization.slug)
    memberships = list(organization.memberships.select_related("user").order_by("user__username"))
    with_second_factor = set(
        Authenticator.objects.filter(
            user__in=[membership.user_id for membership in memberships], type__in=SECOND_FACTORS
        ).values_list("user_id", flat=True)
    )
    return render(
        request,
        "web/organization_security.html",
        {
            "title": _("Security of %(organization)s") % {"organization": organization},
            "organization": organization,
            "form": form,
            "members": [(membership, membership.user_id in with_second_factor) for membership in memberships],
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def webauthn_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """allauth's removal of a security key, which (unlike its TOTP deactivation) does not ask the
    adapter: a member whose organization requires a second factor keeps their last one."""
    key = Authenticator.objects.filter(pk=pk, user=request.user, type=Authenticator.Type.WEBAUTHN).first()
    adapter = get_mfa_adapter()
    if request.method == "POST" and key is not None and not adapter.can_delete_authenticator(key):
        messages.error(request, adapter.error_messages["cannot_delete_authenticator"])
        return redirect("mfa_list_webauthn")
    return remove_webauthn(request, pk=pk)
