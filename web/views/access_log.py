"""The access log of the organizations a user owns (accesslog/): who read what private."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accesslog.selectors import access_log_for, organizations_with_readable_log

PAGE_SIZE = 100


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    owned = list(organizations_with_readable_log(user=request.user))
    if not owned:
        raise PermissionDenied(_("Only an organization's owners may read its access log."))
    slug = request.GET.get("organization", "")
    organization = next((o for o in owned if o.slug == slug), None)
    status = 200
    error = ""
    if slug and organization is None:
        error, status = _("You own no organization with this slug."), 400
    records = access_log_for(user=request.user, organization=organization)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/access_log.html",
        {
            "organizations": owned,
            "organization": organization,
            "page": page,
            "error": error,
            "settings_access_log_days": settings.ACCESS_LOG_DAYS,
        },
        status=status,
    )
