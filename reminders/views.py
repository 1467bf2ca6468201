"""Plain pages: the subscribe form (included in the public case page), confirm, one-click
unsubscribe, and the calendar feeds. All writes go through `reminders.services`."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cases.content import active_content_language, content_languages, localized, supported_language
from cases.redaction import read_as_outsider
from cases.selectors import cases_visible_to
from reminders import deadline_reminders, retention, selectors, services
from reminders.calendar import hearings_calendar
from reminders.forms import (
    MemberSettingsForm,
    SubscribeForm,
    SubscriptionSettingsForm,
    subscribe_initial,
    subscription_settings_initial,
)
from reminders.models import Subscription
from tracker.client_address import client_address
from tracker.rate_limits import rate_hit


@require_http_methods(["GET", "POST"])
def subscribe_view(request: HttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(cases_visible_to(user=request.user), slug=slug)
    form = SubscribeForm(request.POST or None, initial=subscribe_initial())
    if request.method == "POST":
        # The API's subscribe budget, shared: one client gets the same number of tries either way.
        retry_after = rate_hit(scope="subscribe", rate=settings.REMINDERS_SUBSCRIBE_RATE, ident=client_address(request))
        if retry_after is not None:
            minutes = max(1, math.ceil(retry_after / 60))
            form.errors.clear()
            form.add_error(
                None,
                ngettext(
                    "Too many subscription requests from your network. Try again in %(minutes)s minute.",
                    "Too many subscription requests from your network. Try again in %(minutes)s minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            response = render(request, "reminders/subscribe.html", {"case": case, "form": form}, status=429)
            response["Retry-After"] = str(math.ceil(retry_after))
            return response
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_subscribe(
                case=case,
                user=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            # The same answer whether the address was new, pending or already subscribed:
            # the page must not tell anyone who follows the case.
            return render(request, "reminders/subscribe_done.html", {"case": case})
    return render(request, "reminders/subscribe.html", {"case": case, "form": form}, status=400 if form.errors else 200)


# The token is the credential: these pages are reached from an email, without a session, so
# CSRF protection does not apply (and RFC 8058 one-click POSTs come with no cookie at all).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    subscription = Subscription.objects.select_related("case").filter(confirm_token=token).first()
    if subscription is None or subscription.unsubscribed_at is not None or subscription.erased_at is not None:
        return render(request, "reminders/link_invalid.html", status=404)
    if request.method == "GET":
        # GET only shows a button: mail scanners follow links, and must not confirm for anyone.
        return render(request, "reminders/confirm.html", {"subscription": subscription})
    subscription = services.subscription_confirm(token=token)
    return render(request, "reminders/confirmed.html", {"subscription": subscription})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    subscription = Subscription.objects.select_related("case").filter(unsubscribe_token=token).first()
    if subscription is None:
        return render(request, "reminders/link_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "reminders/unsubscribe.html", {"subscription": subscription})
    subscription = services.subscription_unsubscribe(token=token)
    return render(request, "reminders/unsubscribed.html", {"subscription": subscription})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscription_delete_view(request: HttpRequest, token: str) -> HttpResponse:
    """Delete the subscription and its address at once (the link in every email). GET only asks:
    mail scanners follow links."""
    subscription = Subscription.objects.select_related("case").filter(unsubscribe_token=token).first()
    if subscription is None:
        return render(request, "reminders/link_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "reminders/delete.html", {"subscription": subscription})
    case = subscription.case
    retention.subscription_delete(token=token)
    return render(request, "reminders/deleted.html", {"case": case})


@require_http_methods(["GET", "POST"])
def subscription_settings_view(request: HttpRequest, token: str) -> HttpResponse:
    """Language, time zone and reminder times, through the link in every email. The page never
    shows the address: links get forwarded."""
    subscription = Subscription.objects.select_related("case").filter(unsubscribe_token=token).first()
    if subscription is None or subscription.unsubscribed_at is not None or subscription.erased_at is not None:
        return render(request, "reminders/link_invalid.html", status=404)
    form = SubscriptionSettingsForm(request.POST or None, initial=subscription_settings_initial(subscription))
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.subscription_settings_change(token=token, **form.cleaned_data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            saved = True
            form = SubscriptionSettingsForm(initial=subscription_settings_initial(subscription))
    context = {"subscription": subscription, "form": form, "saved": saved}
    return render(request, "reminders/settings.html", context, status=400 if form.errors else 200)


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def case_feed_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Public cases only: a feed URL is shared freely, so it never depends on who asks, only on
    the language it asks for: `?lang=ru` (a calendar app sends no Accept-Language worth the
    name), else Accept-Language."""
    asked = request.GET.get("lang")
    language = supported_language(asked) if asked is not None else active_content_language()
    if language is None:
        message = _('Unknown language "%(code)s": use one of %(languages)s.') % {
            "code": asked,
            "languages": ", ".join(content_languages()),
        }
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    case = get_object_or_404(cases_visible_to(user=None), slug=slug)
    hearings = selectors.hearings_for_feed(cases=cases_visible_to(user=None).filter(pk=case.pk))
    read_as_outsider(case)
    name = localized(case, "title", language).text
    return _calendar_response(hearings_calendar(hearings, name=name, language=language), f"{case.slug}.ics")


def subscriber_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The hearings of every case the address follows, in the language of its subscription."""
    owner = selectors.feed_owner(token=token)
    cases = selectors.feed_cases_for_token(token=token)
    if owner is None or cases is None:
        raise Http404("Unknown feed.")
    hearings = selectors.hearings_for_feed(cases=cases)
    with translation.override(owner.language):
        name = _("Hearings I follow")
    body = hearings_calendar(hearings, name=name, language=owner.language)
    return _calendar_response(body, "hearings.ics")


@login_required
@require_http_methods(["GET", "POST"])
def member_settings_view(request: HttpRequest) -> HttpResponse:
    """A member's deadline reminders and private calendar feed: the feed's secret address (and a
    button for a new one), and the language of the reminders."""
    user = request.user
    member_settings = deadline_reminders.member_settings_get(user=user)  # type: ignore[arg-type]
    form = MemberSettingsForm(request.POST or None, initial={"language": member_settings.language})
    if request.method == "POST":
        if "reset_feed" in request.POST:
            deadline_reminders.member_feed_token_reset(user=user)  # type: ignore[arg-type]
            return redirect("reminders:member-settings")
        if form.is_valid():
            deadline_reminders.member_settings_update(user=user, language=form.cleaned_data["language"])  # type: ignore[arg-type]
            return redirect("reminders:member-settings")
    context = {
        "form": form,
        "member_settings": member_settings,
        "feed_url": request.build_absolute_uri(reverse("reminders:member-feed", args=[member_settings.feed_token])),
        "receives": deadline_reminders.deadline_reminder_recipients_organizations(user=user),  # type: ignore[arg-type]
    }
    return render(request, "reminders/member_settings.html", context, status=400 if form.errors else 200)


def member_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """A member's private feed: the hearings and deadlines of their organizations' cases. The
    token is the credential (calendar clients send no session); it stops working when reset or
    when the user is deactivated, and shows only what the user may see today."""
    owner = selectors.member_feed_owner(token=token)
    if owner is None:
        raise Http404("Unknown feed.")
    hearings = selectors.hearings_for_feed(cases=selectors.member_feed_cases(owner=owner))
    deadlines = selectors.deadlines_for_member_feed(owner=owner)
    language = deadline_reminders.member_language(owner.user)
    with translation.override(language):
        name = _("Hearings and deadlines")
    # The member's own feed (the token is theirs): their organizations' real texts.
    body = hearings_calendar(hearings, deadlines=deadlines, name=name, language=language, for_outsiders=False)
    return _calendar_response(body, "hearings-and-deadlines.ics")
