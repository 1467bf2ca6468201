from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from web.forms import TimeZoneForm
from web.middleware import COOKIE_NAME, SESSION_KEY, viewer_zone_name

ONE_YEAR = 365 * 24 * 3600


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Language (Django's set_language) and time zone, for visitors and lawyers alike."""
    form = TimeZoneForm(request.POST or None, initial={"time_zone": viewer_zone_name(request) or "UTC"})
    if form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["time_zone"]
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/"
        response = redirect(next_url)
        response.set_cookie(COOKIE_NAME, form.cleaned_data["time_zone"], max_age=ONE_YEAR, samesite="Lax")
        return response
    return render(
        request,
        "web/preferences.html",
        {"form": form, "next": request.GET.get("next", "/"), "title": _("Preferences")},
        status=400 if form.is_bound else 200,
    )
