from __future__ import annotations

import zoneinfo

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from reminders.models import Subscription

OFFSET_CHOICES = [
    (7 * 24 * 60, _("7 days before")),
    (3 * 24 * 60, _("3 days before")),
    (24 * 60, _("1 day before")),
    (2 * 60, _("2 hours before")),
    (60, _("1 hour before")),
]
TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]
TIME_ZONE_NAMES = frozenset(name for name, _ in TIME_ZONE_CHOICES)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    language = forms.ChoiceField(label=_("Language"), choices=Subscription.Language.choices)
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=TIME_ZONE_CHOICES, initial="Europe/Moscow")
    offsets_minutes = forms.TypedMultipleChoiceField(
        label=_("Remind me"),
        choices=OFFSET_CHOICES,
        coerce=int,
        initial=[7 * 24 * 60, 24 * 60, 2 * 60],
        widget=forms.CheckboxSelectMultiple,
    )


def subscribe_initial() -> dict[str, object]:
    """Start from the visitor's language and time zone (the browser's, reported by the `tz`
    cookie, or the one chosen on the preferences page), so most people only type an address."""
    zone = timezone.get_current_timezone_name()
    language = (translation.get_language() or "en")[:2]
    return {
        "language": language if language in Subscription.Language.values else Subscription.Language.ENGLISH,
        "time_zone": zone if zone in TIME_ZONE_NAMES else "Europe/Moscow",
    }


class MemberSettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of my deadline reminders"),
        choices=[("", _("The site's default (English)")), *Subscription.Language.choices],
        required=False,
    )
